// Process-wide logging setup: spdlog to stderr, as text or as JSON lines
// that Cloud Logging reads (a "severity" field per line).
#pragma once

#include <spdlog/formatter.h>

#include <memory>

#include "config/config.h"

namespace talegraph::app {

// Replaces spdlog's default logger according to `log`. Call once at start,
// before other threads log.
void ConfigureLogging(const config::LogConfig& log);

// Returns the formatter of the "json" format: one object a line with
// "time" (RFC 3339 UTC), "severity" (Cloud Logging's names), "message" and
// "thread".
std::unique_ptr<spdlog::formatter> MakeJsonLineFormatter();

}  // namespace talegraph::app
