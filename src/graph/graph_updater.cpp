#include "graph/graph_updater.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>

#include "graph/chapters.h"

namespace talegraph::graph {

namespace {

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

std::vector<std::string> RecordingChunkIds(const store::Graph& graph,
                                           std::string_view recording_id) {
  std::string prefix = std::string(recording_id) + "_";
  std::set<std::string> chunk_ids;
  for (const auto& node : graph.nodes) {
    for (const auto& chunk_id : node.chunk_ids) {
      if (chunk_id.starts_with(prefix)) {
        chunk_ids.insert(chunk_id);
      }
    }
  }
  return {chunk_ids.begin(), chunk_ids.end()};
}

GraphUpdater::GraphUpdater(store::GraphStore& store, const config::ChaptersConfig& config)
    : store_(store), config_(config) {}

bool GraphUpdater::ReplaceRecording(const store::GraphContribution& contribution,
                                    const std::function<bool()>& still_wanted) {
  std::lock_guard lock(user_locks_.For(contribution.user_id));
  if (!still_wanted()) {
    return false;
  }
  auto start = std::chrono::steady_clock::now();
  RemoveRecordingLocked(contribution.user_id, contribution.recording_id);
  store_.Merge(contribution);
  RecomputeChaptersLocked(contribution.user_id);
  spdlog::info("graph of user {} merged {} nodes and {} edges of recording {} in {:.1f} ms",
               contribution.user_id, contribution.nodes.size(), contribution.edges.size(),
               contribution.recording_id, MillisecondsSince(start));
  return true;
}

void GraphUpdater::RemoveRecording(std::string_view user_id, std::string_view recording_id) {
  std::lock_guard lock(user_locks_.For(user_id));
  RemoveRecordingLocked(user_id, recording_id);
  RecomputeChaptersLocked(user_id);
  spdlog::info("graph of user {} no longer refers to recording {}", user_id, recording_id);
}

void GraphUpdater::DeleteUser(std::string_view user_id) {
  std::lock_guard lock(user_locks_.For(user_id));
  store_.DeleteUser(user_id);
  spdlog::info("graph of user {} deleted", user_id);
}

void GraphUpdater::RemoveRecordingLocked(std::string_view user_id, std::string_view recording_id) {
  auto chunk_ids = RecordingChunkIds(store_.ReadGraph(user_id), recording_id);
  if (!chunk_ids.empty()) {
    store_.RemoveChunks(user_id, recording_id, chunk_ids);
  }
}

void GraphUpdater::RecomputeChaptersLocked(std::string_view user_id) {
  auto start = std::chrono::steady_clock::now();
  store::Graph graph = store_.ReadGraph(user_id);
  auto read_ms = MillisecondsSince(start);
  auto assignments = ComputeChapters(graph, config_);
  auto changed = ChangedAssignments(graph, assignments);
  store_.SetChapters(user_id, changed);
  size_t chapters = static_cast<size_t>(std::count_if(
      assignments.begin(), assignments.end(), [](const auto& row) { return row.is_chapter; }));
  spdlog::info(
      "chapters of user {} recomputed: {} chapters among {} nodes, {} nodes changed, read "
      "{:.1f} ms, total {:.1f} ms",
      user_id, chapters, graph.nodes.size(), changed.size(), read_ms, MillisecondsSince(start));
}

}  // namespace talegraph::graph
