// Wall-clock timestamps in the RFC 3339 form stored in documents.
#pragma once

#include <chrono>
#include <string>

namespace talegraph::util {

// Formats `time` as RFC 3339 UTC with milliseconds: 2026-12-03T21:04:05.123Z.
std::string FormatRfc3339(std::chrono::system_clock::time_point time);

// Returns the current time formatted by FormatRfc3339.
std::string NowRfc3339();

}  // namespace talegraph::util
