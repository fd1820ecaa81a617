#include "app/stores.h"

#include <spdlog/spdlog.h>

#include "store/sqlite_document_store.h"
#include "store/sqlite_graph_store.h"

namespace talegraph::app {

std::unique_ptr<store::DocumentStore> OpenDocumentStore(const config::StorageConfig& storage) {
  spdlog::info("opening the {} document store at {}", storage.documents, storage.sqlite_path);
  auto documents = std::make_unique<store::SqliteDocumentStore>(storage.sqlite_path);
  documents->Ping();
  return documents;
}

std::unique_ptr<store::GraphStore> OpenGraphStore(const config::StorageConfig& storage) {
  spdlog::info("opening the {} graph store at {}", storage.graph, storage.sqlite_path);
  auto graph = std::make_unique<store::SqliteGraphStore>(storage.sqlite_path);
  graph->Ping();
  return graph;
}

}  // namespace talegraph::app
