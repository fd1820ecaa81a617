#include "pipeline/pipeline.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "audio/byte_source.h"
#include "audio/decoder.h"
#include "pipeline/graph_stages.h"
#include "pipeline/job_progress.h"
#include "pipeline/transcript_writer.h"
#include "store/store_error.h"
#include "transcript/chunker.h"

namespace talegraph::pipeline {

namespace {

// Thrown inside a stage when the runner stops, to leave the job queued.
struct Interrupted {};

// Reports how far the decoder has read into its input, as the stage's
// progress. The decoder reads in order, apart from jumps to an index (an
// m4a file may keep it at the end): a read that starts far past the
// previous one is such a jump and does not count as progress.
class ProgressSource final : public audio::ByteSource {
 public:
  ProgressSource(audio::ByteSource& inner, JobProgress& progress)
      : inner_(inner), progress_(progress) {}

  size_t Read(uint64_t offset, char* out, size_t size) override {
    size_t read = inner_.Read(offset, out, size);
    bool in_order = offset <= sequential_end_ + kMaxSkipBytes;
    if (in_order) {
      sequential_end_ = offset + read;
      if (inner_.Size() > 0) {
        progress_.Report(static_cast<double>(sequential_end_) / static_cast<double>(inner_.Size()));
      }
    }
    return read;
  }

  uint64_t Size() const override { return inner_.Size(); }

 private:
  static constexpr uint64_t kMaxSkipBytes = 256 * 1024;

  audio::ByteSource& inner_;
  JobProgress& progress_;
  uint64_t sequential_end_ = 0;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Sleeps for `delay`, waking early when `stopping` turns true. Returns
// false when it did.
bool WaitUnlessStopping(std::chrono::milliseconds delay, const std::atomic<bool>& stopping) {
  constexpr auto kSlice = std::chrono::milliseconds(50);
  auto deadline = std::chrono::steady_clock::now() + delay;
  while (!stopping) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      return true;
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, kSlice));
  }
  return false;
}

}  // namespace

std::string TranscriptChunkId(std::string_view recording_id, size_t index) {
  return fmt::format("{}_{:05d}", recording_id, index);
}

Pipeline::Pipeline(const config::Config& config, store::DocumentStore& documents,
                   asr::Transcriber& transcriber, graph::ConceptExtractor& extractor,
                   graph::GraphUpdater& graph)
    : config_(config),
      documents_(documents),
      transcriber_(transcriber),
      extractor_(extractor),
      graph_(graph) {}

jobs::JobOutcome Pipeline::Run(const std::string& job_id, const std::atomic<bool>& stopping) {
  const config::JobsConfig& settings = config_.jobs;
  // One JobProgress for every run, so that a run that fails before its
  // first stage still has the recording and the stage that failed.
  JobProgress job(documents_, job_id);
  for (int retry = 0;; ++retry) {
    try {
      return RunOnce(job, stopping);
    } catch (const store::StoreError& error) {
      if (retry >= settings.store_retries) {
        std::string message =
            fmt::format("{}; the job gave up after {} run(s) (jobs.store_retries = {})",
                        error.what(), retry + 1, settings.store_retries);
        return RecordStoreFailure(job, message, stopping);
      }
      spdlog::warn(
          "job {} recording {} stopped in stage {}: {}; it runs again in {} ms (retry {} of {})",
          job_id, job.recording_id().empty() ? "(unknown)" : job.recording_id(),
          job.stage().empty() ? "(none)" : job.stage(), error.what(),
          settings.store_retry_delay.count(), retry + 1, settings.store_retries);
      job.NoteRetry(error.what());
      if (!WaitUnlessStopping(settings.store_retry_delay, stopping)) {
        spdlog::info("job {} not run again: the job runner is stopping; it runs at the next start",
                     job_id);
        return jobs::JobOutcome::kInterrupted;
      }
    }
  }
}

jobs::JobOutcome Pipeline::RecordStoreFailure(JobProgress& job, const std::string& message,
                                              const std::atomic<bool>& stopping) {
  // Until the store takes writes again, the job's document still shows it
  // running, so keep trying until a poller can see the failure.
  for (int attempt = 1;; ++attempt) {
    try {
      job.Fail(job.stage(), message);
      return jobs::JobOutcome::kFinished;
    } catch (const store::StoreError& error) {
      spdlog::warn("job {}: storing its failure failed (attempt {}): {}; trying again in {} ms",
                   job.job_id(), attempt, error.what(), config_.jobs.store_retry_delay.count());
    }
    if (!WaitUnlessStopping(config_.jobs.store_retry_delay, stopping)) {
      return jobs::JobOutcome::kInterrupted;
    }
  }
}

jobs::JobOutcome Pipeline::RunOnce(JobProgress& job, const std::atomic<bool>& stopping) {
  if (!job.Begin()) {
    return jobs::JobOutcome::kFinished;
  }
  const std::string& recording_id = job.recording_id();
  auto recording = documents_.Get("recordings/" + recording_id);
  if (!recording) {
    job.Fail("decode", fmt::format("recording \"{}\" was deleted before processing", recording_id));
    return jobs::JobOutcome::kFinished;
  }

  Transcription transcription;
  try {
    transcription = Transcribe(job, *recording, stopping);
  } catch (const Interrupted&) {
    job.Requeue();
    return jobs::JobOutcome::kInterrupted;
  } catch (const store::StoreError&) {
    throw;
  } catch (const audio::DecodeError& error) {
    job.Fail("decode", error.what());
    return jobs::JobOutcome::kFinished;
  } catch (const asr::TranscriptionError& error) {
    job.Fail("transcribe", error.what());
    return jobs::JobOutcome::kFinished;
  } catch (const std::exception& error) {
    job.Fail(job.stage(), error.what());
    return jobs::JobOutcome::kFinished;
  }

  if (stopping) {
    job.Requeue();
    return jobs::JobOutcome::kInterrupted;
  }

  // The recording may have been deleted while it was transcribed, and its
  // chunks must not outlive it.
  auto current = documents_.Get("recordings/" + recording_id);
  if (!current || current->fields.contains("deleting")) {
    job.Fail("chunk", fmt::format("recording \"{}\" was deleted during processing", recording_id));
    return jobs::JobOutcome::kFinished;
  }

  try {
    RunTextStages(job, *current, transcription.segments);
  } catch (const store::StoreError&) {
    throw;
  } catch (const std::exception& error) {
    job.Fail(job.stage(), error.what());
  }
  return jobs::JobOutcome::kFinished;
}

Pipeline::Transcription Pipeline::Transcribe(JobProgress& job, const store::Document& recording,
                                             const std::atomic<bool>& stopping) {
  // Decode and transcribe, the samples flowing from one to the other.
  job.EnterStage("decode", 0.0, 0.9);
  const auto& fields = recording.fields;
  audio::StoredRecordingSource stored(documents_, std::string(recording.Id()),
                                      fields.at("size_bytes").to_number<uint64_t>(),
                                      fields.at("part_bytes").to_number<uint64_t>());
  ProgressSource source(stored, job);
  asr::SessionOptions options;
  options.recording_id = std::string(recording.Id());
  auto session = transcriber_.Start(options);

  Transcription transcription;
  auto start = std::chrono::steady_clock::now();
  transcription.info = audio::DecodeToPcm16kMono(source, [&](std::span<const int16_t> samples) {
    if (stopping) {
      throw Interrupted{};
    }
    auto feed_start = std::chrono::steady_clock::now();
    session->Feed(samples);
    transcription.transcribe_seconds += SecondsSince(feed_start);
  });
  transcription.decode_seconds = SecondsSince(start) - transcription.transcribe_seconds;
  job.RecordStageSeconds("decode", transcription.decode_seconds);
  job.RecordAudio(transcription.info);

  job.EnterStage("transcribe", 0.9, 0.95);
  auto finish_start = std::chrono::steady_clock::now();
  transcription.segments = session->Finish();
  transcription.transcribe_seconds += SecondsSince(finish_start);
  job.RecordStageSeconds("transcribe", transcription.transcribe_seconds);
  return transcription;
}

void Pipeline::RunTextStages(JobProgress& job, const store::Document& recording,
                             const std::vector<asr::Segment>& segments) {
  job.EnterStage("chunk", 0.95, 0.96);
  auto start = std::chrono::steady_clock::now();
  auto chunks = transcript::GroupIntoChunks(segments, config_.transcript.target_chunk_seconds);
  TranscriptWriter writer(documents_, config_.transcript);
  size_t written = writer.Write(recording, chunks);
  job.RecordStageSeconds("chunk", SecondsSince(start));

  job.EnterStage("extract", 0.96, 0.99);
  start = std::chrono::steady_clock::now();
  auto max_concepts = static_cast<size_t>(config_.graph.max_concepts_per_chunk);
  auto extracted = ExtractConcepts(documents_, extractor_, recording, max_concepts, job);
  job.RecordStageSeconds("extract", SecondsSince(start));

  job.EnterStage("graph", 0.99, 1.0);
  start = std::chrono::steady_clock::now();
  if (!MergeIntoGraph(documents_, graph_, recording, extracted)) {
    job.Fail("graph",
             fmt::format("recording \"{}\" was deleted during processing", recording.Id()));
    return;
  }
  job.RecordStageSeconds("graph", SecondsSince(start));
  job.Succeed(written);
}

}  // namespace talegraph::pipeline
