#include "pipeline/job_progress.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "store/store_error.h"
#include "util/time.h"

namespace talegraph::pipeline {

namespace {

constexpr auto kProgressWriteInterval = std::chrono::seconds(1);

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

JobProgress::JobProgress(store::DocumentStore& documents, std::string job_id)
    : documents_(documents), job_id_(std::move(job_id)) {}

bool JobProgress::Begin() {
  auto job = documents_.Get("jobs/" + job_id_);
  if (!job) {
    spdlog::warn("job {} not found; it was deleted with its recording", job_id_);
    return false;
  }
  std::string_view status = job->fields.at("status").as_string();
  if (status == "succeeded" || status == "failed") {
    spdlog::info("job {} already {}; not run again", job_id_, status);
    return false;
  }

  // A retried run starts afresh. Until here the earlier run's recording and
  // stage stay, for a failure recorded before this run got this far.
  recording_id_ = std::string(job->fields.at("recording_id").as_string());
  stage_.clear();
  progress_ = 0;
  written_progress_ = -1;
  stage_seconds_.clear();
  job_start_ = std::chrono::steady_clock::now();
  int64_t attempts = job->fields.at("attempts").to_number<int64_t>() + 1;
  WriteJob({{"status", "running"},
            {"stage", nullptr},
            {"progress", 0.0},
            {"error", nullptr},
            {"stage_seconds", boost::json::object()},
            {"attempts", attempts},
            {"started_at", util::NowRfc3339()},
            {"finished_at", nullptr}});
  WriteRecording({{"status", "processing"}, {"error", nullptr}, {"job_id", job_id_}});
  spdlog::info("job {} started for recording {} (attempt {})", job_id_, recording_id_, attempts);
  return true;
}

void JobProgress::EnterStage(const std::string& stage, double from, double to) {
  stage_ = stage;
  stage_from_ = from;
  stage_to_ = to;
  progress_ = std::max(progress_, from);
  stage_start_ = std::chrono::steady_clock::now();
  WriteJob({{"stage", stage_}, {"progress", progress_}});
  spdlog::info("job {} recording {} stage {} started", job_id_, recording_id_, stage_);
}

void JobProgress::Report(double fraction) {
  double progress = stage_from_ + (stage_to_ - stage_from_) * std::clamp(fraction, 0.0, 1.0);
  progress_ = std::max(progress_, progress);
  bool due = std::chrono::steady_clock::now() - last_write_ >= kProgressWriteInterval;
  if (due && progress_ - written_progress_ >= 0.01) {
    try {
      WriteJob({{"progress", progress_}});
    } catch (const store::StoreError& error) {
      // Wait a full interval before the next try.
      last_write_ = std::chrono::steady_clock::now();
      spdlog::warn("job {} recording {}: progress {:.2f} not stored: {}", job_id_, recording_id_,
                   progress_, error.what());
    }
  }
}

void JobProgress::RecordStageSeconds(const std::string& stage, double seconds) {
  stage_seconds_[stage] = seconds;
  WriteJob({{"stage_seconds", stage_seconds_}});
  spdlog::info("job {} recording {} stage {} took {:.3f}s", job_id_, recording_id_, stage, seconds);
}

void JobProgress::RecordAudio(const audio::AudioInfo& info) {
  WriteRecording({{"duration_seconds", info.duration_seconds},
                  {"codec", info.codec},
                  {"sample_rate", info.sample_rate},
                  {"channels", info.channels}});
}

void JobProgress::Succeed(size_t chunk_count) {
  // The recording comes first, so that if the job's write fails, the job is
  // still running and its next run writes both.
  WriteRecording({{"status", "ready"}, {"error", nullptr}, {"transcript_chunks", chunk_count}});
  WriteJob({{"status", "succeeded"}, {"progress", 1.0}, {"finished_at", util::NowRfc3339()}});
  spdlog::info("job {} succeeded for recording {}: {} transcript chunks in {:.3f}s", job_id_,
               recording_id_, chunk_count, SecondsSince(job_start_));
}

void JobProgress::Fail(const std::string& stage, const std::string& message) {
  boost::json::value failed_stage =
      stage.empty() ? boost::json::value(nullptr) : boost::json::value(stage);
  if (!recording_id_.empty()) {
    WriteRecording({{"status", "failed"}, {"error", message}});
  }
  WriteJob({{"status", "failed"},
            {"error", {{"stage", failed_stage}, {"message", message}}},
            {"finished_at", util::NowRfc3339()}});
  spdlog::error("job {} failed for recording {} in stage {}: {}", job_id_, recording_id_,
                stage.empty() ? "(none)" : stage, message);
}

void JobProgress::NoteRetry(const std::string& message) {
  boost::json::value failed_stage =
      stage_.empty() ? boost::json::value(nullptr) : boost::json::value(stage_);
  try {
    WriteJob({{"status", "queued"}, {"error", {{"stage", failed_stage}, {"message", message}}}});
  } catch (const store::StoreError& error) {
    spdlog::warn("job {}: its wait for a retry not stored: {}", job_id_, error.what());
  }
}

void JobProgress::Requeue() {
  WriteJob({{"status", "queued"}, {"stage", nullptr}, {"progress", 0.0}});
  spdlog::info("job {} for recording {} stopped in stage {} and queued again", job_id_,
               recording_id_, stage_);
}

void JobProgress::WriteJob(boost::json::object changes) {
  changes["updated_at"] = util::NowRfc3339();
  if (!documents_.Update("jobs/" + job_id_, changes)) {
    spdlog::warn("job {} document is gone; its update was dropped", job_id_);
  }
  last_write_ = std::chrono::steady_clock::now();
  written_progress_ = progress_;
}

void JobProgress::WriteRecording(boost::json::object changes) {
  changes["updated_at"] = util::NowRfc3339();
  if (!documents_.Update("recordings/" + recording_id_, changes)) {
    spdlog::warn("recording {} is gone; job {} could not update it", recording_id_, job_id_);
  }
}

}  // namespace talegraph::pipeline
