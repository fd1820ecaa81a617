#include "api/json_input.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <boost/beast/core/string.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <cmath>

#include "http/errors.h"
#include "util/printable.h"

namespace talegraph::api {

namespace {

std::string_view KindName(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return "an integer";
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

bool IsJsonMediaType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') {
    media.remove_suffix(1);
  }
  return boost::beast::iequals(media, "application/json");
}

http::HttpError InvalidField(std::string_view name, std::string_view expected,
                             const boost::json::value& found) {
  return http::Unprocessable("invalid_field", fmt::format("field \"{}\" must be {}, found {}", name,
                                                          expected, KindName(found)));
}

// Throws 422 when `value` contains a number that is not finite, such as
// 1e400, which Boost.JSON parses to infinity and which JSON cannot store.
void RejectNonFinite(const boost::json::value& value, std::string_view where) {
  if (value.is_double() && !std::isfinite(value.as_double())) {
    throw http::Unprocessable("invalid_field",
                              fmt::format("{} contains a number too large to store; send numbers "
                                          "within the range of a 64-bit float",
                                          where));
  }
  if (value.is_array()) {
    for (const auto& element : value.as_array()) {
      RejectNonFinite(element, where);
    }
  } else if (value.is_object()) {
    for (const auto& [key, member] : value.as_object()) {
      RejectNonFinite(member, where);
    }
  }
}

}  // namespace

boost::json::object ParseJsonObject(const http::Request& request, bool allow_empty) {
  std::string_view content_type = request.Header("Content-Type");
  if (!request.body.empty() && !content_type.empty() && !IsJsonMediaType(content_type)) {
    throw http::UnsupportedMediaType(
        fmt::format("Content-Type \"{}\" is not accepted here; send the body as application/json",
                    util::Printable(content_type)));
  }
  if (request.body.empty()) {
    if (allow_empty) {
      return {};
    }
    throw http::BadRequest("invalid_json", "request body is empty; send a JSON object");
  }

  boost::json::stream_parser parser;
  boost::system::error_code error;
  size_t consumed = parser.write(request.body.data(), request.body.size(), error);
  if (!error) {
    parser.finish(error);
    consumed = request.body.size();
  }
  if (error) {
    throw http::BadRequest("invalid_json",
                           fmt::format("request body is not valid JSON: {} at byte {}; send a "
                                       "JSON object",
                                       error.message(), consumed));
  }

  boost::json::value value = parser.release();
  if (!value.is_object()) {
    throw http::Unprocessable("invalid_body", fmt::format("request body must be a JSON object, "
                                                          "found {}",
                                                          KindName(value)));
  }
  for (const auto& [key, member] : value.as_object()) {
    RejectNonFinite(member, fmt::format("field \"{}\"", util::Printable(key)));
  }
  return std::move(value.as_object());
}

FieldReader::FieldReader(const boost::json::object& object,
                         std::initializer_list<std::string_view> accepted)
    : object_(object) {
  for (const auto& [key, value] : object_) {
    bool known = false;
    for (std::string_view name : accepted) {
      known = known || key == name;
    }
    if (!known) {
      throw http::Unprocessable("unknown_field",
                                fmt::format("field \"{}\" is not accepted; accepted fields are {}",
                                            util::Printable(key), fmt::join(accepted, ", ")));
    }
  }
}

const boost::json::value* FieldReader::Find(std::string_view name) const {
  return object_.if_contains(name);
}

bool FieldReader::Has(std::string_view name) const { return Find(name) != nullptr; }

bool FieldReader::IsNull(std::string_view name) const {
  const auto* value = Find(name);
  return value != nullptr && value->is_null();
}

std::string FieldReader::RequireString(std::string_view name, size_t min_length,
                                       size_t max_length) const {
  if (!Has(name) || IsNull(name)) {
    throw http::Unprocessable("missing_field",
                              fmt::format("field \"{}\" is required; send a string", name));
  }
  return *OptionalString(name, min_length, max_length);
}

std::optional<std::string> FieldReader::OptionalString(std::string_view name, size_t min_length,
                                                       size_t max_length) const {
  const auto* value = Find(name);
  if (value == nullptr || value->is_null()) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    throw InvalidField(name, "a string", *value);
  }
  std::string_view text = value->as_string();
  if (text.size() < min_length || text.size() > max_length) {
    throw http::Unprocessable(
        "invalid_field", fmt::format("field \"{}\" must be {} to {} bytes long, found {}", name,
                                     min_length, max_length, text.size()));
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      throw http::Unprocessable(
          "invalid_field",
          fmt::format("field \"{}\" contains the control character 0x{:02x}; remove it", name, c));
    }
  }
  return std::string(text);
}

std::optional<int64_t> FieldReader::OptionalInteger(std::string_view name, int64_t min,
                                                    int64_t max) const {
  const auto* value = Find(name);
  if (value == nullptr || value->is_null()) {
    return std::nullopt;
  }
  std::string expected = fmt::format("an integer from {} to {}", min, max);
  int64_t number = 0;
  if (value->is_int64()) {
    number = value->as_int64();
  } else if (value->is_uint64() && value->as_uint64() <= static_cast<uint64_t>(max)) {
    number = static_cast<int64_t>(value->as_uint64());
  } else if (value->is_uint64()) {
    throw http::Unprocessable("invalid_field", fmt::format("field \"{}\" must be {}, found {}",
                                                           name, expected, value->as_uint64()));
  } else {
    throw InvalidField(name, expected, *value);
  }
  if (number < min || number > max) {
    throw http::Unprocessable(
        "invalid_field", fmt::format("field \"{}\" must be {}, found {}", name, expected, number));
  }
  return number;
}

std::optional<boost::json::object> FieldReader::OptionalObject(std::string_view name,
                                                               size_t max_bytes) const {
  const auto* value = Find(name);
  if (value == nullptr || value->is_null()) {
    return std::nullopt;
  }
  if (!value->is_object()) {
    throw InvalidField(name, "an object", *value);
  }
  size_t size = boost::json::serialize(*value).size();
  if (size > max_bytes) {
    throw http::Unprocessable("invalid_field",
                              fmt::format("field \"{}\" is {} bytes of JSON, more than the {} "
                                          "accepted; store less in it",
                                          name, size, max_bytes));
  }
  return value->as_object();
}

}  // namespace talegraph::api
