#include "store/document_validation.h"

#include <boost/json/serialize.hpp>
#include <stdexcept>
#include <string>

namespace talegraph::store {

namespace {

bool IsValidId(std::string_view id) { return !id.empty() && id != "." && id != ".."; }

// Counts the '/'-separated segments of `path`, or returns 0 when any segment is not a valid id.
size_t CountValidSegments(std::string_view path) {
  size_t segments = 0;
  while (true) {
    const size_t slash = path.find('/');
    if (!IsValidId(path.substr(0, slash))) {
      return 0;
    }
    ++segments;
    if (slash == std::string_view::npos) {
      return segments;
    }
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

// Throws std::invalid_argument unless `path` is a document path (an even number of ids) or a
// collection path (an odd number), as `kind` requires.
void ValidatePath(std::string_view path, PathKind kind) {
  const size_t segments = CountValidSegments(path);
  if (kind == PathKind::kDocument && segments > 0 && segments % 2 == 0) {
    return;
  }
  if (kind == PathKind::kCollection && segments % 2 == 1) {
    return;
  }

  const bool document = kind == PathKind::kDocument;
  std::string message = document ? "invalid document path \"" : "invalid collection path \"";
  message += path;
  message += document ? "\": expected an even number of ids separated by '/', such as \"users/u1\""
                      : "\": expected an odd number of ids separated by '/', such as \"users\"";
  message += ". Ids must not be empty, \".\" or \"..\"";
  throw std::invalid_argument(message);
}

void ValidateData(std::string_view path, std::string_view data) {
  if (data.size() <= DocumentStore::kMaxDataBytes) {
    return;
  }
  throw std::invalid_argument("data of \"" + std::string(path) + "\" is " +
                              std::to_string(data.size()) + " bytes, over the maximum of " +
                              std::to_string(DocumentStore::kMaxDataBytes) + " bytes");
}

void ValidateBatch(const WriteBatch& batch) {
  if (batch.size() > DocumentStore::kMaxBatchWrites) {
    throw std::invalid_argument("batch has " + std::to_string(batch.size()) +
                                " writes, over the maximum of " +
                                std::to_string(DocumentStore::kMaxBatchWrites) + " per commit");
  }
  for (const Write& write : batch.writes()) {
    ValidatePath(write.path, PathKind::kDocument);
    if (write.kind == Write::Kind::kSet) {
      ValidateData(write.path, write.data);
    }
  }
}

// Throws std::invalid_argument unless `field` can name a top-level field in a JSON path.
void ValidateFieldName(std::string_view field) {
  if (!field.empty() && field.find_first_of("\".") == std::string_view::npos) {
    return;
  }
  throw std::invalid_argument("invalid query field \"" + std::string(field) +
                              "\": expected a non-empty top-level field name without '.' or '\"'");
}

void ValidateQueryValue(std::string_view field, const boost::json::value& value) {
  if (!value.is_array() && !value.is_object()) {
    return;
  }
  throw std::invalid_argument("invalid query value for field \"" + std::string(field) +
                              "\": expected a string, number, boolean or null, got " +
                              boost::json::serialize(value));
}

}  // namespace talegraph::store
