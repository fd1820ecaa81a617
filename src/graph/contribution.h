// Building a recording's share of the knowledge graph from the concepts
// extracted from its transcript chunks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graph/concept_extractor.h"
#include "store/graph_store.h"

namespace talegraph::graph {

// The concepts of one stored transcript chunk.
struct ExtractedChunk {
  std::string chunk_id;
  ChunkConcepts concepts;
};

// Returns the node id of a concept: "c" and the first 24 hex digits of the
// SHA-256 of the user id and the normalized key. The same user and key give
// the same id in every backend, and the id is URL-safe, a valid Firestore
// document id and a plain Neo4j string property.
std::string ConceptNodeId(std::string_view user_id, std::string_view key);

// Builds the contribution of `chunks`, in transcript order: one node per
// distinct key (name and kind as first seen) with the chunks that mention
// it, and one edge for every pair of distinct concepts in a chunk. A
// relation of the extractor joins two of the chunk's concepts, so it is
// among those pairs. Concepts with an empty key are skipped.
store::GraphContribution BuildContribution(std::string_view user_id, std::string_view recording_id,
                                           const std::vector<ExtractedChunk>& chunks);

}  // namespace talegraph::graph
