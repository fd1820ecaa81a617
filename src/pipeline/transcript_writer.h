// TranscriptWriter: stores a recording's transcript chunks,
// transcript_chunks/{recording_id}_{index}, replacing those of an earlier
// run.
#pragma once

#include <vector>

#include "config/config.h"
#include "store/document_store.h"
#include "transcript/chunker.h"

namespace talegraph::pipeline {

class TranscriptWriter {
 public:
  TranscriptWriter(store::DocumentStore& documents, const config::TranscriptConfig& config);

  // Writes the chunks of `recording` and deletes chunks of an earlier run
  // past the new last index. A temporal marker set through the API on a
  // chunk id that exists again is kept. Returns the number of chunks.
  size_t Write(const store::Document& recording, const std::vector<transcript::ChunkDraft>& chunks);

 private:
  store::DocumentStore& documents_;
  const config::TranscriptConfig& config_;
};

// Returns the words of a chunk as stored: [{"text", "start", "end"}].
boost::json::array WordsOf(const transcript::ChunkDraft& chunk);

}  // namespace talegraph::pipeline
