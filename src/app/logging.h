// Process-wide logging setup: spdlog to stderr, as text or as JSON lines
// that Cloud Logging reads (a "severity" field per line).
#pragma once

#include "config/config.h"

namespace talegraph::app {

// Replaces spdlog's default logger according to `log`. Call once at start,
// before other threads log.
void ConfigureLogging(const config::LogConfig& log);

}  // namespace talegraph::app
