#include "pipeline/graph_stages.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "graph/keyphrase.h"

namespace talegraph::pipeline {

std::vector<graph::ExtractedChunk> ExtractConcepts(store::DocumentStore& documents,
                                                   graph::ConceptExtractor& extractor,
                                                   const store::Document& recording,
                                                   size_t max_concepts, JobProgress& job) {
  std::string recording_id(recording.Id());
  auto user_chunks =
      documents.Query("transcript_chunks", "user_id", recording.fields.at("user_id"));
  std::vector<std::string> texts;
  std::vector<const store::Document*> own;
  for (const auto& chunk : user_chunks) {
    texts.emplace_back(chunk.fields.at("text").as_string());
    if (chunk.fields.at("recording_id").as_string() == recording_id) {
      own.push_back(&chunk);
    }
  }
  std::sort(own.begin(), own.end(), [](const store::Document* a, const store::Document* b) {
    return a->fields.at("index").to_number<int64_t>() < b->fields.at("index").to_number<int64_t>();
  });

  graph::CorpusStats corpus = graph::CountCorpus(texts);
  std::vector<graph::ExtractedChunk> extracted;
  for (const store::Document* chunk : own) {
    std::string chunk_id(chunk->Id());
    std::string text(chunk->fields.at("text").as_string());
    extracted.push_back({chunk_id, extractor.Extract(chunk_id, text, corpus, max_concepts)});
    job.Report(static_cast<double>(extracted.size()) / static_cast<double>(own.size()));
  }
  return extracted;
}

bool MergeIntoGraph(store::DocumentStore& documents, graph::GraphUpdater& graph,
                    const store::Document& recording,
                    const std::vector<graph::ExtractedChunk>& chunks) {
  std::string recording_id(recording.Id());
  std::string user_id(recording.fields.at("user_id").as_string());
  auto contribution = graph::BuildContribution(user_id, recording_id, chunks);
  // Checked under the user's graph lock, which a deletion takes after it
  // marks the recording, so a deleted recording never re-enters the graph.
  auto still_wanted = [&] {
    auto current = documents.Get("recordings/" + recording_id);
    return current.has_value() && !current->fields.contains("deleting");
  };
  return graph.ReplaceRecording(contribution, still_wanted);
}

}  // namespace talegraph::pipeline
