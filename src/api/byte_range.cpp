#include "api/byte_range.h"

#include <charconv>

namespace talegraph::api {

namespace {

std::optional<uint64_t> ParseNumber(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
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
  if (!header.starts_with(kUnit)) {
    return {RangeStatus::kUnsatisfiable, {}};
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
