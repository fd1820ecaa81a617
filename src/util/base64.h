// Base64 (RFC 4648 section 4) and its URL-safe alphabet (section 5).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace talegraph::util {

// Encodes `bytes` in standard base64 with '=' padding.
std::string Base64Encode(std::string_view bytes);

// Encodes `bytes` in URL-safe base64 without padding, as JWTs use it.
std::string Base64UrlEncode(std::string_view bytes);

// Decodes standard base64 with or without padding. Returns nullopt for any
// character outside the alphabet or a length that no encoding produces.
std::optional<std::string> Base64Decode(std::string_view text);

// Decodes URL-safe base64 with or without padding, like Base64Decode.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace talegraph::util
