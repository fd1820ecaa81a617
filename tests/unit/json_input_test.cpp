#include "api/json_input.h"

#include <gtest/gtest.h>

#include "http/errors.h"

namespace talegraph::api {
namespace {

http::Request JsonRequest(std::string body, std::string content_type = "application/json") {
  http::Request request;
  request.body = std::move(body);
  if (!content_type.empty()) {
    request.headers.set("Content-Type", content_type);
  }
  return request;
}

// Returns the error code of `action`, or "" when it does not throw.
template <typename Action>
std::string CodeOf(Action action) {
  try {
    action();
  } catch (const http::HttpError& error) {
    return error.code();
  }
  return "";
}

TEST(JsonInput, ParsesObject) {
  auto object = ParseJsonObject(JsonRequest(R"({"name": "Ada"})"));
  EXPECT_EQ(object.at("name").as_string(), "Ada");
}

TEST(JsonInput, MalformedGivesPosition) {
  try {
    ParseJsonObject(JsonRequest(R"({"name": )"));
    FAIL() << "expected invalid_json";
  } catch (const http::HttpError& error) {
    EXPECT_EQ(error.code(), "invalid_json");
    EXPECT_NE(std::string(error.detail()).find("at byte"), std::string::npos) << error.detail();
  }
}

TEST(JsonInput, RejectsBadBodies) {
  EXPECT_EQ(CodeOf([] { ParseJsonObject(JsonRequest("")); }), "invalid_json");
  EXPECT_EQ(CodeOf([] { ParseJsonObject(JsonRequest("[1]")); }), "invalid_body");
  EXPECT_EQ(CodeOf([] { ParseJsonObject(JsonRequest("{} x")); }), "invalid_json");
  EXPECT_EQ(CodeOf([] { ParseJsonObject(JsonRequest("{}", "text/plain")); }),
            "unsupported_media_type");
  EXPECT_EQ(CodeOf([] { ParseJsonObject(JsonRequest("", ""), true); }), "");
  EXPECT_EQ(CodeOf([] { ParseJsonObject(JsonRequest("{}", "application/json; charset=utf-8")); }),
            "");
}

TEST(JsonInput, FieldChecks) {
  boost::json::object object{{"name", 5},    {"count", "x"},   {"big", 1000},
                             {"text", "ok"}, {"ctl", "a\x01"}, {"nothing", nullptr}};
  FieldReader fields(object, {"name", "count", "big", "text", "ctl", "nothing", "absent"});
  EXPECT_EQ(CodeOf([&] { fields.RequireString("name", 1, 10); }), "invalid_field");
  EXPECT_EQ(CodeOf([&] { fields.RequireString("absent", 1, 10); }), "missing_field");
  EXPECT_EQ(CodeOf([&] { fields.RequireString("nothing", 1, 10); }), "missing_field");
  EXPECT_EQ(CodeOf([&] { fields.OptionalInteger("count", 0, 10); }), "invalid_field");
  EXPECT_EQ(CodeOf([&] { fields.OptionalInteger("big", 0, 10); }), "invalid_field");
  EXPECT_EQ(CodeOf([&] { fields.OptionalString("text", 3, 10); }), "invalid_field");
  EXPECT_EQ(CodeOf([&] { fields.OptionalString("ctl", 0, 10); }), "invalid_field");
  EXPECT_EQ(fields.OptionalString("text", 1, 10).value(), "ok");
  EXPECT_FALSE(fields.OptionalInteger("nothing", 0, 10).has_value());
}

TEST(JsonInput, UnknownFieldRejected) {
  boost::json::object object{{"nmae", "Ada"}};
  try {
    FieldReader fields(object, {"name"});
    FAIL() << "expected unknown_field";
  } catch (const http::HttpError& error) {
    EXPECT_EQ(error.code(), "unknown_field");
    EXPECT_NE(std::string(error.detail()).find("nmae"), std::string::npos);
  }
}

}  // namespace
}  // namespace talegraph::api
