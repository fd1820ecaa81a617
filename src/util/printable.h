// Escaping of client-sent text before it is echoed in an error message or a
// log line.
#pragma once

#include <string>
#include <string_view>

namespace talegraph::util {

// Returns at most the first 64 bytes of `text` with every byte outside
// printable ASCII written as \xNN, and "..." when it was longer. The result
// is valid UTF-8 and holds no control characters.
std::string Printable(std::string_view text);

}  // namespace talegraph::util
