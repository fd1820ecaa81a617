#include "store/neo4j_graph_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

namespace talegraph::store {

namespace {

namespace json = boost::json;

// Merges nodes, each list the sorted union of stored and new values. COLLECT
// subqueries (Neo4j 5) sort and deduplicate without a plugin such as APOC.
constexpr char kMergeNodes[] = R"(UNWIND $rows AS row
MERGE (c:Concept {user_id: $user_id, id: row.id})
  ON CREATE SET c.name = row.name, c.kind = row.kind,
    c.chunk_ids = [], c.recording_ids = [], c.degree = 0, c.is_chapter = false,
    c.chapters = []
SET c.chunk_ids = COLLECT { UNWIND c.chunk_ids + row.chunk_ids AS x RETURN DISTINCT x ORDER BY x },
  c.recording_ids = COLLECT {
    UNWIND c.recording_ids + [$recording_id] AS x RETURN DISTINCT x ORDER BY x }
SET c.mentions = size(c.chunk_ids)
RETURN count(c) AS merged)";

constexpr char kMergeEdges[] = R"(UNWIND $rows AS row
MATCH (s:Concept {user_id: $user_id, id: row.source}), (t:Concept {user_id: $user_id, id: row.target})
MERGE (s)-[r:RELATED_TO]->(t)
  ON CREATE SET r.chunk_ids = []
SET r.chunk_ids = COLLECT { UNWIND r.chunk_ids + row.chunk_ids AS x RETURN DISTINCT x ORDER BY x }
SET r.weight = size(r.chunk_ids)
RETURN collect(row.source + ' ' + row.target) AS merged)";

// A single statement, so the whole removal is one transaction. Edges and
// nodes lose the chunks, and those left with no chunk ids are deleted.
constexpr char kRemoveChunks[] = R"(CALL {
  MATCH (:Concept {user_id: $user_id})-[r:RELATED_TO]->(:Concept)
  WHERE any(x IN r.chunk_ids WHERE x IN $chunk_ids)
  SET r.chunk_ids = [x IN r.chunk_ids WHERE NOT x IN $chunk_ids]
  SET r.weight = size(r.chunk_ids)
  WITH r WHERE r.weight = 0
  DELETE r
}
CALL {
  MATCH (c:Concept {user_id: $user_id})
  WHERE any(x IN c.chunk_ids WHERE x IN $chunk_ids) OR $recording_id IN c.recording_ids
  SET c.chunk_ids = [x IN c.chunk_ids WHERE NOT x IN $chunk_ids],
    c.recording_ids = [x IN c.recording_ids WHERE x <> $recording_id]
  SET c.mentions = size(c.chunk_ids)
  WITH c WHERE c.mentions = 0
  DETACH DELETE c
}
RETURN 0 AS done)";

// FOREACH over a list of one or no elements is Cypher's conditional update.
constexpr char kSetChapters[] = R"(UNWIND $rows AS row
MATCH (c:Concept {user_id: $user_id, id: row.node_id})
SET c.degree = row.degree, c.is_chapter = row.is_chapter, c.chapters = row.chapters
FOREACH (_ IN CASE WHEN row.is_chapter THEN [1] ELSE [] END | SET c:Chapter)
FOREACH (_ IN CASE WHEN row.is_chapter THEN [] ELSE [1] END | REMOVE c:Chapter)
RETURN count(c) AS updated)";

constexpr char kNodeProjection[] =
    "{.id, .user_id, .name, .kind, .chunk_ids, .recording_ids, .mentions, .degree, "
    ".is_chapter, .chapters}";

std::string ReadNodesStatement() {
  return fmt::format("MATCH (c:Concept {{user_id: $user_id}}) RETURN c {} AS node ORDER BY c.id",
                     kNodeProjection);
}

constexpr char kReadEdges[] = R"(MATCH (s:Concept {user_id: $user_id})-[r:RELATED_TO]->(t:Concept)
RETURN s.id AS source, t.id AS target, r.weight AS weight, r.chunk_ids AS chunk_ids
ORDER BY source, target)";

std::string ReadNodeStatement() {
  return fmt::format(R"(MATCH (c:Concept {{user_id: $user_id, id: $node_id}})
OPTIONAL MATCH (c)-[r:RELATED_TO]-(n:Concept)
RETURN c {0} AS node, n {0} AS neighbour, r.weight AS weight, r.chunk_ids AS chunk_ids
ORDER BY weight DESC, neighbour.id)",
                     kNodeProjection);
}

constexpr char kDeleteUser[] = R"(MATCH (c:Concept {user_id: $user_id})
DETACH DELETE c
RETURN count(*) AS deleted)";

json::array StringList(const std::vector<std::string>& values) {
  json::array list;
  list.reserve(values.size());
  for (const auto& value : values) {
    list.emplace_back(value);
  }
  return list;
}

std::vector<std::string> ToStrings(const json::value* value) {
  std::vector<std::string> strings;
  if (value != nullptr && value->is_array()) {
    for (const json::value& item : value->as_array()) {
      if (item.is_string()) {
        strings.emplace_back(item.as_string());
      }
    }
  }
  return strings;
}

std::string ToString(const json::value* value) {
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

int64_t ToInteger(const json::value* value) {
  if (value == nullptr) {
    return 0;
  }
  if (value->is_int64()) {
    return value->as_int64();
  }
  if (value->is_uint64()) {
    return static_cast<int64_t>(value->as_uint64());
  }
  if (value->is_double()) {
    return static_cast<int64_t>(value->as_double());
  }
  return 0;
}

ConceptNode ToNode(const json::value& value) {
  ConceptNode node;
  const json::object* object = value.if_object();
  if (object == nullptr) {
    return node;
  }
  node.id = ToString(object->if_contains("id"));
  node.user_id = ToString(object->if_contains("user_id"));
  node.name = ToString(object->if_contains("name"));
  node.kind = ToString(object->if_contains("kind"));
  node.chunk_ids = ToStrings(object->if_contains("chunk_ids"));
  node.recording_ids = ToStrings(object->if_contains("recording_ids"));
  node.mentions = ToInteger(object->if_contains("mentions"));
  node.degree = ToInteger(object->if_contains("degree"));
  const json::value* is_chapter = object->if_contains("is_chapter");
  node.is_chapter = is_chapter != nullptr && is_chapter->is_bool() && is_chapter->as_bool();
  node.chapters = ToStrings(object->if_contains("chapters"));
  return node;
}

// Cell `index` of a row, or null when the row is shorter.
const json::value* Cell(const json::array& row, size_t index) {
  return index < row.size() ? &row[index] : nullptr;
}

// Calls `write` with each run of at most `batch_size` elements of `items`.
template <typename Item, typename Write>
void ForEachBatch(const std::vector<Item>& items, size_t batch_size, Write write) {
  for (size_t begin = 0; begin < items.size(); begin += batch_size) {
    size_t end = std::min(items.size(), begin + batch_size);
    write(begin, end);
  }
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

Neo4jGraphStore::Neo4jGraphStore(Neo4jClientOptions options, size_t batch_size)
    : client_(std::move(options)), batch_size_(std::max<size_t>(batch_size, 1)) {
  CreateSchema();
}

// Node ids are unique within a user's graph only, so the constraint covers
// the pair. Two stores starting at once may both find a rule missing, and
// the later one's error says the rule exists, which is success here.
void Neo4jGraphStore::CreateSchema() {
  const std::pair<const char*, const char*> kSchema[] = {
      {"CREATE CONSTRAINT concept_user_id_id_unique IF NOT EXISTS "
       "FOR (c:Concept) REQUIRE (c.user_id, c.id) IS UNIQUE",
       "creation of the (Concept.user_id, Concept.id) uniqueness constraint"},
      {"CREATE INDEX concept_user_id IF NOT EXISTS FOR (c:Concept) ON (c.user_id)",
       "creation of the Concept.user_id index"},
  };
  for (const auto& [statement, label] : kSchema) {
    try {
      client_.Run({statement, {}}, label);
    } catch (const Neo4jError& error) {
      if (!error.code().starts_with("Neo.ClientError.Schema.") ||
          !error.code().ends_with("AlreadyExists")) {
        throw;
      }
      spdlog::info("neo4j {}: another client created it first ({})", label, error.code());
    }
  }
}

void Neo4jGraphStore::Merge(const GraphContribution& contribution) {
  auto start = std::chrono::steady_clock::now();
  const auto& nodes = contribution.nodes;
  ForEachBatch(nodes, batch_size_, [&](size_t begin, size_t end) {
    json::array rows;
    for (size_t i = begin; i < end; ++i) {
      rows.push_back(json::object{{"id", nodes[i].id},
                                  {"name", nodes[i].name},
                                  {"kind", nodes[i].kind},
                                  {"chunk_ids", StringList(nodes[i].chunk_ids)}});
    }
    client_.Run({kMergeNodes,
                 {{"rows", std::move(rows)},
                  {"user_id", contribution.user_id},
                  {"recording_id", contribution.recording_id}}},
                "merge of concept nodes");
  });

  const auto& edges = contribution.edges;
  ForEachBatch(edges, batch_size_, [&](size_t begin, size_t end) {
    json::array rows;
    for (size_t i = begin; i < end; ++i) {
      const auto& [low, high] = std::minmax(edges[i].source, edges[i].target);
      rows.push_back(json::object{
          {"source", low}, {"target", high}, {"chunk_ids", StringList(edges[i].chunk_ids)}});
    }
    CypherResult result =
        client_.Run({kMergeEdges, {{"rows", std::move(rows)}, {"user_id", contribution.user_id}}},
                    "merge of concept edges");
    size_t merged = result.rows.empty() ? 0 : ToStrings(Cell(result.rows[0], 0)).size();
    if (merged != end - begin) {
      throw std::invalid_argument(
          fmt::format("graph merge for user {}: {} of {} edges name a node that is not stored",
                      contribution.user_id, end - begin - merged, end - begin));
    }
  });
  spdlog::debug("neo4j merged {} nodes and {} edges of recording {} for user {} in {:.1f} ms",
                nodes.size(), edges.size(), contribution.recording_id, contribution.user_id,
                MillisecondsSince(start));
}

void Neo4jGraphStore::RemoveChunks(std::string_view user_id, std::string_view recording_id,
                                   const std::vector<std::string>& chunk_ids) {
  client_.Run({kRemoveChunks,
               {{"user_id", user_id},
                {"recording_id", recording_id},
                {"chunk_ids", StringList(chunk_ids)}}},
              "removal of a recording's chunks");
}

void Neo4jGraphStore::SetChapters(std::string_view user_id,
                                  const std::vector<ChapterAssignment>& assignments) {
  ForEachBatch(assignments, batch_size_, [&](size_t begin, size_t end) {
    json::array rows;
    for (size_t i = begin; i < end; ++i) {
      rows.push_back(json::object{{"node_id", assignments[i].node_id},
                                  {"degree", assignments[i].degree},
                                  {"is_chapter", assignments[i].is_chapter},
                                  {"chapters", StringList(assignments[i].chapters)}});
    }
    client_.Run({kSetChapters, {{"rows", std::move(rows)}, {"user_id", user_id}}},
                "update of chapters");
  });
}

Graph Neo4jGraphStore::ReadGraph(std::string_view user_id) {
  Graph graph;
  CypherResult nodes =
      client_.Run({ReadNodesStatement(), {{"user_id", user_id}}}, "read of a user's concept nodes");
  for (const json::array& row : nodes.rows) {
    if (const json::value* cell = Cell(row, 0)) {
      graph.nodes.push_back(ToNode(*cell));
    }
  }
  CypherResult edges =
      client_.Run({kReadEdges, {{"user_id", user_id}}}, "read of a user's concept edges");
  for (const json::array& row : edges.rows) {
    ConceptEdge edge;
    edge.user_id = std::string(user_id);
    edge.source = ToString(Cell(row, 0));
    edge.target = ToString(Cell(row, 1));
    edge.weight = ToInteger(Cell(row, 2));
    edge.chunk_ids = ToStrings(Cell(row, 3));
    graph.edges.push_back(std::move(edge));
  }
  return graph;
}

std::optional<NodeWithNeighbours> Neo4jGraphStore::ReadNode(std::string_view user_id,
                                                            std::string_view node_id) {
  CypherResult result =
      client_.Run({ReadNodeStatement(), {{"user_id", user_id}, {"node_id", node_id}}},
                  "read of a concept node");
  if (result.rows.empty()) {
    return std::nullopt;
  }
  NodeWithNeighbours found;
  found.node = ToNode(*Cell(result.rows[0], 0));
  for (const json::array& row : result.rows) {
    const json::value* neighbour = Cell(row, 1);
    if (neighbour == nullptr || neighbour->is_null()) {
      continue;
    }
    found.neighbours.push_back(
        {ToNode(*neighbour), ToInteger(Cell(row, 2)), ToStrings(Cell(row, 3))});
  }
  return found;
}

void Neo4jGraphStore::DeleteUser(std::string_view user_id) {
  client_.Run({kDeleteUser, {{"user_id", user_id}}}, "deletion of a user's graph");
}

void Neo4jGraphStore::Ping() { client_.Run({"RETURN 1 AS ok", {}}, "ping"); }

}  // namespace talegraph::store
