#include "store/sqlite_graph_store.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace talegraph::store {

namespace {

using Mode = SqliteTransaction::Mode;

// WITHOUT ROWID keeps each table ordered by its key, which starts with the
// user id, so a user's rows are read in one range scan.
constexpr std::string_view kSetupSql = R"sql(
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = NORMAL;
  CREATE TABLE IF NOT EXISTS graph_nodes (
    user_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    degree INTEGER NOT NULL DEFAULT 0,
    is_chapter INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS graph_node_chunks (
    user_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    chunk_id TEXT NOT NULL,
    PRIMARY KEY (user_id, node_id, chunk_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS graph_node_chunks_by_chunk ON graph_node_chunks (user_id, chunk_id);
  CREATE TABLE IF NOT EXISTS graph_node_recordings (
    user_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    recording_id TEXT NOT NULL,
    PRIMARY KEY (user_id, node_id, recording_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS graph_node_recordings_by_recording
    ON graph_node_recordings (user_id, recording_id);
  CREATE TABLE IF NOT EXISTS graph_node_chapters (
    user_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    chapter_id TEXT NOT NULL,
    PRIMARY KEY (user_id, node_id, chapter_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS graph_edges (
    user_id TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (user_id, source, target)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS graph_edges_by_target ON graph_edges (user_id, target);
  CREATE TABLE IF NOT EXISTS graph_edge_chunks (
    user_id TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    chunk_id TEXT NOT NULL,
    PRIMARY KEY (user_id, source, target, chunk_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS graph_edge_chunks_by_chunk ON graph_edge_chunks (user_id, chunk_id);
)sql";

constexpr std::string_view kInsertNodeSql =
    "INSERT INTO graph_nodes (user_id, id, name, kind) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT DO NOTHING";
constexpr std::string_view kInsertNodeChunkSql =
    "INSERT OR IGNORE INTO graph_node_chunks (user_id, node_id, chunk_id) VALUES (?1, ?2, ?3)";
constexpr std::string_view kInsertNodeRecordingSql =
    "INSERT OR IGNORE INTO graph_node_recordings (user_id, node_id, recording_id) "
    "VALUES (?1, ?2, ?3)";
constexpr std::string_view kInsertEdgeSql =
    "INSERT OR IGNORE INTO graph_edges (user_id, source, target) VALUES (?1, ?2, ?3)";
constexpr std::string_view kInsertEdgeChunkSql =
    "INSERT OR IGNORE INTO graph_edge_chunks (user_id, source, target, chunk_id) "
    "VALUES (?1, ?2, ?3, ?4)";

constexpr std::string_view kDeleteNodeChunkSql =
    "DELETE FROM graph_node_chunks WHERE user_id = ?1 AND chunk_id = ?2";
constexpr std::string_view kDeleteEdgeChunkSql =
    "DELETE FROM graph_edge_chunks WHERE user_id = ?1 AND chunk_id = ?2";
constexpr std::string_view kDeleteNodeRecordingSql =
    "DELETE FROM graph_node_recordings WHERE user_id = ?1 AND recording_id = ?2";

// Run in this order after chunk rows are deleted: nodes without chunks, then
// the rows that hang off missing nodes, then edges without chunks or ends.
constexpr std::string_view kDropEmptyNodesSql[] = {
    "DELETE FROM graph_nodes WHERE user_id = ?1 AND NOT EXISTS (SELECT 1 FROM graph_node_chunks "
    "c WHERE c.user_id = ?1 AND c.node_id = graph_nodes.id)",
    "DELETE FROM graph_node_recordings WHERE user_id = ?1 AND NOT EXISTS (SELECT 1 FROM "
    "graph_nodes n WHERE n.user_id = ?1 AND n.id = graph_node_recordings.node_id)",
    "DELETE FROM graph_node_chapters WHERE user_id = ?1 AND NOT EXISTS (SELECT 1 FROM "
    "graph_nodes n WHERE n.user_id = ?1 AND n.id = graph_node_chapters.node_id)",
    "DELETE FROM graph_edges WHERE user_id = ?1 AND (NOT EXISTS (SELECT 1 FROM graph_edge_chunks "
    "c WHERE c.user_id = ?1 AND c.source = graph_edges.source AND c.target = graph_edges.target) "
    "OR NOT EXISTS (SELECT 1 FROM graph_nodes n WHERE n.user_id = ?1 AND n.id = "
    "graph_edges.source) OR NOT EXISTS (SELECT 1 FROM graph_nodes n WHERE n.user_id = ?1 AND "
    "n.id = graph_edges.target))",
    "DELETE FROM graph_edge_chunks WHERE user_id = ?1 AND NOT EXISTS (SELECT 1 FROM graph_edges "
    "e WHERE e.user_id = ?1 AND e.source = graph_edge_chunks.source AND e.target = "
    "graph_edge_chunks.target)",
};

constexpr std::string_view kDeleteUserSql[] = {
    "DELETE FROM graph_edge_chunks WHERE user_id = ?1",
    "DELETE FROM graph_edges WHERE user_id = ?1",
    "DELETE FROM graph_node_chapters WHERE user_id = ?1",
    "DELETE FROM graph_node_recordings WHERE user_id = ?1",
    "DELETE FROM graph_node_chunks WHERE user_id = ?1",
    "DELETE FROM graph_nodes WHERE user_id = ?1",
};

constexpr std::string_view kUpdateChapterSql =
    "UPDATE graph_nodes SET degree = ?3, is_chapter = ?4 WHERE user_id = ?1 AND id = ?2";
constexpr std::string_view kClearNodeChaptersSql =
    "DELETE FROM graph_node_chapters WHERE user_id = ?1 AND node_id = ?2";
constexpr std::string_view kInsertNodeChapterSql =
    "INSERT OR IGNORE INTO graph_node_chapters (user_id, node_id, chapter_id) VALUES (?1, ?2, ?3)";

constexpr std::string_view kSelectNodesSql =
    "SELECT id, name, kind, degree, is_chapter FROM graph_nodes WHERE user_id = ?1 ORDER BY id";
constexpr std::string_view kSelectAllNodeChunksSql =
    "SELECT node_id, chunk_id FROM graph_node_chunks WHERE user_id = ?1 "
    "ORDER BY node_id, chunk_id";
constexpr std::string_view kSelectAllNodeRecordingsSql =
    "SELECT node_id, recording_id FROM graph_node_recordings WHERE user_id = ?1 "
    "ORDER BY node_id, recording_id";
constexpr std::string_view kSelectAllNodeChaptersSql =
    "SELECT node_id, chapter_id FROM graph_node_chapters WHERE user_id = ?1 "
    "ORDER BY node_id, chapter_id";
constexpr std::string_view kSelectEdgesSql =
    "SELECT source, target FROM graph_edges WHERE user_id = ?1 ORDER BY source, target";
constexpr std::string_view kSelectAllEdgeChunksSql =
    "SELECT source, target, chunk_id FROM graph_edge_chunks WHERE user_id = ?1 "
    "ORDER BY source, target, chunk_id";

constexpr std::string_view kSelectNodeSql =
    "SELECT id, name, kind, degree, is_chapter FROM graph_nodes WHERE user_id = ?1 AND id = ?2";
constexpr std::string_view kSelectNodeChunksSql =
    "SELECT chunk_id FROM graph_node_chunks WHERE user_id = ?1 AND node_id = ?2 ORDER BY chunk_id";
constexpr std::string_view kSelectNodeRecordingsSql =
    "SELECT recording_id FROM graph_node_recordings WHERE user_id = ?1 AND node_id = ?2 "
    "ORDER BY recording_id";
constexpr std::string_view kSelectNodeChaptersSql =
    "SELECT chapter_id FROM graph_node_chapters WHERE user_id = ?1 AND node_id = ?2 "
    "ORDER BY chapter_id";
constexpr std::string_view kSelectNodeEdgesSql =
    "SELECT source, target FROM graph_edges WHERE user_id = ?1 AND source = ?2 "
    "UNION ALL SELECT source, target FROM graph_edges WHERE user_id = ?1 AND target = ?2";
constexpr std::string_view kSelectEdgeChunksSql =
    "SELECT chunk_id FROM graph_edge_chunks WHERE user_id = ?1 AND source = ?2 AND target = ?3 "
    "ORDER BY chunk_id";

ConceptNode NodeFromRow(const SqliteRun& row, std::string_view user_id) {
  ConceptNode node;
  node.id = row.Text(0);
  node.user_id = user_id;
  node.name = row.Text(1);
  node.kind = row.Text(2);
  node.degree = row.Int64(3);
  node.is_chapter = row.Int64(4) != 0;
  return node;
}

// Returns column `column` of every remaining row.
std::vector<std::string> ReadColumn(SqliteRun& rows, int column = 0) {
  std::vector<std::string> values;
  while (rows.Step()) {
    values.emplace_back(rows.Text(column));
  }
  return values;
}

// Fills a list of each node from rows (node_id, value) ordered by node id.
// `nodes` is ordered by id too, so one pass matches them.
template <typename Field>
void AttachToNodes(SqliteRun& rows, std::vector<ConceptNode>& nodes, Field field) {
  auto node = nodes.begin();
  while (rows.Step()) {
    std::string_view node_id = rows.Text(0);
    while (node != nodes.end() && node->id.compare(node_id) < 0) {
      ++node;
    }
    if (node != nodes.end() && node->id == node_id) {
      (*node.*field).emplace_back(rows.Text(1));
    }
  }
}

void AttachToEdges(SqliteRun& rows, std::vector<ConceptEdge>& edges) {
  auto edge = edges.begin();
  auto before = [](const ConceptEdge& edge, std::string_view source, std::string_view target) {
    return edge.source < source || (edge.source == source && edge.target < target);
  };
  while (rows.Step()) {
    std::string_view source = rows.Text(0);
    std::string_view target = rows.Text(1);
    while (edge != edges.end() && before(*edge, source, target)) {
      ++edge;
    }
    if (edge != edges.end() && edge->source == source && edge->target == target) {
      edge->chunk_ids.emplace_back(rows.Text(2));
    }
  }
}

// Returns the ends of `edge` ordered so that source < target.
std::pair<std::string_view, std::string_view> OrderedEnds(const ConceptEdge& edge) {
  if (edge.source == edge.target) {
    throw std::invalid_argument("graph edge joins node \"" + edge.source +
                                "\" to itself; edges need two different nodes");
  }
  if (edge.source < edge.target) {
    return {edge.source, edge.target};
  }
  return {edge.target, edge.source};
}

// Runs `write` on each item of `items` with a new write transaction after
// every kRowsPerTransaction items.
template <typename Item, typename Write>
void WriteInBatches(SqliteConnection& connection, std::string_view operation,
                    const std::vector<Item>& items, Write write) {
  for (size_t begin = 0; begin < items.size(); begin += SqliteGraphStore::kRowsPerTransaction) {
    size_t end = std::min(items.size(), begin + SqliteGraphStore::kRowsPerTransaction);
    SqliteTransaction transaction(connection, operation, Mode::kWrite);
    for (size_t index = begin; index < end; ++index) {
      write(items[index]);
    }
    transaction.Commit();
  }
}

}  // namespace

SqliteGraphStore::SqliteGraphStore(const std::string& file_path)
    : connection_(file_path, kSetupSql) {}

void SqliteGraphStore::Merge(const GraphContribution& contribution) {
  std::lock_guard lock(mutex_);
  // Nodes first, so that no committed batch contains an edge without its ends.
  MergeNodes(contribution);
  MergeEdges(contribution);
}

void SqliteGraphStore::MergeNodes(const GraphContribution& contribution) {
  const std::string& user_id = contribution.user_id;
  WriteInBatches(connection_, "Merge", contribution.nodes, [&](const ConceptNode& node) {
    SqliteRun(connection_, kInsertNodeSql, "Merge")
        .Bind(1, user_id)
        .Bind(2, node.id)
        .Bind(3, node.name)
        .Bind(4, node.kind)
        .Execute();
    for (const auto& chunk_id : node.chunk_ids) {
      SqliteRun(connection_, kInsertNodeChunkSql, "Merge")
          .Bind(1, user_id)
          .Bind(2, node.id)
          .Bind(3, chunk_id)
          .Execute();
    }
    SqliteRun(connection_, kInsertNodeRecordingSql, "Merge")
        .Bind(1, user_id)
        .Bind(2, node.id)
        .Bind(3, contribution.recording_id)
        .Execute();
  });
}

void SqliteGraphStore::MergeEdges(const GraphContribution& contribution) {
  const std::string& user_id = contribution.user_id;
  WriteInBatches(connection_, "Merge", contribution.edges, [&](const ConceptEdge& edge) {
    auto [source, target] = OrderedEnds(edge);
    SqliteRun(connection_, kInsertEdgeSql, "Merge")
        .Bind(1, user_id)
        .Bind(2, source)
        .Bind(3, target)
        .Execute();
    for (const auto& chunk_id : edge.chunk_ids) {
      SqliteRun(connection_, kInsertEdgeChunkSql, "Merge")
          .Bind(1, user_id)
          .Bind(2, source)
          .Bind(3, target)
          .Bind(4, chunk_id)
          .Execute();
    }
  });
}

void SqliteGraphStore::RemoveChunks(std::string_view user_id, std::string_view recording_id,
                                    const std::vector<std::string>& chunk_ids) {
  std::lock_guard lock(mutex_);
  SqliteTransaction transaction(connection_, "RemoveChunks", Mode::kWrite);
  for (const auto& chunk_id : chunk_ids) {
    for (auto sql : {kDeleteNodeChunkSql, kDeleteEdgeChunkSql}) {
      SqliteRun(connection_, sql, "RemoveChunks").Bind(1, user_id).Bind(2, chunk_id).Execute();
    }
  }
  SqliteRun(connection_, kDeleteNodeRecordingSql, "RemoveChunks")
      .Bind(1, user_id)
      .Bind(2, recording_id)
      .Execute();
  for (auto sql : kDropEmptyNodesSql) {
    SqliteRun(connection_, sql, "RemoveChunks").Bind(1, user_id).Execute();
  }
  transaction.Commit();
}

void SqliteGraphStore::SetChapters(std::string_view user_id,
                                   const std::vector<ChapterAssignment>& assignments) {
  std::lock_guard lock(mutex_);
  WriteInBatches(connection_, "SetChapters", assignments, [&](const ChapterAssignment& row) {
    SqliteRun(connection_, kUpdateChapterSql, "SetChapters")
        .Bind(1, user_id)
        .Bind(2, row.node_id)
        .Bind(3, row.degree)
        .Bind(4, int64_t{row.is_chapter ? 1 : 0})
        .Execute();
    SqliteRun(connection_, kClearNodeChaptersSql, "SetChapters")
        .Bind(1, user_id)
        .Bind(2, row.node_id)
        .Execute();
    for (const auto& chapter_id : row.chapters) {
      SqliteRun(connection_, kInsertNodeChapterSql, "SetChapters")
          .Bind(1, user_id)
          .Bind(2, row.node_id)
          .Bind(3, chapter_id)
          .Execute();
    }
  });
}

Graph SqliteGraphStore::ReadGraph(std::string_view user_id) {
  std::lock_guard lock(mutex_);
  // One read transaction, so that every query reads the same snapshot.
  SqliteTransaction snapshot(connection_, "ReadGraph", Mode::kRead);
  Graph graph;
  {
    SqliteRun rows(connection_, kSelectNodesSql, "ReadGraph");
    rows.Bind(1, user_id);
    while (rows.Step()) {
      graph.nodes.push_back(NodeFromRow(rows, user_id));
    }
  }
  {
    SqliteRun rows(connection_, kSelectAllNodeChunksSql, "ReadGraph");
    AttachToNodes(rows.Bind(1, user_id), graph.nodes, &ConceptNode::chunk_ids);
  }
  {
    SqliteRun rows(connection_, kSelectAllNodeRecordingsSql, "ReadGraph");
    AttachToNodes(rows.Bind(1, user_id), graph.nodes, &ConceptNode::recording_ids);
  }
  {
    SqliteRun rows(connection_, kSelectAllNodeChaptersSql, "ReadGraph");
    AttachToNodes(rows.Bind(1, user_id), graph.nodes, &ConceptNode::chapters);
  }
  {
    SqliteRun rows(connection_, kSelectEdgesSql, "ReadGraph");
    rows.Bind(1, user_id);
    while (rows.Step()) {
      graph.edges.push_back(
          {std::string(user_id), std::string(rows.Text(0)), std::string(rows.Text(1)), 0, {}});
    }
  }
  {
    SqliteRun rows(connection_, kSelectAllEdgeChunksSql, "ReadGraph");
    AttachToEdges(rows.Bind(1, user_id), graph.edges);
  }
  snapshot.Commit();

  for (auto& node : graph.nodes) {
    node.mentions = static_cast<int64_t>(node.chunk_ids.size());
  }
  for (auto& edge : graph.edges) {
    edge.weight = static_cast<int64_t>(edge.chunk_ids.size());
  }
  return graph;
}

std::optional<ConceptNode> SqliteGraphStore::ReadOneNode(std::string_view user_id,
                                                         std::string_view node_id) {
  std::optional<ConceptNode> node;
  {
    SqliteRun row(connection_, kSelectNodeSql, "ReadNode");
    if (!row.Bind(1, user_id).Bind(2, node_id).Step()) {
      return std::nullopt;
    }
    node = NodeFromRow(row, user_id);
  }
  auto read_list = [&](std::string_view sql) {
    SqliteRun rows(connection_, sql, "ReadNode");
    return ReadColumn(rows.Bind(1, user_id).Bind(2, node_id));
  };
  node->chunk_ids = read_list(kSelectNodeChunksSql);
  node->recording_ids = read_list(kSelectNodeRecordingsSql);
  node->chapters = read_list(kSelectNodeChaptersSql);
  node->mentions = static_cast<int64_t>(node->chunk_ids.size());
  return node;
}

std::optional<NodeWithNeighbours> SqliteGraphStore::ReadNode(std::string_view user_id,
                                                             std::string_view node_id) {
  std::lock_guard lock(mutex_);
  SqliteTransaction snapshot(connection_, "ReadNode", Mode::kRead);
  auto node = ReadOneNode(user_id, node_id);
  if (!node) {
    return std::nullopt;
  }
  NodeWithNeighbours result{std::move(*node), {}};

  std::vector<std::pair<std::string, std::string>> ends;
  {
    SqliteRun rows(connection_, kSelectNodeEdgesSql, "ReadNode");
    rows.Bind(1, user_id).Bind(2, node_id);
    while (rows.Step()) {
      ends.emplace_back(rows.Text(0), rows.Text(1));
    }
  }
  for (const auto& [source, target] : ends) {
    const std::string& other = source == node_id ? target : source;
    auto neighbour = ReadOneNode(user_id, other);
    if (!neighbour) {
      continue;
    }
    SqliteRun rows(connection_, kSelectEdgeChunksSql, "ReadNode");
    auto chunk_ids = ReadColumn(rows.Bind(1, user_id).Bind(2, source).Bind(3, target));
    int64_t weight = static_cast<int64_t>(chunk_ids.size());
    result.neighbours.push_back({std::move(*neighbour), weight, std::move(chunk_ids)});
  }
  snapshot.Commit();

  std::sort(result.neighbours.begin(), result.neighbours.end(),
            [](const Neighbour& a, const Neighbour& b) {
              if (a.weight != b.weight) {
                return a.weight > b.weight;
              }
              return a.node.id < b.node.id;
            });
  return result;
}

void SqliteGraphStore::DeleteUser(std::string_view user_id) {
  std::lock_guard lock(mutex_);
  SqliteTransaction transaction(connection_, "DeleteUser", Mode::kWrite);
  for (auto sql : kDeleteUserSql) {
    SqliteRun(connection_, sql, "DeleteUser").Bind(1, user_id).Execute();
  }
  transaction.Commit();
}

void SqliteGraphStore::Ping() {
  std::lock_guard lock(mutex_);
  // Reading a graph table, not just SELECT 1, also finds a dropped table.
  SqliteRun(connection_, "SELECT 1 FROM graph_nodes LIMIT 1", "Ping").Execute();
}

}  // namespace talegraph::store
