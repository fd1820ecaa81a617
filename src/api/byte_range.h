// Parsing of the HTTP Range header (RFC 9110, section 14) for one range of
// bytes, which is what audio players send.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace talegraph::api {

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
};

enum class RangeStatus {
  kNone,           // no Range header, or several ranges: send the whole body
  kSatisfiable,    // send `range` with 206
  kUnsatisfiable,  // outside the resource or malformed: 416
};

struct RangeRequest {
  RangeStatus status = RangeStatus::kNone;
  ByteRange range;
};

// Interprets `header` ("bytes=0-99", "bytes=100-", "bytes=-10") against a
// resource of `size` bytes.
RangeRequest ParseRange(std::string_view header, uint64_t size);

}  // namespace talegraph::api
