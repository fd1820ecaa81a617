// GraphStore: the per-user knowledge graph of concepts and the edges between
// concepts that occur in the same transcript chunk, shaped after the Neo4j
// model in DESIGN.md so that the embedded SQLite backend and the Neo4j
// backend are interchangeable.
//
// Provenance is kept as sets of transcript chunk ids: a node's `chunk_ids`
// are the chunks that mention it, an edge's are the chunks in which both
// ends occur. Counts follow from those sets (a node's `mentions` and an
// edge's `weight` are the sizes of its chunk set), so merging the same
// chunks twice changes nothing, and removing a recording's chunks leaves
// exactly what the other recordings contributed.
//
// Thread safety: every backend may be called from any number of threads.
// A single call is atomic on its own; callers that read, compute and write
// (the chapter step) serialize per user themselves. A backend that cannot
// reach its database throws StoreError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store_error.h"

namespace talegraph::store {

struct ConceptNode {
  // Stable for the user and the concept's normalized key.
  std::string id;
  std::string user_id;
  // Display name, as first seen.
  std::string name;
  // person, place, time, topic, or another kind an extractor gives.
  std::string kind;
  // Sorted, without duplicates.
  std::vector<std::string> chunk_ids;
  std::vector<std::string> recording_ids;
  // Number of chunk ids.
  int64_t mentions = 0;
  // Number of edges, set by the chapter step.
  int64_t degree = 0;
  bool is_chapter = false;
  // Ids of the chapter nodes this node belongs to, sorted. A chapter lists
  // itself.
  std::vector<std::string> chapters;
};

// An undirected edge, stored with source < target.
struct ConceptEdge {
  std::string user_id;
  std::string source;
  std::string target;
  // Number of chunk ids.
  int64_t weight = 0;
  // Sorted, without duplicates.
  std::vector<std::string> chunk_ids;
};

struct Graph {
  // Ordered by id.
  std::vector<ConceptNode> nodes;
  // Ordered by source, then target.
  std::vector<ConceptEdge> edges;
};

struct Neighbour {
  ConceptNode node;
  int64_t weight = 0;
  std::vector<std::string> chunk_ids;
};

struct NodeWithNeighbours {
  ConceptNode node;
  // Ordered by weight, heaviest first, then by id.
  std::vector<Neighbour> neighbours;
};

// The chapter step's result for one node.
struct ChapterAssignment {
  std::string node_id;
  int64_t degree = 0;
  bool is_chapter = false;
  std::vector<std::string> chapters;
};

// A recording's share of the graph, merged in one call.
struct GraphContribution {
  std::string user_id;
  std::string recording_id;
  // Each node with the chunk ids of this recording that mention it. A new id
  // creates the node with its name and kind. An existing node keeps its name
  // and kind, and gains the chunk ids and the recording id.
  std::vector<ConceptNode> nodes;
  // Each edge with the chunk ids of this recording. Both ends must be among
  // `nodes` or already stored.
  std::vector<ConceptEdge> edges;
};

class GraphStore {
 public:
  virtual ~GraphStore() = default;

  // Adds the contribution to the user's graph: set union of chunk ids and
  // recording ids, with counts recomputed. Writes in batches, so a failure
  // part way leaves a state that merging the same contribution again completes.
  virtual void Merge(const GraphContribution& contribution) = 0;

  // Removes `chunk_ids` from every node and edge of the user, and
  // `recording_id` from every node's recording ids, then drops the nodes
  // and edges left with no chunk ids (and the edges of dropped nodes).
  virtual void RemoveChunks(std::string_view user_id, std::string_view recording_id,
                            const std::vector<std::string>& chunk_ids) = 0;

  // Writes degree, is_chapter and chapters of the listed nodes. Nodes not
  // listed keep theirs.
  virtual void SetChapters(std::string_view user_id,
                           const std::vector<ChapterAssignment>& assignments) = 0;

  // Returns the whole graph of a user, empty when the user has none.
  virtual Graph ReadGraph(std::string_view user_id) = 0;

  // Returns one node with its neighbours, or nullopt when the user has no such node.
  virtual std::optional<NodeWithNeighbours> ReadNode(std::string_view user_id,
                                                     std::string_view node_id) = 0;

  // Removes every node and edge of the user.
  virtual void DeleteUser(std::string_view user_id) = 0;

  // Checks that the database is reachable and throws StoreError when it is not.
  virtual void Ping() = 0;
};

}  // namespace talegraph::store
