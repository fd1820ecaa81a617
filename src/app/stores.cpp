#include "app/stores.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <stdexcept>

#include "store/firestore_auth.h"
#include "store/firestore_document_store.h"
#include "store/neo4j_graph_store.h"
#include "store/sqlite_document_store.h"
#include "store/sqlite_graph_store.h"

namespace talegraph::app {

namespace {

// Returns firestore.emulator_host, else FIRESTORE_EMULATOR_HOST, as an http:// endpoint.
std::string EmulatorEndpoint(const config::FirestoreConfig& firestore) {
  std::string host = firestore.emulator_host;
  if (host.empty()) {
    const char* variable = std::getenv("FIRESTORE_EMULATOR_HOST");
    host = variable != nullptr ? variable : "";
  }
  if (host.empty()) {
    throw store::StoreError(
        "firestore.auth is \"emulator\" but neither firestore.emulator_host nor "
        "FIRESTORE_EMULATOR_HOST is set; set one to the emulator's host:port, or choose "
        "auth = \"service_account\" or \"metadata\" for Cloud Firestore");
  }
  return "http://" + host;
}

std::shared_ptr<store::AccessTokenSource> MakeTokenSource(const config::Config& config) {
  const std::string& auth = config.firestore.auth;
  if (auth == "service_account") {
    if (config.secrets.firestore_credentials_file.empty()) {
      throw store::StoreError(
          "firestore.auth is \"service_account\" but the secrets file sets no "
          "firestore.credentials_file; name the service account's JSON key file there");
    }
    return store::MakeServiceAccountTokenSource(
        store::ReadServiceAccountKey(config.secrets.firestore_credentials_file));
  }
  if (auth == "metadata") {
    return store::MakeMetadataTokenSource(config.firestore.metadata_token_url);
  }
  return store::MakeEmulatorTokenSource();
}

std::unique_ptr<store::DocumentStore> OpenFirestore(const config::Config& config) {
  const config::FirestoreConfig& firestore = config.firestore;
  store::FirestoreOptions options{
      .endpoint = firestore.auth == "emulator" ? EmulatorEndpoint(firestore) : firestore.endpoint,
      .project_id = firestore.project_id,
      .database = firestore.database,
      .retry = {.max_retries = firestore.max_retries,
                .base_delay = firestore.retry_base_delay,
                .max_delay = firestore.retry_max_delay,
                .max_total = firestore.retry_max_total},
      .timeout = firestore.timeout};
  spdlog::info("opening the firestore document store: project {}, database {}, {} auth, {}",
               options.project_id, options.database, firestore.auth, options.endpoint);
  try {
    return std::make_unique<store::FirestoreDocumentStore>(options, MakeTokenSource(config));
  } catch (const std::invalid_argument& error) {
    throw store::StoreError(error.what());
  }
}

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

std::unique_ptr<store::DocumentStore> OpenDocumentStore(const config::Config& config) {
  std::unique_ptr<store::DocumentStore> documents;
  if (config.storage.documents == "firestore") {
    documents = OpenFirestore(config);
  } else {
    spdlog::info("opening the sqlite document store at {}", config.storage.sqlite_path);
    documents = std::make_unique<store::SqliteDocumentStore>(config.storage.sqlite_path);
  }
  documents->Ping();
  return documents;
}

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
