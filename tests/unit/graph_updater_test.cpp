#include "graph/graph_updater.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "graph/chapters.h"
#include "graph/contribution.h"
#include "pipeline/pipeline.h"
#include "store/sqlite_graph_store.h"

namespace talegraph::graph {
namespace {

using Strings = std::vector<std::string>;

// A recording whose chunk i mentions `hub` and the keys of `chunks[i]`.
store::GraphContribution Recording(const std::string& user_id, const std::string& recording_id,
                                   const std::string& hub, const std::vector<Strings>& chunks) {
  std::vector<ExtractedChunk> extracted;
  for (size_t i = 0; i < chunks.size(); ++i) {
    ExtractedChunk chunk{pipeline::TranscriptChunkId(recording_id, i), {}};
    chunk.concepts.concepts.push_back({hub, hub, "person", 1.0});
    for (const auto& key : chunks[i]) {
      chunk.concepts.concepts.push_back({key, key, "topic", 1.0});
    }
    extracted.push_back(std::move(chunk));
  }
  return BuildContribution(user_id, recording_id, extracted);
}

std::string Id(const std::string& key) { return ConceptNodeId("u1", key); }

const store::ConceptNode* Find(const store::Graph& graph, const std::string& key) {
  auto found = std::find_if(graph.nodes.begin(), graph.nodes.end(),
                            [&](const auto& node) { return node.id == Id(key); });
  return found == graph.nodes.end() ? nullptr : &*found;
}

class GraphUpdaterTest : public ::testing::Test {
 protected:
  GraphUpdaterTest() : store_(":memory:"), updater_(store_, config_) {
    config_.min_degree = 3;
    config_.max_chapters = 12;
  }

  bool Replace(const store::GraphContribution& contribution) {
    return updater_.ReplaceRecording(contribution, [] { return true; });
  }

  config::ChaptersConfig config_;
  store::SqliteGraphStore store_;
  GraphUpdater updater_;
};

TEST_F(GraphUpdaterTest, ReplaceComputesChapters) {
  ASSERT_TRUE(Replace(Recording("u1", "r1", "martha", {{"chicago", "farm"}, {"horse"}})));
  auto graph = store_.ReadGraph("u1");

  const auto* martha = Find(graph, "martha");
  ASSERT_NE(martha, nullptr);
  EXPECT_TRUE(martha->is_chapter);
  EXPECT_EQ(martha->degree, 3);
  EXPECT_EQ(martha->chapters, (Strings{Id("martha")}));
  EXPECT_EQ(Find(graph, "horse")->chapters, (Strings{Id("martha")}));
  EXPECT_FALSE(Find(graph, "chicago")->is_chapter);
}

TEST_F(GraphUpdaterTest, ReplaceTwiceAddsNothing) {
  auto contribution = Recording("u1", "r1", "martha", {{"chicago", "farm"}, {"horse"}});
  ASSERT_TRUE(Replace(contribution));
  auto once = store_.ReadGraph("u1");
  ASSERT_TRUE(Replace(contribution));
  auto twice = store_.ReadGraph("u1");

  ASSERT_EQ(twice.nodes.size(), once.nodes.size());
  ASSERT_EQ(twice.edges.size(), once.edges.size());
  for (size_t i = 0; i < once.nodes.size(); ++i) {
    EXPECT_EQ(twice.nodes[i].chunk_ids, once.nodes[i].chunk_ids);
    EXPECT_EQ(twice.nodes[i].chapters, once.nodes[i].chapters);
  }
}

TEST_F(GraphUpdaterTest, ReplaceDropsChunksOfEarlierRun) {
  ASSERT_TRUE(Replace(Recording("u1", "r1", "martha", {{"chicago"}, {"horse"}, {"farm"}})));
  ASSERT_TRUE(Replace(Recording("u1", "r1", "martha", {{"chicago"}})));
  auto graph = store_.ReadGraph("u1");

  ASSERT_EQ(graph.nodes.size(), 2u);
  EXPECT_EQ(Find(graph, "horse"), nullptr);
  EXPECT_EQ(Find(graph, "martha")->chunk_ids, (Strings{pipeline::TranscriptChunkId("r1", 0)}));
  EXPECT_FALSE(Find(graph, "martha")->is_chapter);
  EXPECT_TRUE(Find(graph, "martha")->chapters.empty());
}

TEST_F(GraphUpdaterTest, UnwantedRecordingWritesNothing) {
  auto contribution = Recording("u1", "r1", "martha", {{"chicago", "farm", "horse"}});
  EXPECT_FALSE(updater_.ReplaceRecording(contribution, [] { return false; }));
  EXPECT_TRUE(store_.ReadGraph("u1").nodes.empty());
}

TEST_F(GraphUpdaterTest, RemoveRecordingKeepsOtherAndRecomputes) {
  ASSERT_TRUE(Replace(Recording("u1", "r1", "martha", {{"chicago", "farm"}, {"horse"}})));
  ASSERT_TRUE(Replace(Recording("u1", "r2", "martha", {{"chicago"}})));
  updater_.RemoveRecording("u1", "r1");
  auto graph = store_.ReadGraph("u1");

  ASSERT_EQ(graph.nodes.size(), 2u);
  const auto* martha = Find(graph, "martha");
  ASSERT_NE(martha, nullptr);
  EXPECT_EQ(martha->chunk_ids, (Strings{pipeline::TranscriptChunkId("r2", 0)}));
  EXPECT_EQ(martha->recording_ids, (Strings{"r2"}));
  // Martha kept one edge, under the minimum of 3.
  EXPECT_EQ(martha->degree, 1);
  EXPECT_FALSE(martha->is_chapter);
  EXPECT_TRUE(martha->chapters.empty());
  ASSERT_EQ(graph.edges.size(), 1u);
  EXPECT_EQ(graph.edges[0].chunk_ids, (Strings{pipeline::TranscriptChunkId("r2", 0)}));
}

TEST_F(GraphUpdaterTest, DeleteUserKeepsOtherUsers) {
  ASSERT_TRUE(Replace(Recording("u1", "r1", "martha", {{"chicago"}})));
  ASSERT_TRUE(Replace(Recording("u2", "r2", "martha", {{"chicago"}})));
  updater_.DeleteUser("u1");

  EXPECT_TRUE(store_.ReadGraph("u1").nodes.empty());
  EXPECT_EQ(store_.ReadGraph("u2").nodes.size(), 2u);
}

TEST_F(GraphUpdaterTest, ConcurrentJobsOfOneUserLeaveConsistentChapters) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      std::string recording = "r" + std::to_string(t);
      for (int round = 0; round < 5; ++round) {
        Strings keys = {"topic" + std::to_string(t), "shared", "place" + std::to_string(round)};
        Replace(Recording("u1", recording, "martha", {keys, {"farm"}}));
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }

  auto graph = store_.ReadGraph("u1");
  auto expected = ComputeChapters(graph, config_);
  EXPECT_TRUE(ChangedAssignments(graph, expected).empty());
  // Each recording's last round is all that is left of it.
  for (int round = 0; round < 4; ++round) {
    EXPECT_EQ(Find(graph, "place" + std::to_string(round)), nullptr) << round;
  }
  EXPECT_NE(Find(graph, "place4"), nullptr);
  EXPECT_EQ(Find(graph, "martha")->chunk_ids.size(), 8u);
}

TEST(RecordingChunkIds, MatchesTranscriptChunkIdsOfRecordingOnly) {
  store::Graph graph;
  store::ConceptNode node;
  node.chunk_ids = {pipeline::TranscriptChunkId("rec", 0), pipeline::TranscriptChunkId("rec", 12),
                    pipeline::TranscriptChunkId("rec2", 0), "other_00000"};
  graph.nodes.push_back(node);
  graph.nodes.push_back(node);

  EXPECT_EQ(RecordingChunkIds(graph, "rec"), (Strings{pipeline::TranscriptChunkId("rec", 0),
                                                      pipeline::TranscriptChunkId("rec", 12)}));
}

}  // namespace
}  // namespace talegraph::graph
