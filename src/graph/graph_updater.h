// GraphUpdater: the changes to a user's graph that end with recomputing the
// user's chapters: merging a recording, removing one, deleting the graph.
//
// Thread safety: every method may be called from any thread. The steps of
// one user's changes (read, merge or remove, recompute, write chapters)
// never interleave within this process, because each method holds the
// user's stripe of a StripedMutex throughout.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "store/graph_store.h"
#include "util/striped_mutex.h"

namespace talegraph::graph {

class GraphUpdater {
 public:
  GraphUpdater(store::GraphStore& store, const config::ChaptersConfig& config);

  // Replaces the recording's earlier contribution, if any, with
  // `contribution` and recomputes the user's chapters. `still_wanted` runs
  // under the user's lock first; when it returns false nothing is written
  // and this returns false. Throws store::StoreError.
  bool ReplaceRecording(const store::GraphContribution& contribution,
                        const std::function<bool()>& still_wanted);

  // Removes the recording's chunk ids from the user's graph and recomputes
  // the chapters. Throws store::StoreError.
  void RemoveRecording(std::string_view user_id, std::string_view recording_id);

  // Removes the user's whole graph. Throws store::StoreError.
  void DeleteUser(std::string_view user_id);

  store::GraphStore& store() { return store_; }

 private:
  // Runs with the user's lock held.
  void RemoveRecordingLocked(std::string_view user_id, std::string_view recording_id);
  void RecomputeChaptersLocked(std::string_view user_id);

  store::GraphStore& store_;
  const config::ChaptersConfig& config_;
  util::StripedMutex user_locks_;
};

// Returns the ids in `graph` of the chunks of `recording_id`: those named
// `{recording_id}_{index}`, the form of pipeline::TranscriptChunkId. Found in
// the graph rather than the transcript, so that chunks an earlier run left
// behind are found too.
std::vector<std::string> RecordingChunkIds(const store::Graph& graph,
                                           std::string_view recording_id);

}  // namespace talegraph::graph
