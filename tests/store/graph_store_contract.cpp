#include "store/graph_store_contract.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace talegraph::store {

void PrintTo(const GraphStoreFactory& factory, std::ostream* output) {
  *output << "GraphStoreFactory " << factory.name;
}

std::string GraphStoreFactoryName(const ::testing::TestParamInfo<GraphStoreFactory>& parameter) {
  return parameter.param.name;
}

void GraphStoreContract::SetUp() {
  store_ = GetParam().create();
  ASSERT_NE(store_, nullptr);
}

namespace {

using Strings = std::vector<std::string>;

ConceptNode Node(std::string id, std::string name, std::string kind, Strings chunk_ids) {
  ConceptNode node;
  node.id = std::move(id);
  node.name = std::move(name);
  node.kind = std::move(kind);
  node.chunk_ids = std::move(chunk_ids);
  node.mentions = static_cast<int64_t>(node.chunk_ids.size());
  return node;
}

ConceptEdge Edge(std::string source, std::string target, Strings chunk_ids) {
  ConceptEdge edge;
  edge.source = std::move(source);
  edge.target = std::move(target);
  edge.chunk_ids = std::move(chunk_ids);
  edge.weight = static_cast<int64_t>(edge.chunk_ids.size());
  return edge;
}

GraphContribution Contribution(std::string user_id, std::string recording_id,
                               std::vector<ConceptNode> nodes, std::vector<ConceptEdge> edges) {
  for (auto& node : nodes) {
    node.user_id = user_id;
    node.recording_ids = {recording_id};
  }
  for (auto& edge : edges) {
    edge.user_id = user_id;
  }
  return {std::move(user_id), std::move(recording_id), std::move(nodes), std::move(edges)};
}

// Recording r1 of user u1: Chicago and Martha in chunk r1_0, Martha and
// horses in r1_1.
GraphContribution FirstRecording() {
  return Contribution("u1", "r1",
                      {Node("chicago", "Chicago", "place", {"r1_0"}),
                       Node("martha", "Aunt Martha", "person", {"r1_0", "r1_1"}),
                       Node("horse", "horses", "topic", {"r1_1"})},
                      {Edge("chicago", "martha", {"r1_0"}), Edge("horse", "martha", {"r1_1"})});
}

// Recording r2 of user u1: Chicago and Martha again in r2_0, and a farm.
GraphContribution SecondRecording() {
  return Contribution(
      "u1", "r2",
      {Node("chicago", "chicago", "topic", {"r2_0"}), Node("martha", "Martha", "person", {"r2_0"}),
       Node("farm", "the farm", "place", {"r2_0", "r2_1"})},
      {Edge("chicago", "martha", {"r2_0"}), Edge("chicago", "farm", {"r2_0"}),
       Edge("farm", "martha", {"r2_0"})});
}

const ConceptNode* FindNode(const Graph& graph, std::string_view id) {
  auto found = std::find_if(graph.nodes.begin(), graph.nodes.end(),
                            [&](const ConceptNode& node) { return node.id == id; });
  return found == graph.nodes.end() ? nullptr : &*found;
}

const ConceptEdge* FindEdge(const Graph& graph, std::string_view source, std::string_view target) {
  auto found = std::find_if(graph.edges.begin(), graph.edges.end(), [&](const ConceptEdge& edge) {
    return edge.source == source && edge.target == target;
  });
  return found == graph.edges.end() ? nullptr : &*found;
}

Strings NodeIds(const Graph& graph) {
  Strings ids;
  for (const auto& node : graph.nodes) {
    ids.push_back(node.id);
  }
  return ids;
}

Strings EdgeNames(const Graph& graph) {
  Strings names;
  for (const auto& edge : graph.edges) {
    names.push_back(edge.source + "-" + edge.target);
  }
  return names;
}

}  // namespace

TEST_P(GraphStoreContract, ReadGraphOfUnknownUserIsEmpty) {
  Graph graph = store().ReadGraph("nobody");
  EXPECT_TRUE(graph.nodes.empty());
  EXPECT_TRUE(graph.edges.empty());
}

TEST_P(GraphStoreContract, PingSucceeds) { EXPECT_NO_THROW(store().Ping()); }

TEST_P(GraphStoreContract, MergeCreatesNodes) {
  store().Merge(FirstRecording());
  Graph graph = store().ReadGraph("u1");

  ASSERT_EQ(NodeIds(graph), (Strings{"chicago", "horse", "martha"}));
  const ConceptNode* martha = FindNode(graph, "martha");
  ASSERT_NE(martha, nullptr);
  EXPECT_EQ(martha->user_id, "u1");
  EXPECT_EQ(martha->name, "Aunt Martha");
  EXPECT_EQ(martha->kind, "person");
  EXPECT_EQ(martha->chunk_ids, (Strings{"r1_0", "r1_1"}));
  EXPECT_EQ(martha->recording_ids, (Strings{"r1"}));
  EXPECT_EQ(martha->mentions, 2);
  EXPECT_EQ(martha->degree, 0);
  EXPECT_FALSE(martha->is_chapter);
  EXPECT_TRUE(martha->chapters.empty());
}

TEST_P(GraphStoreContract, MergeCreatesEdgesWithWeights) {
  store().Merge(FirstRecording());
  Graph graph = store().ReadGraph("u1");

  ASSERT_EQ(EdgeNames(graph), (Strings{"chicago-martha", "horse-martha"}));
  const ConceptEdge& edge = graph.edges[0];
  EXPECT_EQ(edge.user_id, "u1");
  EXPECT_EQ(edge.weight, 1);
  EXPECT_EQ(edge.chunk_ids, (Strings{"r1_0"}));
}

TEST_P(GraphStoreContract, MergeStoresEdgeWithSourceBeforeTarget) {
  store().Merge(Contribution("u1", "r1",
                             {Node("b", "B", "topic", {"c1"}), Node("a", "A", "topic", {"c1"})},
                             {Edge("b", "a", {"c1"})}));
  Graph graph = store().ReadGraph("u1");

  ASSERT_EQ(EdgeNames(graph), (Strings{"a-b"}));
  EXPECT_EQ(graph.edges[0].weight, 1);
}

TEST_P(GraphStoreContract, MergeSortsAndDeduplicatesChunkIds) {
  store().Merge(Contribution("u1", "r1", {Node("a", "A", "topic", {"c3", "c1", "c3", "c2"})}, {}));
  Graph graph = store().ReadGraph("u1");

  ASSERT_EQ(graph.nodes.size(), 1u);
  EXPECT_EQ(graph.nodes[0].chunk_ids, (Strings{"c1", "c2", "c3"}));
  EXPECT_EQ(graph.nodes[0].mentions, 3);
}

TEST_P(GraphStoreContract, MergeIntoExistingNodeKeepsNameAndKind) {
  store().Merge(FirstRecording());
  store().Merge(SecondRecording());
  Graph graph = store().ReadGraph("u1");

  const ConceptNode* chicago = FindNode(graph, "chicago");
  ASSERT_NE(chicago, nullptr);
  EXPECT_EQ(chicago->name, "Chicago");
  EXPECT_EQ(chicago->kind, "place");
  EXPECT_EQ(chicago->chunk_ids, (Strings{"r1_0", "r2_0"}));
  EXPECT_EQ(chicago->recording_ids, (Strings{"r1", "r2"}));
  EXPECT_EQ(chicago->mentions, 2);
}

TEST_P(GraphStoreContract, MergeIntoExistingEdgeAddsChunks) {
  store().Merge(FirstRecording());
  store().Merge(SecondRecording());
  Graph graph = store().ReadGraph("u1");

  EXPECT_EQ(NodeIds(graph), (Strings{"chicago", "farm", "horse", "martha"}));
  EXPECT_EQ(EdgeNames(graph),
            (Strings{"chicago-farm", "chicago-martha", "farm-martha", "horse-martha"}));
  const ConceptEdge* shared = FindEdge(graph, "chicago", "martha");
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->weight, 2);
  EXPECT_EQ(shared->chunk_ids, (Strings{"r1_0", "r2_0"}));
}

TEST_P(GraphStoreContract, MergeTwiceChangesNothing) {
  store().Merge(FirstRecording());
  Graph once = store().ReadGraph("u1");
  store().Merge(FirstRecording());
  Graph twice = store().ReadGraph("u1");

  ASSERT_EQ(NodeIds(twice), NodeIds(once));
  ASSERT_EQ(EdgeNames(twice), EdgeNames(once));
  for (size_t i = 0; i < once.nodes.size(); ++i) {
    EXPECT_EQ(twice.nodes[i].chunk_ids, once.nodes[i].chunk_ids) << once.nodes[i].id;
    EXPECT_EQ(twice.nodes[i].recording_ids, once.nodes[i].recording_ids) << once.nodes[i].id;
    EXPECT_EQ(twice.nodes[i].mentions, once.nodes[i].mentions) << once.nodes[i].id;
  }
  for (size_t i = 0; i < once.edges.size(); ++i) {
    EXPECT_EQ(twice.edges[i].weight, once.edges[i].weight) << EdgeNames(once)[i];
  }
}

TEST_P(GraphStoreContract, MergeAcceptsEdgeToStoredNode) {
  store().Merge(FirstRecording());
  store().Merge(Contribution("u1", "r3", {Node("dog", "the dog", "topic", {"r3_0"})},
                             {Edge("dog", "horse", {"r3_0"})}));
  Graph graph = store().ReadGraph("u1");

  const ConceptEdge* edge = FindEdge(graph, "dog", "horse");
  ASSERT_NE(edge, nullptr);
  EXPECT_EQ(edge->weight, 1);
}

TEST_P(GraphStoreContract, RemoveChunksKeepsOtherRecordings) {
  store().Merge(FirstRecording());
  store().Merge(SecondRecording());
  store().RemoveChunks("u1", "r1", {"r1_0", "r1_1"});
  Graph graph = store().ReadGraph("u1");

  EXPECT_EQ(NodeIds(graph), (Strings{"chicago", "farm", "martha"}));
  EXPECT_EQ(EdgeNames(graph), (Strings{"chicago-farm", "chicago-martha", "farm-martha"}));
  const ConceptNode* martha = FindNode(graph, "martha");
  ASSERT_NE(martha, nullptr);
  EXPECT_EQ(martha->chunk_ids, (Strings{"r2_0"}));
  EXPECT_EQ(martha->recording_ids, (Strings{"r2"}));
  EXPECT_EQ(martha->mentions, 1);
  const ConceptEdge* shared = FindEdge(graph, "chicago", "martha");
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->chunk_ids, (Strings{"r2_0"}));
  EXPECT_EQ(shared->weight, 1);
}

TEST_P(GraphStoreContract, RemoveChunksOfOnlyRecordingEmptiesGraph) {
  store().Merge(FirstRecording());
  store().RemoveChunks("u1", "r1", {"r1_0", "r1_1"});
  Graph graph = store().ReadGraph("u1");

  EXPECT_TRUE(graph.nodes.empty());
  EXPECT_TRUE(graph.edges.empty());
}

TEST_P(GraphStoreContract, RemoveChunksDropsEdgesOfDroppedNodes) {
  // The edge keeps a chunk of its own, but its end "a" loses every chunk.
  store().Merge(Contribution("u1", "r1",
                             {Node("a", "A", "topic", {"r1_0"}), Node("b", "B", "topic", {"r2_0"})},
                             {Edge("a", "b", {"r2_0"})}));
  store().RemoveChunks("u1", "r1", {"r1_0"});
  Graph graph = store().ReadGraph("u1");

  EXPECT_EQ(NodeIds(graph), (Strings{"b"}));
  EXPECT_TRUE(graph.edges.empty());
}

TEST_P(GraphStoreContract, RemoveChunksOfPartOfRecording) {
  store().Merge(FirstRecording());
  store().RemoveChunks("u1", "r1", {"r1_1"});
  Graph graph = store().ReadGraph("u1");

  EXPECT_EQ(NodeIds(graph), (Strings{"chicago", "martha"}));
  EXPECT_EQ(EdgeNames(graph), (Strings{"chicago-martha"}));
  const ConceptNode* martha = FindNode(graph, "martha");
  ASSERT_NE(martha, nullptr);
  EXPECT_EQ(martha->chunk_ids, (Strings{"r1_0"}));
}

TEST_P(GraphStoreContract, RemoveUnknownChunksChangesNothing) {
  store().Merge(FirstRecording());
  store().RemoveChunks("u1", "r9", {"r9_0"});
  store().RemoveChunks("u2", "r1", {"r1_0"});
  Graph graph = store().ReadGraph("u1");

  EXPECT_EQ(NodeIds(graph), (Strings{"chicago", "horse", "martha"}));
  EXPECT_EQ(EdgeNames(graph), (Strings{"chicago-martha", "horse-martha"}));
  EXPECT_EQ(FindNode(graph, "martha")->recording_ids, (Strings{"r1"}));
}

TEST_P(GraphStoreContract, SetChaptersWritesListedNodesOnly) {
  store().Merge(FirstRecording());
  store().SetChapters("u1", {{"martha", 2, true, {"martha"}}, {"chicago", 1, false, {"martha"}}});
  store().SetChapters("u1", {{"horse", 1, false, {"martha"}}});
  Graph graph = store().ReadGraph("u1");

  const ConceptNode* martha = FindNode(graph, "martha");
  ASSERT_NE(martha, nullptr);
  EXPECT_EQ(martha->degree, 2);
  EXPECT_TRUE(martha->is_chapter);
  EXPECT_EQ(martha->chapters, (Strings{"martha"}));
  const ConceptNode* chicago = FindNode(graph, "chicago");
  ASSERT_NE(chicago, nullptr);
  EXPECT_EQ(chicago->degree, 1);
  EXPECT_FALSE(chicago->is_chapter);
  EXPECT_EQ(chicago->chapters, (Strings{"martha"}));
  EXPECT_EQ(FindNode(graph, "horse")->chapters, (Strings{"martha"}));
}

TEST_P(GraphStoreContract, SetChaptersReplacesEarlierValues) {
  store().Merge(FirstRecording());
  store().SetChapters("u1", {{"chicago", 1, true, {"chicago"}}});
  store().SetChapters("u1", {{"chicago", 1, false, {"horse", "martha"}}});
  Graph graph = store().ReadGraph("u1");

  const ConceptNode* chicago = FindNode(graph, "chicago");
  ASSERT_NE(chicago, nullptr);
  EXPECT_FALSE(chicago->is_chapter);
  EXPECT_EQ(chicago->chapters, (Strings{"horse", "martha"}));
}

TEST_P(GraphStoreContract, SetChaptersIgnoresUnknownNodes) {
  store().Merge(FirstRecording());
  store().SetChapters("u1", {{"unknown", 5, true, {"unknown"}}});
  store().SetChapters("u2", {{"martha", 5, true, {"martha"}}});
  Graph graph = store().ReadGraph("u1");

  EXPECT_EQ(NodeIds(graph), (Strings{"chicago", "horse", "martha"}));
  EXPECT_FALSE(FindNode(graph, "martha")->is_chapter);
  EXPECT_TRUE(store().ReadGraph("u2").nodes.empty());
}

TEST_P(GraphStoreContract, MergeKeepsChapterFields) {
  store().Merge(FirstRecording());
  store().SetChapters("u1", {{"martha", 2, true, {"martha"}}});
  store().Merge(SecondRecording());
  Graph graph = store().ReadGraph("u1");

  const ConceptNode* martha = FindNode(graph, "martha");
  ASSERT_NE(martha, nullptr);
  EXPECT_TRUE(martha->is_chapter);
  EXPECT_EQ(martha->degree, 2);
  EXPECT_EQ(martha->chapters, (Strings{"martha"}));
}

TEST_P(GraphStoreContract, ReadNodeOrdersNeighboursByWeight) {
  store().Merge(FirstRecording());
  store().Merge(SecondRecording());
  auto node = store().ReadNode("u1", "martha");

  ASSERT_TRUE(node.has_value());
  EXPECT_EQ(node->node.name, "Aunt Martha");
  EXPECT_EQ(node->node.chunk_ids, (Strings{"r1_0", "r1_1", "r2_0"}));
  EXPECT_EQ(node->node.recording_ids, (Strings{"r1", "r2"}));
  EXPECT_EQ(node->node.mentions, 3);
  ASSERT_EQ(node->neighbours.size(), 3u);
  // chicago has weight 2, and farm and horse weight 1, ordered by id.
  EXPECT_EQ(node->neighbours[0].node.id, "chicago");
  EXPECT_EQ(node->neighbours[0].weight, 2);
  EXPECT_EQ(node->neighbours[0].chunk_ids, (Strings{"r1_0", "r2_0"}));
  EXPECT_EQ(node->neighbours[0].node.name, "Chicago");
  EXPECT_EQ(node->neighbours[1].node.id, "farm");
  EXPECT_EQ(node->neighbours[1].weight, 1);
  EXPECT_EQ(node->neighbours[2].node.id, "horse");
  EXPECT_EQ(node->neighbours[2].chunk_ids, (Strings{"r1_1"}));
}

TEST_P(GraphStoreContract, ReadNodeFindsNeighbourOnEitherEnd) {
  store().Merge(FirstRecording());
  auto chicago = store().ReadNode("u1", "chicago");
  auto horse = store().ReadNode("u1", "horse");

  ASSERT_TRUE(chicago.has_value());
  ASSERT_EQ(chicago->neighbours.size(), 1u);
  EXPECT_EQ(chicago->neighbours[0].node.id, "martha");
  ASSERT_TRUE(horse.has_value());
  ASSERT_EQ(horse->neighbours.size(), 1u);
  EXPECT_EQ(horse->neighbours[0].node.id, "martha");
}

TEST_P(GraphStoreContract, ReadNodeShowsChapterFields) {
  store().Merge(FirstRecording());
  store().SetChapters("u1", {{"martha", 2, true, {"martha"}}, {"horse", 1, false, {"martha"}}});
  auto horse = store().ReadNode("u1", "horse");

  ASSERT_TRUE(horse.has_value());
  EXPECT_EQ(horse->node.degree, 1);
  EXPECT_EQ(horse->node.chapters, (Strings{"martha"}));
  ASSERT_EQ(horse->neighbours.size(), 1u);
  EXPECT_TRUE(horse->neighbours[0].node.is_chapter);
}

TEST_P(GraphStoreContract, ReadNodeOfUnknownNodeIsEmpty) {
  store().Merge(FirstRecording());
  EXPECT_FALSE(store().ReadNode("u1", "unknown").has_value());
  EXPECT_FALSE(store().ReadNode("u2", "martha").has_value());
}

TEST_P(GraphStoreContract, UsersAreIsolated) {
  store().Merge(FirstRecording());
  GraphContribution other = FirstRecording();
  other.user_id = "u2";
  for (auto& node : other.nodes) {
    node.user_id = "u2";
    node.name += " of u2";
  }
  other.nodes.resize(2);  // chicago and martha only
  other.edges.resize(1);  // chicago-martha only
  store().Merge(other);
  store().SetChapters("u2", {{"martha", 1, true, {"martha"}}});
  store().RemoveChunks("u2", "r1", {"r1_0", "r1_1"});

  Graph first = store().ReadGraph("u1");
  EXPECT_EQ(NodeIds(first), (Strings{"chicago", "horse", "martha"}));
  EXPECT_EQ(EdgeNames(first), (Strings{"chicago-martha", "horse-martha"}));
  EXPECT_EQ(FindNode(first, "martha")->name, "Aunt Martha");
  EXPECT_FALSE(FindNode(first, "martha")->is_chapter);
  EXPECT_EQ(FindNode(first, "chicago")->chunk_ids, (Strings{"r1_0"}));
  EXPECT_TRUE(store().ReadGraph("u2").nodes.empty());
}

TEST_P(GraphStoreContract, DeleteUserRemovesOnlyThatUser) {
  store().Merge(FirstRecording());
  GraphContribution other = SecondRecording();
  other.user_id = "u2";
  for (auto& node : other.nodes) {
    node.user_id = "u2";
  }
  store().Merge(other);
  store().SetChapters("u1", {{"martha", 2, true, {"martha"}}});
  store().DeleteUser("u1");

  Graph deleted = store().ReadGraph("u1");
  EXPECT_TRUE(deleted.nodes.empty());
  EXPECT_TRUE(deleted.edges.empty());
  EXPECT_FALSE(store().ReadNode("u1", "martha").has_value());
  Graph kept = store().ReadGraph("u2");
  EXPECT_EQ(NodeIds(kept), (Strings{"chicago", "farm", "martha"}));
  EXPECT_EQ(kept.edges.size(), 3u);
}

TEST_P(GraphStoreContract, DeletedUserStartsAfresh) {
  store().Merge(FirstRecording());
  store().SetChapters("u1", {{"martha", 2, true, {"martha"}}});
  store().DeleteUser("u1");
  store().Merge(FirstRecording());
  Graph graph = store().ReadGraph("u1");

  const ConceptNode* martha = FindNode(graph, "martha");
  ASSERT_NE(martha, nullptr);
  EXPECT_FALSE(martha->is_chapter);
  EXPECT_TRUE(martha->chapters.empty());
  EXPECT_EQ(martha->recording_ids, (Strings{"r1"}));
}

TEST_P(GraphStoreContract, LargeMergeAndRemoval) {
  // 6000 nodes in a chain of 30 chunks, each node also joined to the next
  // one and to a hub: 11999 edges.
  constexpr int kNodes = 6000;
  std::vector<ConceptNode> nodes;
  std::vector<ConceptEdge> edges;
  auto id_of = [](int i) {
    std::string digits = std::to_string(i);
    return "n" + std::string(5 - digits.size(), '0') + digits;
  };
  for (int i = 0; i < kNodes; ++i) {
    std::string chunk = "big_" + std::to_string(i % 30);
    nodes.push_back(Node(id_of(i), "node " + std::to_string(i), "topic", {chunk}));
    if (i > 0) {
      edges.push_back(Edge(id_of(0), id_of(i), {chunk}));
    }
    if (i > 1 && i + 1 < kNodes) {
      edges.push_back(Edge(id_of(i), id_of(i + 1), {chunk}));
    }
  }
  store().Merge(Contribution("u1", "big", nodes, edges));
  Graph graph = store().ReadGraph("u1");

  ASSERT_EQ(graph.nodes.size(), static_cast<size_t>(kNodes));
  EXPECT_EQ(graph.edges.size(), edges.size());
  EXPECT_TRUE(std::is_sorted(graph.nodes.begin(), graph.nodes.end(),
                             [](const auto& a, const auto& b) { return a.id < b.id; }));
  auto hub = store().ReadNode("u1", id_of(0));
  ASSERT_TRUE(hub.has_value());
  EXPECT_EQ(hub->neighbours.size(), static_cast<size_t>(kNodes - 1));

  Strings chunk_ids;
  for (int i = 0; i < 30; ++i) {
    chunk_ids.push_back("big_" + std::to_string(i));
  }
  store().RemoveChunks("u1", "big", chunk_ids);
  Graph removed = store().ReadGraph("u1");
  EXPECT_TRUE(removed.nodes.empty());
  EXPECT_TRUE(removed.edges.empty());
}

}  // namespace talegraph::store
