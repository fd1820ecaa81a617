#include "api/byte_range.h"

#include <boost/beast/core/string.hpp>
#include <charconv>
#include <limits>

namespace talegraph::api {

namespace {

// Parses a run of decimal digits. A number too large for uint64_t is
// clamped to its maximum, since every such position lies past the end.
std::optional<uint64_t> ParseNumber(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) {
    return std::numeric_limits<uint64_t>::max();
  }
  return value;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

RangeRequest ParseRange(std::string_view header, uint64_t size) {
  header = Trim(header);
  if (header.empty()) {
    return {};
  }
  constexpr std::string_view kUnit = "bytes=";
  size_t equals = header.find('=');
  if (equals == std::string_view::npos) {
    return {RangeStatus::kUnsatisfiable, {}};
  }
  if (!boost::beast::iequals(header.substr(0, equals + 1), kUnit)) {
    // RFC 9110 section 14.2: a server ignores a range unit it does not know.
    return {};
  }
  std::string_view spec = Trim(header.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) {
    // Several ranges would need multipart/byteranges; RFC 9110 lets a
    // server answer with the whole representation instead.
    return {};
  }

  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) {
    return {RangeStatus::kUnsatisfiable, {}};
  }
  std::string_view first_text = spec.substr(0, dash);
  std::string_view last_text = spec.substr(dash + 1);

  if (first_text.empty()) {
    auto suffix = ParseNumber(last_text);
    if (!suffix || *suffix == 0 || size == 0) {
      return {RangeStatus::kUnsatisfiable, {}};
    }
    uint64_t length = std::min(*suffix, size);
    return {RangeStatus::kSatisfiable, {size - length, size - 1}};
  }

  auto first = ParseNumber(first_text);
  if (!first || *first >= size) {
    return {RangeStatus::kUnsatisfiable, {}};
  }
  uint64_t last = size - 1;
  if (!last_text.empty()) {
    auto parsed = ParseNumber(last_text);
    if (!parsed || *parsed < *first) {
      return {RangeStatus::kUnsatisfiable, {}};
    }
    last = std::min(*parsed, size - 1);
  }
  return {RangeStatus::kSatisfiable, {*first, last}};
}

}  // namespace talegraph::api
