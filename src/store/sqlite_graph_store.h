// SqliteGraphStore: the embedded GraphStore backend.
#pragma once

#include <mutex>
#include <string>

#include "store/graph_store.h"
#include "store/sqlite_connection.h"

namespace talegraph::store {

// GraphStore kept in SQLite tables beside the documents: graph_nodes and
// graph_edges, with one row per chunk id in graph_node_chunks and
// graph_edge_chunks, one row per recording in graph_node_recordings and one
// row per chapter in graph_node_chapters. Every table's key starts with the
// user id, and the chunk tables have an index on (user_id, chunk_id), so
// removing a recording touches only its rows. Mentions and weights are
// counted from the chunk rows when read.
//
// Thread safety: all calls share one connection, and mutex_ serializes them.
// The store opens its own connection, so it may share a file with
// SqliteDocumentStore; SQLite's WAL mode and busy timeout handle the two
// writers.
class SqliteGraphStore final : public GraphStore {
 public:
  // Opens the database at `file_path` and creates the graph tables when
  // missing. ":memory:" opens a private in-memory database. Throws StoreError.
  explicit SqliteGraphStore(const std::string& file_path);

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

  // Maximum rows (nodes, edges or assignments) written in one transaction.
  static constexpr size_t kRowsPerTransaction = 2000;

 private:
  // The helpers below run with mutex_ held.
  void MergeNodes(const GraphContribution& contribution);
  void MergeEdges(const GraphContribution& contribution);
  std::optional<ConceptNode> ReadOneNode(std::string_view user_id, std::string_view node_id);

  std::mutex mutex_;
  SqliteConnection connection_;  // Guarded by mutex_.
};

}  // namespace talegraph::store
