// Conversion between talegraph's JSON field values and the Value objects of
// Firestore's REST API v1, and Firestore's storage size of a value.
//
// JSON           Firestore Value
// string         stringValue, or timestampValue when the string is an RFC 3339
//                UTC time with milliseconds (2026-12-03T21:04:05.123Z), the form
//                util::FormatRfc3339 writes
// int64          integerValue (a decimal string in REST JSON)
// double         doubleValue
// bool           booleanValue
// null           nullValue
// array          arrayValue
// object         mapValue
// Binary payloads are not JSON values; EncodeBytes and DecodeBytes carry them
// as bytesValue (base64).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace talegraph::store::firestore {

// Encodes `value` as a Firestore Value. `field` names the value in errors.
// Throws std::invalid_argument for an unsigned integer over the int64 maximum,
// which Firestore's integers cannot hold.
boost::json::object EncodeValue(const boost::json::value& value, std::string_view field);

// Decodes a Firestore Value. Timestamps come back in the millisecond form
// when their precision allows, so an encoded string reads back unchanged.
// Throws StoreError for a malformed Value or one of a type JSON cannot hold
// (a NaN or infinite double).
boost::json::value DecodeValue(const boost::json::value& value, std::string_view field);

// Encodes each field of `fields` with EncodeValue.
boost::json::object EncodeFields(const boost::json::object& fields);

// Decodes a document's "fields" map with DecodeValue.
boost::json::object DecodeFields(const boost::json::object& fields);

boost::json::object EncodeBytes(std::string_view bytes);

// Decodes a bytesValue. Throws StoreError when `value` is not one.
std::string DecodeBytes(const boost::json::value& value, std::string_view field);

// Whether `text` is an RFC 3339 UTC time with exactly three fractional
// digits and in-range date and time parts, such as 2026-12-03T21:04:05.123Z.
bool IsMillisecondTimestamp(std::string_view text);

// Returns Firestore's storage size of `value` once encoded: a string counts
// its UTF-8 bytes plus 1, a number or timestamp 8, a boolean or null 1, an
// array the sum of its values, a map its keys (as strings) and values.
size_t StorageSizeOf(const boost::json::value& value);

// Returns Firestore's storage size of a string: its UTF-8 bytes plus 1.
inline size_t StorageSizeOf(std::string_view text) { return text.size() + 1; }

// Quotes `field` for a Firestore field path when it is not a simple name
// ([A-Za-z_][A-Za-z0-9_]*): `a.b` stays one field, with ` and \ escaped.
std::string FieldPathOf(std::string_view field);

}  // namespace talegraph::store::firestore
