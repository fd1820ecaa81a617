// Feeds arbitrary text to the settings parser, which must return a Config or
// throw ConfigError, and prints every Config that it returns.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto config = talegraph::config::ParseSettings(text, "fuzz input");
    if (talegraph::config::DescribeConfig(config).empty()) {
      __builtin_trap();
    }
  } catch (const talegraph::config::ConfigError&) {
  }
  return 0;
}
