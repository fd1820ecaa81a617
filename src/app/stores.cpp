#include "app/stores.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <stdexcept>

#include "store/firestore_auth.h"
#include "store/firestore_document_store.h"
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

std::unique_ptr<store::GraphStore> OpenGraphStore(const config::StorageConfig& storage) {
  spdlog::info("opening the {} graph store at {}", storage.graph, storage.sqlite_path);
  auto graph = std::make_unique<store::SqliteGraphStore>(storage.sqlite_path);
  graph->Ping();
  return graph;
}

}  // namespace talegraph::app
