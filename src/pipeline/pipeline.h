// Pipeline: the processing of one recording, run as a background job.
//
// Stages, each recorded in the job document with its time:
//   decode      read the stored parts and decode to 16 kHz mono (FFmpeg),
//   transcribe  recognize speech as the samples stream in,
//   chunk       group the segments into transcript chunks and store them,
//   extract     find the concepts of each stored chunk,
//   graph       merge them into the user's graph and recompute its chapters.
// Decoding and transcription overlap: samples go to the recognizer as they
// are decoded, so the recording is never held in memory. Every stage can
// run again with the same result: chunk ids are derived from the recording
// id and the chunk's index, chunks left over from an earlier run with more
// chunks are deleted, and the graph stage first removes the recording's
// earlier part of the graph. A graph store failure fails the job at the
// graph stage and keeps the stored transcript.
//
// Thread safety: Run may be called from several threads for different jobs.
#pragma once

#include <atomic>
#include <string>

#include "asr/transcriber.h"
#include "config/config.h"
#include "graph/concept_extractor.h"
#include "graph/graph_updater.h"
#include "jobs/job_runner.h"
#include "pipeline/job_progress.h"
#include "store/document_store.h"

namespace talegraph::pipeline {

class Pipeline {
 public:
  Pipeline(const config::Config& config, store::DocumentStore& documents,
           asr::Transcriber& transcriber, graph::ConceptExtractor& extractor,
           graph::GraphUpdater& graph);

  // Runs the job `job_id` to success or failure, recording both in the
  // job and recording documents. Returns kInterrupted, with the job queued
  // again, when `stopping` turns true during the job. Never throws for a
  // failure of the job itself.
  jobs::JobOutcome Run(const std::string& job_id, const std::atomic<bool>& stopping);

 private:
  // Runs the chunk, extract and graph stages on the transcribed segments.
  void RunTextStages(JobProgress& job, const store::Document& recording,
                     const std::vector<asr::Segment>& segments);

  const config::Config& config_;
  store::DocumentStore& documents_;
  asr::Transcriber& transcriber_;
  graph::ConceptExtractor& extractor_;
  graph::GraphUpdater& graph_;
};

// Returns the id of the transcript chunk `index` of a recording.
std::string TranscriptChunkId(std::string_view recording_id, size_t index);

}  // namespace talegraph::pipeline
