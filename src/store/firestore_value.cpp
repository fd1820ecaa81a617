#include "store/firestore_value.h"

#include <boost/json/serialize.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "store/store_error.h"
#include "util/base64.h"

namespace talegraph::store::firestore {

namespace {

namespace json = boost::json;

[[noreturn]] void ThrowMalformed(std::string_view field, const json::value& value,
                                 std::string_view reason) {
  throw StoreError("Firestore returned a malformed value for field \"" + std::string(field) +
                   "\" (" + std::string(reason) + "): " + json::serialize(value));
}

// Parses the decimal digits text[offset, offset + count) into `number`.
bool ParseDigits(std::string_view text, size_t offset, size_t count, int& number) {
  const char* first = text.data() + offset;
  const char* last = first + count;
  for (const char* c = first; c != last; ++c) {
    if (*c < '0' || *c > '9') {
      return false;
    }
  }
  return std::from_chars(first, last, number).ec == std::errc();
}

bool IsSimpleFieldName(std::string_view field) {
  if (field.empty() || (field[0] >= '0' && field[0] <= '9')) {
    return false;
  }
  for (const char c : field) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter && c != '_' && !(c >= '0' && c <= '9')) {
      return false;
    }
  }
  return true;
}

// Rewrites a Firestore timestamp ("...:05Z", "...:05.1Z", "...:05.123000Z") in the
// millisecond form when no digit after the third fractional one is set, and returns the
// rest unchanged.
std::string NormalizeTimestamp(std::string_view text) {
  if (!text.ends_with('Z') || text.size() < 20) {
    return std::string(text);
  }
  const std::string_view seconds = text.substr(0, 19);
  std::string_view fraction = text.substr(19, text.size() - 20);
  if (!fraction.empty()) {
    if (fraction[0] != '.') {
      return std::string(text);
    }
    fraction.remove_prefix(1);
  }
  if (fraction.size() > 3 && fraction.find_first_not_of('0', 3) != std::string_view::npos) {
    return std::string(text);
  }
  std::string milliseconds(fraction.substr(0, 3));
  milliseconds.resize(3, '0');
  return std::string(seconds) + "." + milliseconds + "Z";
}

json::object EncodeInteger(int64_t number) { return {{"integerValue", std::to_string(number)}}; }

json::value DecodeInteger(const json::value& value, std::string_view field) {
  const json::string* text = value.if_string();
  if (text == nullptr) {
    ThrowMalformed(field, value, "integerValue is not a string");
  }
  int64_t number = 0;
  const char* end = text->data() + text->size();
  const auto [stop, error] = std::from_chars(text->data(), end, number);
  if (error != std::errc() || stop != end) {
    ThrowMalformed(field, value, "integerValue is not a 64-bit integer");
  }
  return number;
}

json::value DecodeDouble(const json::value& value, std::string_view field) {
  if (value.is_number()) {
    return value.to_number<double>();
  }
  // Firestore writes NaN and the infinities as the strings "NaN", "Infinity" and
  // "-Infinity", which JSON numbers cannot hold.
  ThrowMalformed(field, value, "doubleValue is not a finite number");
}

json::value DecodeArray(const json::value& value, std::string_view field) {
  json::array decoded;
  const json::object* array = value.if_object();
  if (array == nullptr) {
    ThrowMalformed(field, value, "arrayValue is not an object");
  }
  if (const json::value* values = array->if_contains("values")) {
    if (!values->is_array()) {
      ThrowMalformed(field, value, "arrayValue.values is not an array");
    }
    for (const json::value& element : values->get_array()) {
      decoded.push_back(DecodeValue(element, field));
    }
  }
  return decoded;
}

json::value DecodeMap(const json::value& value, std::string_view field) {
  const json::object* map = value.if_object();
  if (map == nullptr) {
    ThrowMalformed(field, value, "mapValue is not an object");
  }
  const json::value* fields = map->if_contains("fields");
  if (fields == nullptr) {
    return json::object();
  }
  if (!fields->is_object()) {
    ThrowMalformed(field, value, "mapValue.fields is not an object");
  }
  return DecodeFields(fields->get_object());
}

}  // namespace

json::object EncodeValue(const json::value& value, std::string_view field) {
  switch (value.kind()) {
    case json::kind::null:
      return {{"nullValue", nullptr}};
    case json::kind::bool_:
      return {{"booleanValue", value.get_bool()}};
    case json::kind::int64:
      return EncodeInteger(value.get_int64());
    case json::kind::uint64:
      if (value.get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        throw std::invalid_argument("integer " + std::to_string(value.get_uint64()) +
                                    " of field \"" + std::string(field) +
                                    "\" is over Firestore's int64 maximum " +
                                    std::to_string(std::numeric_limits<int64_t>::max()));
      }
      return EncodeInteger(static_cast<int64_t>(value.get_uint64()));
    case json::kind::double_:
      return {{"doubleValue", value.get_double()}};
    case json::kind::string: {
      const json::string& text = value.get_string();
      if (IsMillisecondTimestamp(text)) {
        return {{"timestampValue", text}};
      }
      return {{"stringValue", text}};
    }
    case json::kind::array: {
      json::array values;
      for (const json::value& element : value.get_array()) {
        values.push_back(EncodeValue(element, field));
      }
      if (values.empty()) {
        return {{"arrayValue", json::object()}};
      }
      return {{"arrayValue", {{"values", std::move(values)}}}};
    }
    case json::kind::object: {
      json::object fields = EncodeFields(value.get_object());
      if (fields.empty()) {
        return {{"mapValue", json::object()}};
      }
      return {{"mapValue", {{"fields", std::move(fields)}}}};
    }
  }
  throw std::invalid_argument("field \"" + std::string(field) + "\" has an unknown JSON kind");
}

json::value DecodeValue(const json::value& value, std::string_view field) {
  const json::object* object = value.if_object();
  if (object == nullptr || object->size() != 1) {
    ThrowMalformed(field, value, "expected an object with one value type");
  }
  const auto& [type, content] = *object->begin();
  if (type == "nullValue") {
    return nullptr;
  }
  if (type == "booleanValue") {
    if (!content.is_bool()) {
      ThrowMalformed(field, value, "booleanValue is not a boolean");
    }
    return content.get_bool();
  }
  if (type == "integerValue") {
    return DecodeInteger(content, field);
  }
  if (type == "doubleValue") {
    return DecodeDouble(content, field);
  }
  if (type == "stringValue" || type == "referenceValue") {
    if (!content.is_string()) {
      ThrowMalformed(field, value, "expected a string");
    }
    return content;
  }
  if (type == "timestampValue") {
    if (!content.is_string()) {
      ThrowMalformed(field, value, "timestampValue is not a string");
    }
    return json::string(NormalizeTimestamp(content.get_string()));
  }
  if (type == "arrayValue") {
    return DecodeArray(content, field);
  }
  if (type == "mapValue") {
    return DecodeMap(content, field);
  }
  if (type == "geoPointValue") {
    return content;  // {"latitude": ..., "longitude": ...}
  }
  if (type == "bytesValue") {
    return json::string(DecodeBytes(value, field));
  }
  ThrowMalformed(field, value, "unknown value type");
}

json::object EncodeFields(const json::object& fields) {
  json::object encoded;
  encoded.reserve(fields.size());
  for (const auto& [name, value] : fields) {
    encoded.emplace(name, EncodeValue(value, name));
  }
  return encoded;
}

json::object DecodeFields(const json::object& fields) {
  json::object decoded;
  decoded.reserve(fields.size());
  for (const auto& [name, value] : fields) {
    decoded.emplace(name, DecodeValue(value, name));
  }
  return decoded;
}

json::object EncodeBytes(std::string_view bytes) {
  return {{"bytesValue", util::Base64Encode(bytes)}};
}

std::string DecodeBytes(const json::value& value, std::string_view field) {
  const json::object* object = value.if_object();
  const json::value* content = object != nullptr ? object->if_contains("bytesValue") : nullptr;
  if (content == nullptr || !content->is_string()) {
    ThrowMalformed(field, value, "expected a bytesValue");
  }
  std::optional<std::string> bytes = util::Base64Decode(content->get_string());
  if (!bytes) {
    ThrowMalformed(field, value, "bytesValue is not base64");
  }
  return std::move(*bytes);
}

bool IsMillisecondTimestamp(std::string_view text) {
  // 2026-12-03T21:04:05.123Z
  // 0123456789012345678901234
  if (text.size() != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != '.' || text[23] != 'Z') {
    return false;
  }
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millisecond = 0;
  if (!ParseDigits(text, 0, 4, year) || !ParseDigits(text, 5, 2, month) ||
      !ParseDigits(text, 8, 2, day) || !ParseDigits(text, 11, 2, hour) ||
      !ParseDigits(text, 14, 2, minute) || !ParseDigits(text, 17, 2, second) ||
      !ParseDigits(text, 20, 3, millisecond)) {
    return false;
  }
  // Firestore accepts years 1 to 9999 and no leap seconds.
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  return year >= 1 && date.ok() && hour < 24 && minute < 60 && second < 60;
}

size_t StorageSizeOf(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
    case json::kind::bool_:
      return 1;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return 8;
    case json::kind::string:
      return IsMillisecondTimestamp(value.get_string())
                 ? 8
                 : StorageSizeOf(std::string_view(value.get_string()));
    case json::kind::array: {
      size_t size = 0;
      for (const json::value& element : value.get_array()) {
        size += StorageSizeOf(element);
      }
      return size;
    }
    case json::kind::object: {
      size_t size = 0;
      for (const auto& [name, element] : value.get_object()) {
        size += StorageSizeOf(std::string_view(name)) + StorageSizeOf(element);
      }
      return size;
    }
  }
  return 0;
}

std::string FieldPathOf(std::string_view field) {
  if (IsSimpleFieldName(field)) {
    return std::string(field);
  }
  std::string quoted = "`";
  for (const char c : field) {
    if (c == '`' || c == '\\') {
      quoted.push_back('\\');
    }
    quoted.push_back(c);
  }
  quoted.push_back('`');
  return quoted;
}

}  // namespace talegraph::store::firestore
