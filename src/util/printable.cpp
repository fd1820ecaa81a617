#include "util/printable.h"

#include <fmt/format.h>

namespace talegraph::util {

std::string Printable(std::string_view text) {
  constexpr size_t kMaxShown = 64;
  std::string out;
  for (unsigned char c : text.substr(0, kMaxShown)) {
    if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (text.size() > kMaxShown) {
    out += "...";
  }
  return out;
}

}  // namespace talegraph::util
