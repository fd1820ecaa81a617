#include "pipeline/transcript_writer.h"

#include <map>

#include "pipeline/pipeline.h"
#include "transcript/temporal_marker.h"
#include "util/time.h"

namespace talegraph::pipeline {

namespace {

std::string TextOf(const transcript::ChunkDraft& chunk) {
  std::string text;
  for (const auto& segment : chunk.segments) {
    if (segment.text.empty()) {
      continue;
    }
    text += text.empty() ? "" : " ";
    text += segment.text;
  }
  return text;
}

}  // namespace

boost::json::array WordsOf(const transcript::ChunkDraft& chunk) {
  boost::json::array words;
  for (const auto& segment : chunk.segments) {
    for (const auto& word : segment.words) {
      words.push_back({{"text", word.text}, {"start", word.start}, {"end", word.end}});
    }
  }
  return words;
}

TranscriptWriter::TranscriptWriter(store::DocumentStore& documents,
                                   const config::TranscriptConfig& config)
    : documents_(documents), config_(config) {}

size_t TranscriptWriter::Write(const store::Document& recording,
                               const std::vector<transcript::ChunkDraft>& chunks) {
  std::string recording_id(recording.Id());
  std::map<std::string, store::Document> previous;
  for (auto& chunk :
       documents_.Query("transcript_chunks", "recording_id", boost::json::value(recording_id))) {
    previous.emplace(std::string(chunk.Id()), std::move(chunk));
  }

  std::string now = util::NowRfc3339();
  store::WriteBatch batch;
  for (size_t index = 0; index < chunks.size(); ++index) {
    const auto& chunk = chunks[index];
    std::string id = TranscriptChunkId(recording_id, index);
    std::string text = TextOf(chunk);

    boost::json::value marker = nullptr;
    boost::json::value marker_source = nullptr;
    auto old = previous.find(id);
    if (old != previous.end() && old->second.fields.at("temporal_marker_source") == "user") {
      marker = old->second.fields.at("temporal_marker");
      marker_source = "user";
    } else if (config_.detect_temporal_markers) {
      if (auto detected = transcript::DetectTemporalMarker(text)) {
        marker = *detected;
        marker_source = "detected";
      }
    }

    batch.Set("transcript_chunks/" + id,
              {{"recording_id", recording_id},
               {"user_id", recording.fields.at("user_id")},
               {"index", index},
               {"start", chunk.start},
               {"end", chunk.end},
               {"text", text},
               {"words", WordsOf(chunk)},
               {"temporal_marker", marker},
               {"temporal_marker_source", marker_source},
               {"created_at", old != previous.end() ? old->second.fields.at("created_at")
                                                    : boost::json::value(now)},
               {"updated_at", now}});
    previous.erase(id);
  }
  for (const auto& [id, stale] : previous) {
    batch.Delete(stale.path);
  }
  // A re-run writes the same chunks again, so the groups need not be atomic.
  documents_.CommitInGroups(batch);
  return chunks.size();
}

}  // namespace talegraph::pipeline
