// Checks of paths, payloads and batches that every DocumentStore backend
// applies, so that each rejects the same calls with std::invalid_argument.
#pragma once

#include <boost/json/value.hpp>
#include <string_view>

#include "store/document_store.h"

namespace talegraph::store {

enum class PathKind { kDocument, kCollection };

// Throws std::invalid_argument unless `path` is a document path (an even
// number of ids) or a collection path (an odd number), as `kind` requires.
void ValidatePath(std::string_view path, PathKind kind);

// Throws std::invalid_argument when `data` is over DocumentStore::kMaxDataBytes.
void ValidateData(std::string_view path, std::string_view data);

// Throws std::invalid_argument for a batch over DocumentStore::kMaxBatchWrites
// writes or with an invalid path or payload.
void ValidateBatch(const WriteBatch& batch);

// Throws std::invalid_argument unless `field` can name a top-level field.
void ValidateFieldName(std::string_view field);

// Throws std::invalid_argument when a query compares with an array or object.
void ValidateQueryValue(std::string_view field, const boost::json::value& value);

}  // namespace talegraph::store
