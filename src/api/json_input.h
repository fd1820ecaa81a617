// Parsing and validating JSON request bodies. Every failure throws an
// HttpError whose detail names the field and the expected value.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace talegraph::api {

// Parses the request body as a JSON object. An empty body yields an empty
// object when `allow_empty`, else a 400. A Content-Type other than JSON is a
// 415, malformed JSON a 400 with the byte offset, and a non-object a 422.
boost::json::object ParseJsonObject(const http::Request& request, bool allow_empty = false);

// Typed reads of the fields of one JSON object.
class FieldReader {
 public:
  // Throws 422 unknown_field for a field not in `accepted`.
  FieldReader(const boost::json::object& object, std::initializer_list<std::string_view> accepted);

  bool Has(std::string_view name) const;
  bool IsNull(std::string_view name) const;

  // A string of `min_length`..`max_length` bytes without control characters.
  std::string RequireString(std::string_view name, size_t min_length, size_t max_length) const;
  // As RequireString, when present and not null.
  std::optional<std::string> OptionalString(std::string_view name, size_t min_length,
                                            size_t max_length) const;
  // An integer in min..max, when present and not null.
  std::optional<int64_t> OptionalInteger(std::string_view name, int64_t min, int64_t max) const;
  // An object whose serialized form is at most `max_bytes`, when present and not null.
  std::optional<boost::json::object> OptionalObject(std::string_view name, size_t max_bytes) const;

 private:
  const boost::json::value* Find(std::string_view name) const;

  const boost::json::object& object_;
};

}  // namespace talegraph::api
