// Helpers shared by the resource handlers: loading a document or answering
// 404, and deleting many documents within the store's batch limit.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "store/document_store.h"

namespace talegraph::api {

// Returns the document at `collection`/`id`. Throws HttpError 404 naming
// `what` (such as "user") and the id when it does not exist.
store::Document LoadOrThrow(store::DocumentStore& documents, std::string_view collection,
                            std::string_view what, std::string_view id);

// Returns the document's fields with `id_key` set to its id.
boost::json::object WithId(const store::Document& document, std::string_view id_key = "id");

// Deletes every path, in batches of at most DocumentStore::kMaxBatchWrites.
void DeleteAll(store::DocumentStore& documents, const std::vector<std::string>& paths);

}  // namespace talegraph::api
