#include "graph/chapters.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace talegraph::graph {
namespace {

using Strings = std::vector<std::string>;

// Builds a graph from edges "a-b"; every end becomes a node with one
// mention unless `mentions` gives more.
store::Graph GraphOf(const Strings& edges, const std::map<std::string, int>& mentions = {}) {
  std::map<std::string, store::ConceptNode> nodes;
  store::Graph graph;
  for (const auto& name : edges) {
    auto dash = name.find('-');
    std::string source = name.substr(0, dash);
    std::string target = name.substr(dash + 1);
    for (const auto& id : {source, target}) {
      nodes[id].id = id;
    }
    graph.edges.push_back({"u1", source, target, 1, {"r1_0"}});
  }
  for (auto& [id, node] : nodes) {
    auto extra = mentions.find(id);
    int count = extra == mentions.end() ? 1 : extra->second;
    for (int i = 0; i < count; ++i) {
      node.chunk_ids.push_back("r1_" + std::to_string(i));
    }
    graph.nodes.push_back(node);
  }
  return graph;
}

const store::ChapterAssignment& Of(const std::vector<store::ChapterAssignment>& assignments,
                                   const std::string& id) {
  auto found = std::find_if(assignments.begin(), assignments.end(),
                            [&](const auto& row) { return row.node_id == id; });
  EXPECT_NE(found, assignments.end()) << id;
  return *found;
}

Strings ChapterIds(const std::vector<store::ChapterAssignment>& assignments) {
  Strings ids;
  for (const auto& row : assignments) {
    if (row.is_chapter) {
      ids.push_back(row.node_id);
    }
  }
  return ids;
}

config::ChaptersConfig Config(int min_degree, int max_chapters) {
  config::ChaptersConfig config;
  config.min_degree = min_degree;
  config.max_chapters = max_chapters;
  return config;
}

TEST(Chapters, StarCenterIsOnlyChapter) {
  auto graph = GraphOf({"hub-a", "hub-b", "hub-c", "hub-d", "a-b"});
  auto assignments = ComputeChapters(graph, Config(3, 12));

  EXPECT_EQ(ChapterIds(assignments), (Strings{"hub"}));
  EXPECT_EQ(Of(assignments, "hub").degree, 4);
  EXPECT_EQ(Of(assignments, "hub").chapters, (Strings{"hub"}));
  EXPECT_EQ(Of(assignments, "a").degree, 2);
  for (const auto* leaf : {"a", "b", "c", "d"}) {
    EXPECT_FALSE(Of(assignments, leaf).is_chapter) << leaf;
    EXPECT_EQ(Of(assignments, leaf).chapters, (Strings{"hub"})) << leaf;
  }
}

TEST(Chapters, NoNodeReachesMinimum) {
  auto graph = GraphOf({"a-b", "b-c", "c-d"});
  auto assignments = ComputeChapters(graph, Config(3, 12));

  EXPECT_TRUE(ChapterIds(assignments).empty());
  for (const auto& row : assignments) {
    EXPECT_TRUE(row.chapters.empty()) << row.node_id;
  }
  EXPECT_EQ(Of(assignments, "b").degree, 2);
}

TEST(Chapters, MinimumDegreeIsInclusive) {
  auto graph = GraphOf({"a-b", "a-c", "a-d"});
  EXPECT_EQ(ChapterIds(ComputeChapters(graph, Config(3, 12))), (Strings{"a"}));
  EXPECT_TRUE(ChapterIds(ComputeChapters(graph, Config(4, 12))).empty());
}

TEST(Chapters, TiesGoToMoreMentionsThenLowerId) {
  // Every node of a complete graph on four nodes has degree 3.
  Strings clique = {"a-b", "a-c", "a-d", "b-c", "b-d", "c-d"};
  EXPECT_EQ(ChapterIds(ComputeChapters(GraphOf(clique), Config(1, 2))), (Strings{"a", "b"}));

  auto weighted = GraphOf(clique, {{"d", 3}, {"c", 2}});
  EXPECT_EQ(ChapterIds(ComputeChapters(weighted, Config(1, 2))), (Strings{"c", "d"}));
}

TEST(Chapters, MaxChaptersKeepsHighestDegrees) {
  // Degrees: a 4, b 3, c 2 and the leaves 1 or 2.
  auto graph = GraphOf({"a-x1", "a-x2", "a-x3", "a-b", "b-y1", "b-y2", "c-z1", "c-z2"});
  auto assignments = ComputeChapters(graph, Config(2, 2));

  EXPECT_EQ(ChapterIds(assignments), (Strings{"a", "b"}));
  EXPECT_FALSE(Of(assignments, "c").is_chapter);
  EXPECT_TRUE(Of(assignments, "c").chapters.empty());
  EXPECT_EQ(Of(assignments, "a").chapters, (Strings{"a"}));
}

TEST(Chapters, TwoCommunitiesGetOneChapterEach) {
  auto graph = GraphOf({// Community of a0: five spokes and one chord.
                        "a0-a1", "a0-a2", "a0-a3", "a0-a4", "a0-a5", "a1-a2",
                        // Community of b0: four spokes.
                        "b0-b1", "b0-b2", "b0-b3", "b0-b4",
                        // One bridge between the two.
                        "a5-b4"});
  auto assignments = ComputeChapters(graph, Config(3, 2));

  EXPECT_EQ(ChapterIds(assignments), (Strings{"a0", "b0"}));
  for (const auto* node : {"a1", "a2", "a3", "a4", "a5"}) {
    EXPECT_EQ(Of(assignments, node).chapters, (Strings{"a0"})) << node;
  }
  for (const auto* node : {"b1", "b2", "b3", "b4"}) {
    EXPECT_EQ(Of(assignments, node).chapters, (Strings{"b0"})) << node;
  }
}

TEST(Chapters, NodeBetweenChaptersListsBoth) {
  auto graph = GraphOf({"a-a1", "a-a2", "a-a3", "b-b1", "b-b2", "b-b3", "a-m", "b-m"});
  auto assignments = ComputeChapters(graph, Config(3, 12));

  EXPECT_EQ(ChapterIds(assignments), (Strings{"a", "b"}));
  EXPECT_EQ(Of(assignments, "m").chapters, (Strings{"a", "b"}));
}

TEST(Chapters, ChapterListsOnlyItself) {
  auto graph = GraphOf({"a-b", "a-x1", "a-x2", "b-y1", "b-y2"});
  auto assignments = ComputeChapters(graph, Config(3, 12));

  EXPECT_EQ(ChapterIds(assignments), (Strings{"a", "b"}));
  EXPECT_EQ(Of(assignments, "a").chapters, (Strings{"a"}));
  EXPECT_EQ(Of(assignments, "b").chapters, (Strings{"b"}));
}

TEST(Chapters, EdgeOrderDoesNotMatter) {
  auto graph = GraphOf({"a-b", "a-c", "a-d", "b-c", "b-d", "c-d", "d-e", "e-f"});
  auto expected = ComputeChapters(graph, Config(2, 3));
  std::mt19937 random(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(graph.edges.begin(), graph.edges.end(), random);
    auto shuffled = ComputeChapters(graph, Config(2, 3));
    ASSERT_EQ(shuffled.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(shuffled[i].is_chapter, expected[i].is_chapter) << expected[i].node_id;
      EXPECT_EQ(shuffled[i].chapters, expected[i].chapters) << expected[i].node_id;
    }
  }
}

TEST(Chapters, EdgesToUnknownNodesAreIgnored) {
  auto graph = GraphOf({"a-b", "a-c"});
  graph.edges.push_back({"u1", "a", "missing", 1, {"r1_0"}});
  auto assignments = ComputeChapters(graph, Config(2, 12));

  EXPECT_EQ(Of(assignments, "a").degree, 2);
  EXPECT_EQ(assignments.size(), 3u);
}

TEST(Chapters, EmptyGraphHasNoAssignments) {
  EXPECT_TRUE(ComputeChapters(store::Graph{}, Config(1, 12)).empty());
}

TEST(Chapters, ChangedAssignmentsSkipsStoredValues) {
  auto graph = GraphOf({"hub-a", "hub-b", "hub-c"});
  auto assignments = ComputeChapters(graph, Config(3, 12));
  EXPECT_EQ(ChangedAssignments(graph, assignments).size(), 4u);

  for (auto& node : graph.nodes) {
    const auto& row = Of(assignments, node.id);
    node.degree = row.degree;
    node.is_chapter = row.is_chapter;
    node.chapters = row.chapters;
  }
  EXPECT_TRUE(ChangedAssignments(graph, assignments).empty());

  graph.nodes[0].chapters.clear();  // "a" forgot its chapter.
  auto changed = ChangedAssignments(graph, assignments);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].node_id, "a");
}

}  // namespace
}  // namespace talegraph::graph
