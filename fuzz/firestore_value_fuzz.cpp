// Feeds arbitrary JSON to the decoder of Firestore documents, as a response
// from Firestore would carry it. Decoding must return fields or throw
// StoreError, and fields that decode must encode again.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "store/firestore_value.h"
#include "store/store_error.h"

namespace {

void DecodeAndEncode(const boost::json::value& input) {
  if (input.is_object()) {
    const boost::json::object fields = talegraph::store::firestore::DecodeFields(input.as_object());
    talegraph::store::firestore::EncodeFields(fields);
  }
  talegraph::store::firestore::DecodeValue(input, "fuzz");
  talegraph::store::firestore::DecodeBytes(input, "fuzz");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::system::error_code error;
  const boost::json::value input =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), error);
  if (error) {
    return 0;
  }
  try {
    DecodeAndEncode(input);
  } catch (const talegraph::store::StoreError&) {
  }
  return 0;
}
