#include "util/time.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace talegraph::util {

std::string FormatRfc3339(std::chrono::system_clock::time_point time) {
  auto milliseconds = std::chrono::time_point_cast<std::chrono::milliseconds>(time);
  auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(milliseconds);
  auto fraction = (milliseconds - seconds).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", seconds, fraction);
}

std::string NowRfc3339() { return FormatRfc3339(std::chrono::system_clock::now()); }

}  // namespace talegraph::util
