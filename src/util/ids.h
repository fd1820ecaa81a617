// Server-generated ids and the check applied to ids that clients send.
#pragma once

#include <string>
#include <string_view>

namespace talegraph::util {

// Returns a new random id of 20 characters from [A-Za-z0-9]: URL-safe and a
// valid Firestore document id. Thread-safe.
std::string GenerateId();

// Maximum length of an id accepted in a path.
inline constexpr size_t kMaxIdLength = 128;

// Whether `id` is 1..kMaxIdLength characters of [A-Za-z0-9_-], the ids this
// server generates and the only ones it looks up.
bool IsValidId(std::string_view id);

}  // namespace talegraph::util
