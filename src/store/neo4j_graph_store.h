// Neo4jGraphStore: the GraphStore on a Neo4j server, through its HTTP API.
//
// Nodes are (:Concept {id, user_id, name, kind, chunk_ids, recording_ids,
// mentions, degree, is_chapter, chapters}), with the extra label :Chapter
// exactly when is_chapter is true. Edges are
// (:Concept)-[:RELATED_TO {weight, chunk_ids}]->(:Concept) from the smaller
// id to the larger. List properties are lists of strings, empty rather
// than missing, because Neo4j rejects null inside lists and mixed types.
#pragma once

#include <cstddef>
#include <memory>

#include "store/graph_store.h"
#include "store/neo4j_client.h"

namespace talegraph::store {

class Neo4jGraphStore : public GraphStore {
 public:
  // Connects and creates the uniqueness constraint on (Concept.user_id,
  // Concept.id) and the index on Concept.user_id when they are missing. Writes send at most
  // `batch_size` rows a transaction. Throws StoreError when Neo4j is
  // unreachable or rejects the schema statements.
  Neo4jGraphStore(Neo4jClientOptions options, size_t batch_size);

  void Merge(const GraphContribution& contribution) override;
  void RemoveChunks(std::string_view user_id, std::string_view recording_id,
                    const std::vector<std::string>& chunk_ids) override;
  void SetChapters(std::string_view user_id,
                   const std::vector<ChapterAssignment>& assignments) override;
  Graph ReadGraph(std::string_view user_id) override;
  std::optional<NodeWithNeighbours> ReadNode(std::string_view user_id,
                                             std::string_view node_id) override;
  void DeleteUser(std::string_view user_id) override;
  void Ping() override;

 private:
  void CreateSchema();

  Neo4jClient client_;
  size_t batch_size_;
};

}  // namespace talegraph::store
