// Opening the stores that the configuration names.
#pragma once

#include <memory>

#include "config/config.h"
#include "store/document_store.h"
#include "store/graph_store.h"

namespace talegraph::app {

// Opens the document store that storage.documents names, with [firestore]
// and the secrets for "firestore", and pings it. Throws store::StoreError.
std::unique_ptr<store::DocumentStore> OpenDocumentStore(const config::Config& config);

// Opens the graph store that storage.graph names: the SQLite one in
// storage.sqlite_path, or the Neo4j one of [neo4j] with the password of the
// secrets, which creates its constraint and index when missing. Throws
// store::StoreError.
std::unique_ptr<store::GraphStore> OpenGraphStore(const config::Config& config);

}  // namespace talegraph::app
