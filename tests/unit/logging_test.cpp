#include "app/logging.h"

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

#include <boost/json/parse.hpp>

namespace talegraph::app {
namespace {

// Formats one record with the JSON formatter and parses the line back.
boost::json::object FormatJson(spdlog::level::level_enum level, std::string_view text) {
  spdlog::details::log_msg message("talegraph", level,
                                   spdlog::string_view_t(text.data(), text.size()));
  spdlog::memory_buf_t buffer;
  MakeJsonLineFormatter()->format(message, buffer);
  std::string line(buffer.data(), buffer.size());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "a record must stay on one line: " << line;
  return boost::json::parse(line).as_object();
}

TEST(Logging, JsonLineFields) {
  auto record = FormatJson(spdlog::level::info, "GET /health 200");
  EXPECT_EQ(record.at("severity").as_string(), "INFO");
  EXPECT_EQ(record.at("message").as_string(), "GET /health 200");
  EXPECT_TRUE(record.at("time").as_string().ends_with("Z"));
}

TEST(Logging, JsonSeverityNames) {
  EXPECT_EQ(FormatJson(spdlog::level::debug, "x").at("severity").as_string(), "DEBUG");
  EXPECT_EQ(FormatJson(spdlog::level::warn, "x").at("severity").as_string(), "WARNING");
  EXPECT_EQ(FormatJson(spdlog::level::err, "x").at("severity").as_string(), "ERROR");
  EXPECT_EQ(FormatJson(spdlog::level::critical, "x").at("severity").as_string(), "CRITICAL");
}

TEST(Logging, JsonEscapesMessage) {
  auto record = FormatJson(spdlog::level::info, "quote \" newline \n tab \t");
  EXPECT_EQ(record.at("message").as_string(), "quote \" newline \n tab \t");
}

}  // namespace
}  // namespace talegraph::app
