// Pipeline: the processing of one recording, run as a background job.
//
// Stages, each recorded in the job document with its time:
//   decode      read the stored parts and decode to 16 kHz mono (FFmpeg),
//   transcribe  recognize speech as the samples stream in,
//   chunk       group the segments into transcript chunks and store them.
// Decoding and transcription overlap: samples go to the recognizer as they
// are decoded, so the recording is never held in memory. Every stage can
// run again with the same result: chunk ids are derived from the recording
// id and the chunk's index, and chunks left over from an earlier run with
// more chunks are deleted.
//
// Thread safety: Run may be called from several threads for different jobs.
#pragma once

#include <atomic>
#include <string>

#include "asr/transcriber.h"
#include "config/config.h"
#include "jobs/job_runner.h"
#include "store/document_store.h"

namespace talegraph::pipeline {

class Pipeline {
 public:
  Pipeline(const config::Config& config, store::DocumentStore& documents,
           asr::Transcriber& transcriber);

  // Runs the job `job_id` to success or failure, recording both in the
  // job and recording documents. Returns kInterrupted, with the job queued
  // again, when `stopping` turns true during the job. Never throws for a
  // failure of the job itself.
  jobs::JobOutcome Run(const std::string& job_id, const std::atomic<bool>& stopping);

 private:
  const config::Config& config_;
  store::DocumentStore& documents_;
  asr::Transcriber& transcriber_;
};

// Returns the id of the transcript chunk `index` of a recording.
std::string TranscriptChunkId(std::string_view recording_id, size_t index);

}  // namespace talegraph::pipeline
