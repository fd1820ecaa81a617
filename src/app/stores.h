// Opening the stores that the configuration names.
#pragma once

#include <memory>

#include "config/config.h"
#include "store/document_store.h"
#include "store/graph_store.h"

namespace talegraph::app {

// Opens the document store of [storage]. Throws store::StoreError.
std::unique_ptr<store::DocumentStore> OpenDocumentStore(const config::StorageConfig& storage);

// Opens the Neo4j graph store of [neo4j] with the password of the secrets,
// creating its constraint and index when missing. Throws store::StoreError.
std::unique_ptr<store::GraphStore> OpenNeo4jGraphStore(const config::Config& config);

}  // namespace talegraph::app
