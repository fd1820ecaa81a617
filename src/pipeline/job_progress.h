// JobProgress: the writes that a running job makes to its job document and
// to its recording's document: stage, progress, stage times, outcome.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <string>

#include "audio/decoder.h"
#include "store/document_store.h"

namespace talegraph::pipeline {

class JobProgress {
 public:
  JobProgress(store::DocumentStore& documents, std::string job_id);

  // Marks the job running and its recording processing. Returns false,
  // writing nothing, when the job is missing or already finished. May be
  // called again for a further run of the job.
  bool Begin();

  const std::string& job_id() const { return job_id_; }
  // Empty until Begin has first read the job.
  const std::string& recording_id() const { return recording_id_; }
  const std::string& stage() const { return stage_; }

  // Starts `stage`, whose progress runs from `from` to `to` of the job.
  void EnterStage(const std::string& stage, double from, double to);

  // Sets the current stage's progress to `fraction` (0..1) of its share.
  // Writes at most about once a second. Progress is advisory: a failed
  // write is logged and does not stop the job.
  void Report(double fraction);

  void RecordStageSeconds(const std::string& stage, double seconds);

  // Stores the decoded stream's duration, codec, sample rate and channels
  // on the recording.
  void RecordAudio(const audio::AudioInfo& info);

  void Succeed(size_t chunk_count);
  // Marks the job and its recording failed. `stage` may be empty when the
  // job failed before its first stage.
  void Fail(const std::string& stage, const std::string& message);

  // Shows the job queued again with the store failure `message` as its
  // error, while it waits for its next run. The store is likely still
  // down, so a failed write is only logged.
  void NoteRetry(const std::string& message);

  // Leaves the job queued for the next start of the server.
  void Requeue();

 private:
  void WriteJob(boost::json::object changes);
  void WriteRecording(boost::json::object changes);

  store::DocumentStore& documents_;
  std::string job_id_;
  std::string recording_id_;
  std::string stage_;
  double stage_from_ = 0;
  double stage_to_ = 0;
  double progress_ = 0;
  double written_progress_ = -1;
  boost::json::object stage_seconds_;
  std::chrono::steady_clock::time_point job_start_;
  std::chrono::steady_clock::time_point stage_start_;
  std::chrono::steady_clock::time_point last_write_;
};

}  // namespace talegraph::pipeline
