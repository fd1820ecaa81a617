#include "app/stores.h"

#include <spdlog/spdlog.h>

#include "store/sqlite_document_store.h"

namespace talegraph::app {

std::unique_ptr<store::DocumentStore> OpenDocumentStore(const config::StorageConfig& storage) {
  spdlog::info("opening the {} document store at {}", storage.documents, storage.sqlite_path);
  auto documents = std::make_unique<store::SqliteDocumentStore>(storage.sqlite_path);
  documents->Ping();
  return documents;
}

}  // namespace talegraph::app
