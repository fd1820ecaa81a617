#include "store/firestore_value.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "store/store_error.h"
#include "util/base64.h"

namespace talegraph::store::firestore {
namespace {

namespace json = boost::json;

// Each JSON value with the Firestore Value it encodes to, in REST JSON.
struct Case {
  const char* name;
  json::value value;
  const char* encoded;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"string", "hello", R"({"stringValue":"hello"})"},
      {"empty string", "", R"({"stringValue":""})"},
      {"integer", 42, R"({"integerValue":"42"})"},
      {"negative integer", -9'007'199'254'740'993, R"({"integerValue":"-9007199254740993"})"},
      {"int64 maximum", std::numeric_limits<int64_t>::max(),
       R"({"integerValue":"9223372036854775807"})"},
      {"double", 0.5, R"({"doubleValue":5E-1})"},
      {"true", true, R"({"booleanValue":true})"},
      {"false", false, R"({"booleanValue":false})"},
      {"null", nullptr, R"({"nullValue":null})"},
      {"timestamp", "2026-12-03T21:04:05.123Z", R"({"timestampValue":"2026-12-03T21:04:05.123Z"})"},
      {"array", json::array{1, "a"},
       R"({"arrayValue":{"values":[{"integerValue":"1"},{"stringValue":"a"}]}})"},
      {"empty array", json::array{}, R"({"arrayValue":{}})"},
      {"map", json::object{{"k", true}}, R"({"mapValue":{"fields":{"k":{"booleanValue":true}}}})"},
      {"empty map", json::object{}, R"({"mapValue":{}})"},
  };
  return cases;
}

TEST(FirestoreValue, EncodesEachType) {
  for (const Case& test_case : Cases()) {
    SCOPED_TRACE(test_case.name);
    EXPECT_EQ(json::serialize(EncodeValue(test_case.value, "f")), test_case.encoded);
  }
}

TEST(FirestoreValue, DecodesEachType) {
  for (const Case& test_case : Cases()) {
    SCOPED_TRACE(test_case.name);
    const json::value decoded = DecodeValue(json::parse(test_case.encoded), "f");
    EXPECT_EQ(decoded, test_case.value);
    EXPECT_EQ(decoded.kind(), test_case.value.kind());
  }
}

TEST(FirestoreValue, RoundTripsNestedFields) {
  const json::object fields{
      {"words", json::array{json::object{{"word", "hi"}, {"start", 1.25}, {"end", 2}}}},
      {"profile", json::object{{"city", "Oslo"}, {"tags", json::array{"a", nullptr}}}},
      {"created_at", "2026-01-02T03:04:05.000Z"},
  };
  EXPECT_EQ(DecodeFields(EncodeFields(fields)), fields);
}

TEST(FirestoreValue, UnsignedOverInt64Throws) {
  const json::value too_large = std::numeric_limits<uint64_t>::max();
  EXPECT_THROW(EncodeValue(too_large, "n"), std::invalid_argument);
  const json::value fits = uint64_t{7};
  EXPECT_EQ(json::serialize(EncodeValue(fits, "n")), R"({"integerValue":"7"})");
}

TEST(FirestoreValue, TimestampPrecisionNormalized) {
  // Firestore writes timestamps with 0, 3, 6 or 9 fractional digits.
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"2026-12-03T21:04:05Z", "2026-12-03T21:04:05.000Z"},
      {"2026-12-03T21:04:05.120Z", "2026-12-03T21:04:05.120Z"},
      {"2026-12-03T21:04:05.123000Z", "2026-12-03T21:04:05.123Z"},
      {"2026-12-03T21:04:05.123000000Z", "2026-12-03T21:04:05.123Z"},
      {"2026-12-03T21:04:05.123456Z", "2026-12-03T21:04:05.123456Z"},
  };
  for (const auto& [stored, expected] : cases) {
    SCOPED_TRACE(stored);
    const json::value encoded = {{"timestampValue", stored}};
    EXPECT_EQ(DecodeValue(encoded, "t"), json::value(expected));
  }
}

TEST(FirestoreValue, OnlyValidTimesBecomeTimestamps) {
  EXPECT_TRUE(IsMillisecondTimestamp("2024-02-29T23:59:59.999Z"));
  for (const char* text :
       {"2023-02-29T00:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-12-03T24:00:00.000Z",
        "2026-12-03T21:04:60.000Z", "0000-01-01T00:00:00.000Z", "2026-12-03T21:04:05Z",
        "2026-12-03T21:04:05.123456Z", "2026-12-03 21:04:05.123Z", "2026-12-03T21:04:05.123+01:00",
        "2026-1a-03T21:04:05.123Z", "in 1952"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(IsMillisecondTimestamp(text));
    EXPECT_TRUE(EncodeValue(json::value(text), "t").contains("stringValue"));
  }
}

TEST(FirestoreValue, BytesRoundTrip) {
  std::string bytes;
  for (int value = 0; value < 256; ++value) {
    bytes.push_back(static_cast<char>(value));
  }
  const json::object encoded = EncodeBytes(bytes);
  EXPECT_EQ(encoded.at("bytesValue").as_string(), util::Base64Encode(bytes));
  EXPECT_EQ(DecodeBytes(encoded, "data"), bytes);
}

TEST(FirestoreValue, MalformedValuesThrowStoreError) {
  for (const char* text :
       {R"({"integerValue":12})", R"({"integerValue":"12x"})", R"({"doubleValue":"NaN"})",
        R"({"booleanValue":"true"})", R"({"unknownValue":1})", R"({})",
        R"({"stringValue":"a","integerValue":"1"})", R"({"arrayValue":{"values":3}})",
        R"({"bytesValue":"not base64!"})"}) {
    SCOPED_TRACE(text);
    EXPECT_THROW(DecodeValue(json::parse(text), "f"), StoreError);
  }
}

TEST(FirestoreValue, StorageSizeFollowsFirestoreRules) {
  EXPECT_EQ(StorageSizeOf(json::value("abc")), 4u);
  EXPECT_EQ(StorageSizeOf(json::value(7)), 8u);
  EXPECT_EQ(StorageSizeOf(json::value(1.5)), 8u);
  EXPECT_EQ(StorageSizeOf(json::value(true)), 1u);
  EXPECT_EQ(StorageSizeOf(json::value(nullptr)), 1u);
  EXPECT_EQ(StorageSizeOf(json::value("2026-12-03T21:04:05.123Z")), 8u);
  EXPECT_EQ(StorageSizeOf(json::value(json::array{"ab", 1})), 3u + 8u);
  EXPECT_EQ(StorageSizeOf(json::value(json::object{{"key", "ab"}})), 4u + 3u);
}

TEST(FirestoreValue, FieldPathQuotesOtherNames) {
  EXPECT_EQ(FieldPathOf("status"), "status");
  EXPECT_EQ(FieldPathOf("_x9"), "_x9");
  EXPECT_EQ(FieldPathOf("9lives"), "`9lives`");
  EXPECT_EQ(FieldPathOf("a-b"), "`a-b`");
  EXPECT_EQ(FieldPathOf("back`tick"), "`back\\`tick`");
  EXPECT_EQ(FieldPathOf("back\\slash"), "`back\\\\slash`");
}

TEST(Base64, EncodesRfc4648Vectors) {
  const std::vector<std::pair<const char*, const char*>> vectors = {{"", ""},
                                                                    {"f", "Zg=="},
                                                                    {"fo", "Zm8="},
                                                                    {"foo", "Zm9v"},
                                                                    {"foob", "Zm9vYg=="},
                                                                    {"fooba", "Zm9vYmE="},
                                                                    {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    SCOPED_TRACE(plain);
    EXPECT_EQ(util::Base64Encode(plain), encoded);
    EXPECT_EQ(util::Base64Decode(encoded), plain);
  }
}

TEST(Base64, UrlAlphabetHasNoPadding) {
  EXPECT_EQ(util::Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(util::Base64UrlDecode("-_8"), "\xfb\xff");
  EXPECT_EQ(util::Base64Decode("+/8="), "\xfb\xff");
}

TEST(Base64, RejectsInvalidText) {
  for (const char* text : {"Zg=a", "Z", "Zm9v!", "Zm9=v", "-_8="}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(util::Base64Decode(text).has_value());
  }
}

}  // namespace
}  // namespace talegraph::store::firestore
