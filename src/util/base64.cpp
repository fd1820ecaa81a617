#include "util/base64.h"

#include <array>
#include <cstdint>

namespace talegraph::util {

namespace {

constexpr std::string_view kStandardAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Encode(std::string_view bytes, std::string_view alphabet, bool pad) {
  std::string text;
  text.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t group = static_cast<uint8_t>(bytes[i]) << 16 |
                           static_cast<uint8_t>(bytes[i + 1]) << 8 |
                           static_cast<uint8_t>(bytes[i + 2]);
    text.push_back(alphabet[group >> 18 & 63]);
    text.push_back(alphabet[group >> 12 & 63]);
    text.push_back(alphabet[group >> 6 & 63]);
    text.push_back(alphabet[group & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 0) {
    return text;
  }
  uint32_t group = static_cast<uint8_t>(bytes[i]) << 16;
  if (rest == 2) {
    group |= static_cast<uint8_t>(bytes[i + 1]) << 8;
  }
  text.push_back(alphabet[group >> 18 & 63]);
  text.push_back(alphabet[group >> 12 & 63]);
  if (rest == 2) {
    text.push_back(alphabet[group >> 6 & 63]);
  }
  if (pad) {
    text.append(3 - rest, '=');
  }
  return text;
}

std::optional<std::string> Decode(std::string_view text, std::string_view alphabet) {
  std::array<int8_t, 256> values{};
  values.fill(-1);
  for (size_t i = 0; i < alphabet.size(); ++i) {
    values[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
  }
  if (text.size() % 4 == 0 && !text.empty()) {
    // At most two '=' end a padded text.
    for (int pad = 0; pad < 2 && text.ends_with('='); ++pad) {
      text.remove_suffix(1);
    }
  }
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }

  std::string bytes;
  bytes.reserve(text.size() * 3 / 4);
  uint32_t group = 0;
  int bits = 0;
  for (const char c : text) {
    const int8_t value = values[static_cast<uint8_t>(c)];
    if (value < 0) {
      return std::nullopt;
    }
    group = group << 6 | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>(group >> bits & 0xff));
    }
  }
  return bytes;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, kStandardAlphabet, true); }

std::string Base64UrlEncode(std::string_view bytes) { return Encode(bytes, kUrlAlphabet, false); }

std::optional<std::string> Base64Decode(std::string_view text) {
  return Decode(text, kStandardAlphabet);
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  return Decode(text, kUrlAlphabet);
}

}  // namespace talegraph::util
