// Pipeline runs under a store outage: a job whose stage meets a
// store::StoreError runs again after jobs.store_retry_delay, up to
// jobs.store_retries times, then fails with the store's message, recorded
// once the store takes writes again. The outage is a decorator over an
// in-memory SQLite store that fails a counted number of calls, so that
// each case controls which call fails.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "api/audio_parts.h"
#include "api/recording_records.h"
#include "config/config.h"
#include "graph/extractor_factory.h"
#include "graph/graph_updater.h"
#include "jobs/job_records.h"
#include "pipeline/pipeline.h"
#include "store/sqlite_document_store.h"
#include "store/sqlite_graph_store.h"
#include "store/store_error.h"
#include "unit/wav_header.h"

namespace talegraph::pipeline {
namespace {

constexpr char kOutageMessage[] = "test store is unavailable";

// Forwards to `inner`, except that the next `count` calls given to
// FailNextCalls, of any kind, throw StoreError, as a Firestore whose request retries ran out does.
class OutageDocumentStore final : public store::DocumentStore {
 public:
  explicit OutageDocumentStore(store::DocumentStore& inner) : inner_(inner) {}

  void FailNextCalls(int count) { failing_ = count; }
  int failing() const { return std::max(failing_.load(), 0); }

  std::optional<store::Document> Get(std::string_view path) override {
    Check();
    return inner_.Get(path);
  }
  bool Set(std::string_view path, const boost::json::object& fields, std::string_view data,
           const store::Precondition& precondition) override {
    Check();
    return inner_.Set(path, fields, data, precondition);
  }
  bool Update(std::string_view path, const boost::json::object& fields,
              const store::Precondition& precondition) override {
    Check();
    return inner_.Update(path, fields, precondition);
  }
  bool Delete(std::string_view path, const store::Precondition& precondition) override {
    Check();
    return inner_.Delete(path, precondition);
  }
  std::vector<store::Document> List(std::string_view collection,
                                    const store::ListOptions& options) override {
    Check();
    return inner_.List(collection, options);
  }
  std::vector<store::Document> Query(std::string_view collection, std::string_view field,
                                     const boost::json::value& value,
                                     const store::ListOptions& options) override {
    Check();
    return inner_.Query(collection, field, value, options);
  }
  bool Commit(const store::WriteBatch& batch) override {
    Check();
    return inner_.Commit(batch);
  }
  void Ping() override {
    Check();
    inner_.Ping();
  }

 private:
  void Check() {
    if (failing_.fetch_sub(1) > 0) {
      throw store::StoreError(kOutageMessage);
    }
  }

  store::DocumentStore& inner_;
  std::atomic<int> failing_ = 0;
};

// Ignores the samples and returns a fixed story. The first Finish calls
// `on_first_finish`, where a case starts its outage.
class StoryTranscriber final : public asr::Transcriber {
 public:
  std::function<void()> on_first_finish;
  int sessions = 0;

  std::unique_ptr<asr::TranscriptionSession> Start(const asr::SessionOptions&) override {
    ++sessions;
    return std::make_unique<Session>(*this);
  }
  std::string name() const override { return "story"; }

 private:
  class Session final : public asr::TranscriptionSession {
   public:
    explicit Session(StoryTranscriber& owner) : owner_(owner) {}
    void Feed(std::span<const int16_t>) override {}
    std::vector<asr::Segment> Finish() override {
      if (owner_.on_first_finish) {
        auto callback = std::move(owner_.on_first_finish);
        owner_.on_first_finish = nullptr;
        callback();
      }
      return {{0.0, 1.0, "Martha grew up on a farm near Chicago with her brother George.", {}},
              {1.0, 2.0, "George and Martha rode the horses to the river near Chicago.", {}}};
    }

   private:
    StoryTranscriber& owner_;
  };
};

// Returns a 16 kHz mono 16-bit WAV file of two seconds of a quiet square wave.
std::string TwoSecondWav() {
  constexpr uint32_t kRate = 16000;
  constexpr uint32_t kSamples = 2 * kRate;
  std::string wav = test_audio::WavHeader(kRate, 2 * kSamples);
  for (uint32_t i = 0; i < kSamples; ++i) {
    int16_t sample = (i / 20) % 2 == 0 ? 1000 : -1000;
    auto bits = static_cast<uint16_t>(sample);
    wav.push_back(static_cast<char>(bits & 0xff));
    wav.push_back(static_cast<char>(bits >> 8));
  }
  return wav;
}

class PipelineRetryTest : public ::testing::Test {
 protected:
  PipelineRetryTest() {
    config_.jobs.store_retries = 3;
    config_.jobs.store_retry_delay = std::chrono::milliseconds(10);
    extractor_ = graph::MakeConceptExtractor(config_);
  }

  // Stores `audio` as a recording of user u1 with a queued job. Returns the job id.
  std::string StoreJob(const std::string& audio) {
    constexpr size_t kPartBytes = 4096;
    api::RecordingPartWriter writer(sqlite_, "r1", kPartBytes);
    writer.Append(audio);
    writer.Finish();
    api::StoredAudio stored{audio.size(), "0", kPartBytes, writer.part_count()};
    boost::json::object source{{"user_id", "u1"},
                               {"title", "story"},
                               {"filename", "story.wav"},
                               {"content_type", "audio/wav"}};
    store::WriteBatch batch;
    batch.Set("users/u1", {{"name", "Teller"}});
    batch.Set("recordings/r1", api::NewRecordingFields(source, nullptr, stored, "j1"));
    batch.Set("jobs/j1", jobs::NewJob("r1", "u1"));
    sqlite_.Commit(batch);
    return "j1";
  }

  jobs::JobOutcome Run(const std::string& job_id) {
    Pipeline pipeline(config_, outage_, transcriber_, *extractor_, updater_);
    return pipeline.Run(job_id, stopping_);
  }

  boost::json::object Fields(const std::string& path) { return sqlite_.Get(path).value().fields; }

  config::Config config_;
  store::SqliteDocumentStore sqlite_{":memory:"};
  OutageDocumentStore outage_{sqlite_};
  store::SqliteGraphStore graph_store_{":memory:"};
  graph::GraphUpdater updater_{graph_store_, config_.chapters};
  std::unique_ptr<graph::ConceptExtractor> extractor_;
  StoryTranscriber transcriber_;
  std::atomic<bool> stopping_ = false;
};

TEST_F(PipelineRetryTest, OutageMidJobRunsItAgain) {
  std::string job_id = StoreJob(TwoSecondWav());
  // Three calls fail: the transcribe stage's time, the note of the retry,
  // and the second run's first read; the third run gets through.
  transcriber_.on_first_finish = [this] { outage_.FailNextCalls(3); };

  EXPECT_EQ(Run(job_id), jobs::JobOutcome::kFinished);

  auto job = Fields("jobs/" + job_id);
  EXPECT_EQ(job.at("status"), "succeeded") << boost::json::serialize(job);
  EXPECT_TRUE(job.at("error").is_null()) << boost::json::serialize(job);
  EXPECT_EQ(job.at("attempts").to_number<int64_t>(), 2) << "Begin got through in runs 1 and 3";
  EXPECT_EQ(transcriber_.sessions, 2);
  EXPECT_EQ(Fields("recordings/r1").at("status"), "ready");
  auto chunks = sqlite_.Query("transcript_chunks", "recording_id", boost::json::value("r1"));
  ASSERT_EQ(chunks.size(), 1u) << "two seconds of story make one chunk";
  EXPECT_EQ(chunks[0].Id(), "r1_00000");
  auto graph = graph_store_.ReadGraph("u1");
  EXPECT_FALSE(graph.nodes.empty()) << "the retried run merged no concepts";
}

TEST_F(PipelineRetryTest, SpentRetriesFailTheJob) {
  config_.jobs.store_retries = 1;
  std::string job_id = StoreJob(TwoSecondWav());
  // Run 1 fails in transcribe, run 2 at its first read, and the failure
  // itself cannot be written for the 17 calls that the outage has left.
  transcriber_.on_first_finish = [this] { outage_.FailNextCalls(20); };

  EXPECT_EQ(Run(job_id), jobs::JobOutcome::kFinished);

  EXPECT_EQ(outage_.failing(), 0);
  auto job = Fields("jobs/" + job_id);
  ASSERT_EQ(job.at("status"), "failed") << boost::json::serialize(job);
  const auto& error = job.at("error").as_object();
  EXPECT_EQ(error.at("stage"), "transcribe") << "the stage where the outage began";
  std::string message(error.at("message").as_string());
  EXPECT_NE(message.find(kOutageMessage), std::string::npos) << message;
  EXPECT_NE(message.find("gave up after 2 run(s) (jobs.store_retries = 1)"), std::string::npos)
      << message;
  auto recording = Fields("recordings/r1");
  EXPECT_EQ(recording.at("status"), "failed");
  EXPECT_EQ(recording.at("error"), error.at("message"));
}

TEST_F(PipelineRetryTest, NoRetriesFailAtOnce) {
  config_.jobs.store_retries = 0;
  std::string job_id = StoreJob(TwoSecondWav());
  transcriber_.on_first_finish = [this] { outage_.FailNextCalls(1); };

  EXPECT_EQ(Run(job_id), jobs::JobOutcome::kFinished);

  auto job = Fields("jobs/" + job_id);
  ASSERT_EQ(job.at("status"), "failed") << boost::json::serialize(job);
  EXPECT_EQ(job.at("error").at("stage"), "transcribe");
  EXPECT_EQ(transcriber_.sessions, 1);
}

TEST_F(PipelineRetryTest, ShutdownEndsTheRetryWait) {
  config_.jobs.store_retry_delay = std::chrono::milliseconds(600000);
  std::string job_id = StoreJob(TwoSecondWav());
  transcriber_.on_first_finish = [this] { outage_.FailNextCalls(2); };

  auto outcome = std::async(std::launch::async, [&] { return Run(job_id); });
  // Both failing calls spent means the job has reached its wait.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (outage_.failing() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(outcome.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
      << "the job did not wait for its retry";
  stopping_ = true;
  ASSERT_EQ(outcome.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the wait did not end at shutdown";
  EXPECT_EQ(outcome.get(), jobs::JobOutcome::kInterrupted);

  auto unfinished = jobs::UnfinishedJobIds(sqlite_);
  EXPECT_EQ(unfinished, std::vector<std::string>{job_id});
}

TEST_F(PipelineRetryTest, UndecodableAudioIsNotRetried) {
  std::string job_id = StoreJob(std::string(5000, 'x'));

  EXPECT_EQ(Run(job_id), jobs::JobOutcome::kFinished);

  auto job = Fields("jobs/" + job_id);
  ASSERT_EQ(job.at("status"), "failed") << boost::json::serialize(job);
  EXPECT_EQ(job.at("error").at("stage"), "decode");
  EXPECT_EQ(job.at("attempts").to_number<int64_t>(), 1);
}

}  // namespace
}  // namespace talegraph::pipeline
