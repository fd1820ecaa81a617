// Tests of Neo4jGraphStore on a real Neo4j server (see neo4j_test_server.h),
// with a cross-check that reads the stored graph back with Cypher.

#include "store/neo4j_graph_store.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "store/neo4j_test_server.h"

namespace talegraph::store {
namespace {

using testing::Neo4jTestOptions;
using testing::UniqueId;

ConceptNode Node(const std::string& id, const std::string& name,
                 std::vector<std::string> chunk_ids) {
  ConceptNode node;
  node.id = id;
  node.name = name;
  node.kind = "topic";
  node.chunk_ids = std::move(chunk_ids);
  return node;
}

ConceptEdge Edge(const std::string& source, const std::string& target,
                 std::vector<std::string> chunk_ids) {
  ConceptEdge edge;
  edge.source = source;
  edge.target = target;
  edge.chunk_ids = std::move(chunk_ids);
  return edge;
}

// Runs every test once on the Query API and once on the transactional
// endpoint, each with a user of its own.
class Neo4jGraphStoreTest : public ::testing::TestWithParam<Neo4jApi> {
 protected:
  void SetUp() override {
    options_ = Neo4jTestOptions(GetParam());
    TALEGRAPH_REQUIRE_NEO4J(options_);
    // A batch size of 2 splits every write below into several transactions.
    store_ = std::make_unique<Neo4jGraphStore>(*options_, 2);
    client_ = std::make_unique<Neo4jClient>(*options_);
    user_ = UniqueId("user");
    a_ = user_ + "-a";
    b_ = user_ + "-b";
    c_ = user_ + "-c";
  }

  void TearDown() override {
    if (store_) {
      store_->DeleteUser(user_);
    }
  }

  // Recording r1: a and b in chunk k1, b and c in chunk k2.
  GraphContribution FirstRecording() const {
    GraphContribution contribution;
    contribution.user_id = user_;
    contribution.recording_id = "r1";
    contribution.nodes = {Node(a_, "Chicago", {"k1"}), Node(b_, "Mother", {"k2", "k1"}),
                          Node(c_, "1952", {"k2"})};
    contribution.edges = {Edge(a_, b_, {"k1"}), Edge(c_, b_, {"k2"})};
    return contribution;
  }

  // Recording r2 mentions a and b again, a under another name.
  GraphContribution SecondRecording() const {
    GraphContribution contribution;
    contribution.user_id = user_;
    contribution.recording_id = "r2";
    contribution.nodes = {Node(a_, "chicago", {"k3"}), Node(b_, "Mother", {"k3"})};
    contribution.edges = {Edge(a_, b_, {"k3"})};
    return contribution;
  }

  CypherResult Cypher(const std::string& text) {
    return client_->Run({text, {{"user_id", user_}}}, "cross-check");
  }

  std::optional<Neo4jClientOptions> options_;
  std::unique_ptr<Neo4jGraphStore> store_;
  std::unique_ptr<Neo4jClient> client_;
  std::string user_, a_, b_, c_;
};

TEST_P(Neo4jGraphStoreTest, MergeStoresNodesAndEdges) {
  store_->Merge(FirstRecording());
  Graph graph = store_->ReadGraph(user_);
  ASSERT_EQ(graph.nodes.size(), 3u);
  EXPECT_EQ(graph.nodes[0].id, a_);
  EXPECT_EQ(graph.nodes[0].name, "Chicago");
  EXPECT_EQ(graph.nodes[0].kind, "topic");
  EXPECT_EQ(graph.nodes[0].user_id, user_);
  EXPECT_EQ(graph.nodes[1].chunk_ids, (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(graph.nodes[1].mentions, 2);
  EXPECT_EQ(graph.nodes[1].recording_ids, (std::vector<std::string>{"r1"}));
  EXPECT_FALSE(graph.nodes[1].is_chapter);
  EXPECT_TRUE(graph.nodes[1].chapters.empty());
  ASSERT_EQ(graph.edges.size(), 2u);
  EXPECT_EQ(graph.edges[0].source, a_);
  EXPECT_EQ(graph.edges[0].target, b_);
  EXPECT_EQ(graph.edges[0].weight, 1);
  // Given as c to b, stored from the smaller id.
  EXPECT_EQ(graph.edges[1].source, b_);
  EXPECT_EQ(graph.edges[1].target, c_);
  EXPECT_EQ(graph.edges[1].user_id, user_);
}

TEST_P(Neo4jGraphStoreTest, MergingTwiceChangesNothing) {
  store_->Merge(FirstRecording());
  Graph once = store_->ReadGraph(user_);
  store_->Merge(FirstRecording());
  Graph twice = store_->ReadGraph(user_);
  ASSERT_EQ(twice.nodes.size(), once.nodes.size());
  for (size_t i = 0; i < once.nodes.size(); ++i) {
    EXPECT_EQ(twice.nodes[i].chunk_ids, once.nodes[i].chunk_ids);
    EXPECT_EQ(twice.nodes[i].mentions, once.nodes[i].mentions);
    EXPECT_EQ(twice.nodes[i].recording_ids, once.nodes[i].recording_ids);
  }
  ASSERT_EQ(twice.edges.size(), once.edges.size());
  EXPECT_EQ(twice.edges[0].weight, 1);
  EXPECT_EQ(Cypher("MATCH (c:Concept {user_id: $user_id}) RETURN count(c)").rows[0][0].as_int64(),
            3);
}

TEST_P(Neo4jGraphStoreTest, SecondRecordingAddsToSameNodes) {
  store_->Merge(FirstRecording());
  store_->Merge(SecondRecording());
  Graph graph = store_->ReadGraph(user_);
  ASSERT_EQ(graph.nodes.size(), 3u);
  EXPECT_EQ(graph.nodes[0].name, "Chicago");
  EXPECT_EQ(graph.nodes[0].chunk_ids, (std::vector<std::string>{"k1", "k3"}));
  EXPECT_EQ(graph.nodes[0].recording_ids, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(graph.nodes[1].mentions, 3);
  ASSERT_EQ(graph.edges.size(), 2u);
  EXPECT_EQ(graph.edges[0].weight, 2);
  EXPECT_EQ(graph.edges[0].chunk_ids, (std::vector<std::string>{"k1", "k3"}));
}

TEST_P(Neo4jGraphStoreTest, RemoveChunksKeepsOtherRecordings) {
  store_->Merge(FirstRecording());
  store_->Merge(SecondRecording());
  store_->RemoveChunks(user_, "r1", {"k1", "k2"});
  Graph graph = store_->ReadGraph(user_);
  ASSERT_EQ(graph.nodes.size(), 2u);
  EXPECT_EQ(graph.nodes[0].id, a_);
  EXPECT_EQ(graph.nodes[0].chunk_ids, (std::vector<std::string>{"k3"}));
  EXPECT_EQ(graph.nodes[0].recording_ids, (std::vector<std::string>{"r2"}));
  EXPECT_EQ(graph.nodes[1].mentions, 1);
  ASSERT_EQ(graph.edges.size(), 1u);
  EXPECT_EQ(graph.edges[0].weight, 1);
  store_->RemoveChunks(user_, "r2", {"k3"});
  EXPECT_TRUE(store_->ReadGraph(user_).nodes.empty());
  EXPECT_EQ(Cypher("MATCH (c:Concept {user_id: $user_id}) RETURN count(c)").rows[0][0].as_int64(),
            0);
}

TEST_P(Neo4jGraphStoreTest, ChapterLabelFollowsIsChapter) {
  store_->Merge(FirstRecording());
  store_->SetChapters(user_, {{b_, 2, true, {b_}}, {a_, 1, false, {b_}}, {c_, 1, false, {b_}}});
  Graph graph = store_->ReadGraph(user_);
  ASSERT_EQ(graph.nodes.size(), 3u);
  EXPECT_TRUE(graph.nodes[1].is_chapter);
  EXPECT_EQ(graph.nodes[1].degree, 2);
  EXPECT_EQ(graph.nodes[0].chapters, (std::vector<std::string>{b_}));
  auto labelled = Cypher("MATCH (c:Concept:Chapter {user_id: $user_id}) RETURN c.id");
  ASSERT_EQ(labelled.rows.size(), 1u);
  EXPECT_EQ(labelled.rows[0][0].as_string(), b_);

  // b stops being a chapter and a becomes one; nodes not listed keep theirs.
  store_->SetChapters(user_, {{b_, 2, false, {a_}}, {a_, 1, true, {a_}}});
  labelled = Cypher("MATCH (c:Chapter {user_id: $user_id}) RETURN c.id");
  ASSERT_EQ(labelled.rows.size(), 1u);
  EXPECT_EQ(labelled.rows[0][0].as_string(), a_);
  EXPECT_EQ(store_->ReadGraph(user_).nodes[2].chapters, (std::vector<std::string>{b_}));
}

TEST_P(Neo4jGraphStoreTest, CrossCheckPropertyTypes) {
  store_->Merge(FirstRecording());
  store_->SetChapters(user_, {{b_, 2, true, {b_}}});
  // Every list property is a list of strings, and an empty one is stored
  // as an empty list, never as null.
  auto types = Cypher(R"(MATCH (c:Concept {user_id: $user_id})
RETURN c.id, valueType(c.chunk_ids), valueType(c.recording_ids), valueType(c.chapters),
  valueType(c.mentions), valueType(c.is_chapter), c:Chapter = c.is_chapter ORDER BY c.id)");
  ASSERT_EQ(types.rows.size(), 3u);
  const std::set<std::string> kStringLists = {"LIST<STRING NOT NULL> NOT NULL",
                                              "LIST<NOTHING> NOT NULL"};
  for (const auto& row : types.rows) {
    for (size_t column = 1; column <= 3; ++column) {
      EXPECT_TRUE(kStringLists.contains(std::string(row[column].as_string())))
          << row[0].as_string() << " column " << column << ": " << row[column].as_string();
    }
    EXPECT_EQ(row[4].as_string(), "INTEGER NOT NULL");
    EXPECT_EQ(row[5].as_string(), "BOOLEAN NOT NULL");
    EXPECT_TRUE(row[6].as_bool()) << row[0].as_string();
  }
  auto edges = Cypher(R"(MATCH (:Concept {user_id: $user_id})-[r:RELATED_TO]->()
RETURN valueType(r.chunk_ids), valueType(r.weight))");
  ASSERT_EQ(edges.rows.size(), 2u);
  for (const auto& row : edges.rows) {
    EXPECT_EQ(row[0].as_string(), "LIST<STRING NOT NULL> NOT NULL");
    EXPECT_EQ(row[1].as_string(), "INTEGER NOT NULL");
  }
}

TEST_P(Neo4jGraphStoreTest, ReadNodeOrdersNeighboursByWeight) {
  store_->Merge(FirstRecording());
  store_->Merge(SecondRecording());
  auto found = store_->ReadNode(user_, b_);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->node.id, b_);
  EXPECT_EQ(found->node.mentions, 3);
  ASSERT_EQ(found->neighbours.size(), 2u);
  EXPECT_EQ(found->neighbours[0].node.id, a_);
  EXPECT_EQ(found->neighbours[0].weight, 2);
  EXPECT_EQ(found->neighbours[0].chunk_ids, (std::vector<std::string>{"k1", "k3"}));
  EXPECT_EQ(found->neighbours[1].node.id, c_);

  auto lonely = store_->ReadNode(user_, c_);
  ASSERT_TRUE(lonely.has_value());
  EXPECT_EQ(lonely->neighbours.size(), 1u);
  EXPECT_FALSE(store_->ReadNode(user_, user_ + "-missing").has_value());
  EXPECT_FALSE(store_->ReadNode("another-user", b_).has_value());
}

TEST_P(Neo4jGraphStoreTest, UsersAreSeparate) {
  store_->Merge(FirstRecording());
  std::string other = UniqueId("other-user");
  EXPECT_TRUE(store_->ReadGraph(other).nodes.empty());
  store_->DeleteUser(other);
  EXPECT_EQ(store_->ReadGraph(user_).nodes.size(), 3u);
  store_->DeleteUser(user_);
  EXPECT_TRUE(store_->ReadGraph(user_).nodes.empty());
  EXPECT_TRUE(store_->ReadGraph(user_).edges.empty());
}

TEST_P(Neo4jGraphStoreTest, EdgeToUnknownNodeIsRejected) {
  GraphContribution contribution = FirstRecording();
  contribution.edges.push_back(Edge(a_, user_ + "-unknown", {"k1"}));
  EXPECT_THROW(store_->Merge(contribution), std::invalid_argument);
}

TEST_P(Neo4jGraphStoreTest, SchemaExistsAfterStart) {
  auto constraints = Cypher(
      "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties, type "
      "WHERE $user_id IS NOT NULL AND 'Concept' IN labelsOrTypes RETURN properties, type");
  ASSERT_EQ(constraints.rows.size(), 1u);
  const auto& properties = constraints.rows[0][0].as_array();
  ASSERT_EQ(properties.size(), 2u);
  EXPECT_EQ(properties[0].as_string(), "user_id");
  EXPECT_EQ(properties[1].as_string(), "id");
  EXPECT_EQ(constraints.rows[0][1].as_string(), "UNIQUENESS");
  auto indexes = Cypher(
      "SHOW INDEXES YIELD labelsOrTypes, properties, type "
      "WHERE $user_id IS NOT NULL AND 'Concept' IN labelsOrTypes AND properties = ['user_id'] "
      "RETURN type");
  ASSERT_EQ(indexes.rows.size(), 1u);
  EXPECT_EQ(indexes.rows[0][0].as_string(), "RANGE");
  // Opening a second store finds both and creates nothing new.
  Neo4jGraphStore again(*options_, 10);
  again.Ping();
}

TEST_P(Neo4jGraphStoreTest, SameNodeIdInTwoUsers) {
  store_->Merge(FirstRecording());
  GraphContribution other = FirstRecording();
  other.user_id = UniqueId("other-user");
  other.nodes[0].name = "Paris";
  store_->Merge(other);
  EXPECT_EQ(store_->ReadGraph(user_).nodes[0].name, "Chicago");
  Graph second = store_->ReadGraph(other.user_id);
  store_->DeleteUser(other.user_id);
  ASSERT_EQ(second.nodes.size(), 3u);
  EXPECT_EQ(second.nodes[0].id, a_);
  EXPECT_EQ(second.nodes[0].name, "Paris");
  EXPECT_EQ(second.edges.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Apis, Neo4jGraphStoreTest,
                         ::testing::Values(Neo4jApi::kQuery, Neo4jApi::kTransactional),
                         [](const auto& info) {
                           return info.param == Neo4jApi::kQuery ? "QueryApi" : "Transactional";
                         });

}  // namespace
}  // namespace talegraph::store
