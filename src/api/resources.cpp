#include "api/resources.h"

#include <fmt/format.h>

#include "http/errors.h"

namespace talegraph::api {

store::Document LoadOrThrow(store::DocumentStore& documents, std::string_view collection,
                            std::string_view what, std::string_view id) {
  auto document = documents.Get(fmt::format("{}/{}", collection, id));
  if (!document) {
    throw http::NotFound(fmt::format("{} \"{}\" not found; check the id", what, id));
  }
  return std::move(*document);
}

boost::json::object WithId(const store::Document& document, std::string_view id_key) {
  boost::json::object object = document.fields;
  object[id_key] = document.Id();
  return object;
}

void DeleteAll(store::DocumentStore& documents, const std::vector<std::string>& paths) {
  store::WriteBatch batch;
  for (const std::string& path : paths) {
    batch.Delete(path);
  }
  documents.CommitInGroups(batch);
}

}  // namespace talegraph::api
