#include "app/stores.h"

#include <spdlog/spdlog.h>

#include "store/neo4j_graph_store.h"
#include "store/sqlite_document_store.h"
#include "store/sqlite_graph_store.h"

namespace talegraph::app {

std::unique_ptr<store::DocumentStore> OpenDocumentStore(const config::StorageConfig& storage) {
  spdlog::info("opening the {} document store at {}", storage.documents, storage.sqlite_path);
  auto documents = std::make_unique<store::SqliteDocumentStore>(storage.sqlite_path);
  documents->Ping();
  return documents;
}

namespace {

std::unique_ptr<store::GraphStore> OpenNeo4jGraphStore(const config::Config& config) {
  const config::Neo4jConfig& neo4j = config.neo4j;
  store::Neo4jClientOptions options;
  options.uri = neo4j.uri;
  options.database = neo4j.database;
  options.user = neo4j.user;
  options.password = config.secrets.neo4j_password;
  options.api = neo4j.api == "tx" ? store::Neo4jApi::kTransactional : store::Neo4jApi::kQuery;
  options.retry.max_retries = neo4j.max_retries;
  options.retry.base_delay = neo4j.retry_base_delay;
  options.retry.max_delay = neo4j.retry_max_delay;
  options.timeout = neo4j.timeout;
  spdlog::info("opening the neo4j graph store at {} (database {}, user {}, {} API)", neo4j.uri,
               neo4j.database, neo4j.user, neo4j.api);
  return std::make_unique<store::Neo4jGraphStore>(std::move(options),
                                                  static_cast<size_t>(neo4j.batch_size));
}

}  // namespace

std::unique_ptr<store::GraphStore> OpenGraphStore(const config::Config& config) {
  const config::StorageConfig& storage = config.storage;
  if (storage.graph == "neo4j") {
    return OpenNeo4jGraphStore(config);
  }
  spdlog::info("opening the {} graph store at {}", storage.graph, storage.sqlite_path);
  auto graph = std::make_unique<store::SqliteGraphStore>(storage.sqlite_path);
  graph->Ping();
  return graph;
}

}  // namespace talegraph::app
