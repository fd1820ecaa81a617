#include "graph/contribution.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

namespace talegraph::graph {
namespace {

using Strings = std::vector<std::string>;

Concept Named(std::string key, std::string name, std::string kind = "topic") {
  return {std::move(key), std::move(name), std::move(kind), 1.0};
}

ExtractedChunk Chunk(std::string id, std::vector<Concept> concepts,
                     std::vector<Relation> relations = {}) {
  return {std::move(id), {std::move(concepts), std::move(relations)}};
}

const store::ConceptNode* NodeOf(const store::GraphContribution& contribution,
                                 std::string_view key) {
  std::string id = ConceptNodeId(contribution.user_id, key);
  for (const auto& node : contribution.nodes) {
    if (node.id == id) {
      return &node;
    }
  }
  return nullptr;
}

TEST(ConceptNodeId, IsStableAndUrlSafe) {
  std::string id = ConceptNodeId("user1", "chicago");
  EXPECT_EQ(id, ConceptNodeId("user1", "chicago"));
  EXPECT_TRUE(std::regex_match(id, std::regex("c[0-9a-f]{24}"))) << id;
}

TEST(ConceptNodeId, DependsOnUserAndKey) {
  EXPECT_NE(ConceptNodeId("user1", "chicago"), ConceptNodeId("user2", "chicago"));
  EXPECT_NE(ConceptNodeId("user1", "chicago"), ConceptNodeId("user1", "boston"));
  EXPECT_NE(ConceptNodeId("ab", "c"), ConceptNodeId("a", "bc"));
}

TEST(BuildContribution, SharedKeyIsOneNode) {
  auto contribution = BuildContribution(
      "u1", "r1",
      {Chunk("r1_00000", {Named("martha", "Aunt Martha", "person"), Named("chicago", "Chicago")}),
       Chunk("r1_00001", {Named("martha", "martha", "topic")})});

  EXPECT_EQ(contribution.user_id, "u1");
  EXPECT_EQ(contribution.recording_id, "r1");
  ASSERT_EQ(contribution.nodes.size(), 2u);
  const auto* martha = NodeOf(contribution, "martha");
  ASSERT_NE(martha, nullptr);
  EXPECT_EQ(martha->name, "Aunt Martha");
  EXPECT_EQ(martha->kind, "person");
  EXPECT_EQ(martha->user_id, "u1");
  EXPECT_EQ(martha->chunk_ids, (Strings{"r1_00000", "r1_00001"}));
  EXPECT_EQ(martha->recording_ids, (Strings{"r1"}));
  EXPECT_EQ(martha->mentions, 2);
}

TEST(BuildContribution, EveryPairInChunkIsAnEdge) {
  auto contribution =
      BuildContribution("u1", "r1",
                        {Chunk("r1_0", {Named("a", "A"), Named("b", "B"), Named("c", "C")}),
                         Chunk("r1_1", {Named("a", "A"), Named("b", "B")})});

  ASSERT_EQ(contribution.edges.size(), 3u);
  for (const auto& edge : contribution.edges) {
    EXPECT_LT(edge.source, edge.target);
    EXPECT_EQ(edge.user_id, "u1");
  }
  std::string a = ConceptNodeId("u1", "a");
  std::string b = ConceptNodeId("u1", "b");
  auto ab = std::find_if(contribution.edges.begin(), contribution.edges.end(), [&](auto& edge) {
    return (edge.source == a && edge.target == b) || (edge.source == b && edge.target == a);
  });
  ASSERT_NE(ab, contribution.edges.end());
  EXPECT_EQ(ab->weight, 2);
  EXPECT_EQ(ab->chunk_ids, (Strings{"r1_0", "r1_1"}));
}

TEST(BuildContribution, RelationBetweenConceptsIsAnEdge) {
  auto contribution =
      BuildContribution("u1", "r1",
                        {Chunk("r1_0", {Named("martha", "Martha"), Named("farm", "the farm")},
                               {{"martha", "farm", "lived on"}})});
  ASSERT_EQ(contribution.edges.size(), 1u);
  EXPECT_EQ(contribution.edges[0].chunk_ids, (Strings{"r1_0"}));
}

TEST(BuildContribution, RepeatedKeyInChunkMakesNoSelfEdge) {
  auto contribution = BuildContribution(
      "u1", "r1", {Chunk("r1_0", {Named("horse", "horses"), Named("horse", "horse")})});

  ASSERT_EQ(contribution.nodes.size(), 1u);
  EXPECT_EQ(contribution.nodes[0].name, "horses");
  EXPECT_EQ(contribution.nodes[0].chunk_ids, (Strings{"r1_0"}));
  EXPECT_TRUE(contribution.edges.empty());
}

TEST(BuildContribution, EmptyKeyIsSkipped) {
  auto contribution =
      BuildContribution("u1", "r1", {Chunk("r1_0", {Named("", "um"), Named("farm", "")})});

  ASSERT_EQ(contribution.nodes.size(), 1u);
  EXPECT_EQ(contribution.nodes[0].name, "farm");
  EXPECT_TRUE(contribution.edges.empty());
}

TEST(BuildContribution, NoChunksGiveEmptyContribution) {
  auto contribution = BuildContribution("u1", "r1", {Chunk("r1_0", {})});
  EXPECT_TRUE(contribution.nodes.empty());
  EXPECT_TRUE(contribution.edges.empty());
}

}  // namespace
}  // namespace talegraph::graph
