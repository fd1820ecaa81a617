#include "app/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <chrono>

#include "util/time.h"

namespace talegraph::app {

namespace {

// Cloud Logging's LogSeverity names.
std::string_view SeverityName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "DEBUG";
    case spdlog::level::info:
      return "INFO";
    case spdlog::level::warn:
      return "WARNING";
    case spdlog::level::err:
      return "ERROR";
    case spdlog::level::critical:
      return "CRITICAL";
    default:
      return "DEFAULT";
  }
}

// Formats each record as {"time": ..., "severity": ..., "message": ...}.
class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) override {
    std::string_view text(message.payload.data(), message.payload.size());
    std::string line = "{\"time\":\"" + util::FormatRfc3339(message.time) + "\",\"severity\":\"";
    line += SeverityName(message.level);
    line += "\",\"message\":";
    line += boost::json::serialize(boost::json::string(text));
    line += ",\"thread\":" + std::to_string(message.thread_id) + "}\n";
    out.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLineFormatter>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> MakeJsonLineFormatter() {
  return std::make_unique<JsonLineFormatter>();
}

void ConfigureLogging(const config::LogConfig& log) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("talegraph", sink);
  if (log.format == "json") {
    logger->set_formatter(MakeJsonLineFormatter());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%t] %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(log.level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace talegraph::app
