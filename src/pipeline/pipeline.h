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
// earlier part of the graph.
//
// A stage that fails because a backing store is unavailable (a
// store::StoreError, after the store's own request retries) runs the whole
// job again after jobs.store_retry_delay, up to jobs.store_retries times.
// After that the job fails at that stage with the store's message, which
// is recorded as soon as the store takes writes again. A graph store failure keeps the
// stored transcript.
//
// Thread safety: Run may be called from several threads for different jobs.
#pragma once

#include <atomic>
#include <string>

#include "asr/transcriber.h"
#include "audio/decoder.h"
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
  // job and recording documents, and runs it again after a store outage
  // as configured. Returns kInterrupted, with the job left queued or
  // running for the next start, when `stopping` turns true during the job
  // or a wait. Never throws for a failure of the job itself.
  jobs::JobOutcome Run(const std::string& job_id, const std::atomic<bool>& stopping);

 private:
  // The decoded stream and its recognized speech.
  struct Transcription {
    audio::AudioInfo info;
    std::vector<asr::Segment> segments;
    double decode_seconds = 0;
    double transcribe_seconds = 0;
  };

  // Runs the job once. Throws store::StoreError when a store fails under
  // it, and records every other failure itself.
  jobs::JobOutcome RunOnce(JobProgress& job, const std::atomic<bool>& stopping);

  // Runs the decode and transcribe stages.
  Transcription Transcribe(JobProgress& job, const store::Document& recording,
                           const std::atomic<bool>& stopping);

  // Records the job's failure, trying again until the store takes the write
  // or the runner stops.
  jobs::JobOutcome RecordStoreFailure(JobProgress& job, const std::string& message,
                                      const std::atomic<bool>& stopping);

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
