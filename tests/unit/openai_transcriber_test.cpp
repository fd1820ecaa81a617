// Tests of the "openai" engine against tests/asr/openai_stub_server.py, a
// local stand-in for the transcription endpoint that validates each request
// and records it.
#include "asr/openai_transcriber.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "net/http_client.h"
#include "stub_server.h"

namespace talegraph::asr {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

constexpr char kStubScript[] = TALEGRAPH_SOURCE_DIR "/tests/asr/openai_stub_server.py";
constexpr char kApiKey[] = "sk-test-4f1c9a2b7e";
constexpr milliseconds kTestBackoff{1};
constexpr double kTimeTolerance = 1e-6;

// Stretch of a synthetic recording left silent, in seconds.
struct Gap {
  double start = 0;
  double end = 0;
};

// Feeds `seconds` of a 440 Hz tone with silent `gaps`, in half-second
// blocks, as a decoder would.
void FeedTone(TranscriptionSession& session, double seconds, const std::vector<Gap>& gaps = {}) {
  const auto total = static_cast<size_t>(seconds * kSampleRate);
  std::vector<int16_t> block;
  for (size_t first = 0; first < total; first += block.size()) {
    block.resize(std::min<size_t>(kSampleRate / 2, total - first));
    for (size_t i = 0; i < block.size(); ++i) {
      double time = static_cast<double>(first + i) / kSampleRate;
      bool silent = std::any_of(gaps.begin(), gaps.end(), [&](const Gap& gap) {
        return time >= gap.start && time < gap.end;
      });
      block[i] =
          silent ? 0 : static_cast<int16_t>(8000 * std::sin(2 * std::numbers::pi * 440 * time));
    }
    session.Feed(block);
  }
}

double AudioSeconds(const json::value& request) {
  return request.at("audio_seconds").to_number<double>();
}

class OpenAiTranscriberTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      stub_ = new StubServer(kStubScript);
    } catch (const std::exception& error) {
      stub_error_ = new std::string(error.what());
    }
  }

  static void TearDownTestSuite() {
    delete stub_;
    stub_ = nullptr;
    delete stub_error_;
    stub_error_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(stub_, nullptr) << *stub_error_;
    stub_->Reset();
  }

  void TearDown() override {
    EXPECT_EQ(log_.text().find(kApiKey), std::string::npos) << "the API key leaked into the log";
  }

  static config::OpenAiAsrConfig StubConfig(const std::string& model) {
    config::OpenAiAsrConfig config;
    config.base_url = stub_->base_url();
    config.model = model;
    config.piece_seconds = 10;
    config.max_retries = 2;
    config.timeout = std::chrono::seconds(10);
    return config;
  }

  static config::Secrets WithKey() {
    config::Secrets secrets;
    secrets.openai_api_key = kApiKey;
    return secrets;
  }

  // Transcribes `seconds` of tone and returns the segments.
  static std::vector<Segment> Transcribe(const config::OpenAiAsrConfig& config, double seconds,
                                         const config::Secrets& secrets = WithKey()) {
    OpenAiTranscriber transcriber(config, secrets, kTestBackoff);
    SessionOptions options;
    options.recording_id = "rec-test";
    auto session = transcriber.Start(options);
    FeedTone(*session, seconds);
    return session->Finish();
  }

  // Returns the message of the TranscriptionError that transcribing throws.
  static std::string TranscriptionFailure(const config::OpenAiAsrConfig& config, double seconds) {
    try {
      Transcribe(config, seconds);
    } catch (const TranscriptionError& error) {
      return error.what();
    }
    ADD_FAILURE() << "transcription of model " << config.model << " did not fail";
    return {};
  }

  static StubServer* stub_;
  static std::string* stub_error_;
  LogCapture log_;
};

StubServer* OpenAiTranscriberTest::stub_ = nullptr;
std::string* OpenAiTranscriberTest::stub_error_ = nullptr;

TEST_F(OpenAiTranscriberTest, LongRecordingStitchesThreePieces) {
  config::OpenAiAsrConfig config = StubConfig("whisper-1");
  config.piece_seconds = 600;
  OpenAiTranscriber transcriber(config, WithKey(), kTestBackoff);
  std::vector<double> progress;
  auto session = transcriber.Start({.total_seconds = 1500,
                                    .progress = [&](double done) { progress.push_back(done); },
                                    .recording_id = "rec-long"});
  // Quiet stretches inside the last 5 s of the first two pieces, where the
  // cuts should land.
  FeedTone(*session, 1500, {{597.0, 597.5}, {1195.0, 1195.5}});
  std::vector<Segment> segments = session->Finish();

  json::array requests = stub_->Requests();
  ASSERT_EQ(requests.size(), 3u);
  double first = AudioSeconds(requests[0]);
  double second = AudioSeconds(requests[1]);
  double third = AudioSeconds(requests[2]);
  EXPECT_GT(first, 597.0);
  EXPECT_LT(first, 597.5);
  EXPECT_GT(first + second, 1195.0);
  EXPECT_LT(first + second, 1195.5);
  EXPECT_NEAR(first + second + third, 1500, kTimeTolerance);
  for (const json::value& request : requests) {
    EXPECT_TRUE(request.at("error").is_null()) << request.at("error");
    EXPECT_EQ(request.at("model").as_string(), "whisper-1");
    EXPECT_EQ(request.at("response_format").as_string(), "verbose_json");
    EXPECT_EQ(request.at("timestamp_granularities"), (json::array{"segment", "word"}));
    EXPECT_EQ(request.at("file_name").as_string(), "piece.wav");
    EXPECT_EQ(request.at("file_content_type").as_string(), "audio/wav");
    EXPECT_TRUE(request.at("language").is_null());
  }

  // The stub gives one segment per 5 s of each piece.
  size_t expected_segments = 0;
  for (double piece : {first, second, third}) {
    expected_segments += static_cast<size_t>(std::ceil(piece / 5));
  }
  ASSERT_EQ(segments.size(), expected_segments);
  EXPECT_NEAR(segments.front().start, 0, kTimeTolerance);
  EXPECT_NEAR(segments.back().end, 1500, kTimeTolerance);
  auto second_piece = std::find_if(segments.begin(), segments.end(), [&](const Segment& segment) {
    return segment.start > first - kTimeTolerance;
  });
  ASSERT_NE(second_piece, segments.end());
  EXPECT_NEAR(second_piece->start, first, kTimeTolerance);
  EXPECT_GE(second_piece->start, 600 - kOpenAiCutSearchSeconds);
  EXPECT_NEAR((second_piece - 1)->end, first, kTimeTolerance);

  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& segment = segments[i];
    if (i > 0) {
      EXPECT_GE(segment.start, segments[i - 1].start) << "segment " << i;
    }
    ASSERT_FALSE(segment.words.empty()) << "segment " << i;
    EXPECT_EQ(segment.text.front(), 'w') << "segment " << i << " text is not trimmed";
    std::string joined;
    for (const Word& word : segment.words) {
      EXPECT_GE(word.start, segment.start - kTimeTolerance) << "segment " << i;
      EXPECT_LE(word.end, segment.end + kTimeTolerance) << "segment " << i;
      joined += (joined.empty() ? "" : " ") + word.text;
    }
    EXPECT_EQ(joined, segment.text) << "segment " << i;
  }

  ASSERT_EQ(progress.size(), 3u);
  EXPECT_NEAR(progress[0], first / 1500, kTimeTolerance);
  EXPECT_NEAR(progress[1], (first + second) / 1500, kTimeTolerance);
  EXPECT_EQ(progress[2], 1.0);
}

TEST_F(OpenAiTranscriberTest, ShortPiecesWithoutQuietPlaceStitch) {
  std::vector<Segment> segments = Transcribe(StubConfig("whisper-1"), 25);
  // Where a tone has no quiet place, the cuts can land anywhere in the last
  // 5 s of each 10 s piece, so 25 s take three or four pieces.
  json::array requests = stub_->Requests();
  ASSERT_GE(requests.size(), 3u);
  double offset = 0;
  for (const json::value& request : requests) {
    double seconds = AudioSeconds(request);
    auto starts_piece = std::find_if(segments.begin(), segments.end(), [&](const Segment& s) {
      return std::abs(s.start - offset) < kTimeTolerance;
    });
    EXPECT_NE(starts_piece, segments.end()) << "no segment starts the piece at " << offset;
    offset += seconds;
  }
  EXPECT_NEAR(offset, 25, kTimeTolerance);
  EXPECT_NEAR(segments.back().end, 25, kTimeTolerance);
}

TEST_F(OpenAiTranscriberTest, AuthorizationHeaderOnlyWithKey) {
  Transcribe(StubConfig("whisper-1"), 3, WithKey());
  Transcribe(StubConfig("whisper-1"), 3, config::Secrets{});
  json::array requests = stub_->Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].at("authorization").as_string(), std::string("Bearer ") + kApiKey);
  EXPECT_TRUE(requests[1].at("authorization").is_null());
  std::string log = log_.text();
  EXPECT_NE(log.find("recording_id=rec-test piece=1 audio=3.0s attempt 1 of 3 got status 200"),
            std::string::npos)
      << log;
}

TEST_F(OpenAiTranscriberTest, LanguageSentWhenConfigured) {
  config::OpenAiAsrConfig config = StubConfig("whisper-1");
  config.language = "de";
  Transcribe(config, 3);
  json::array requests = stub_->Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].at("language").as_string(), "de");
}

TEST_F(OpenAiTranscriberTest, RateLimitRetriedAfterRetryAfter) {
  auto started = std::chrono::steady_clock::now();
  std::vector<Segment> segments = Transcribe(StubConfig("rate-limit-1"), 3);
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(segments.size(), 1u);
  EXPECT_EQ(stub_->Requests().size(), 2u);
  // The stub's Retry-After of 1 s outweighs the test's 1 ms backoff.
  EXPECT_GE(elapsed, milliseconds(950));
  std::string log = log_.text();
  EXPECT_NE(log.find("attempt 1 of 3 got status 429 after"), std::string::npos) << log;
  EXPECT_NE(log.find("; retrying in 1000 ms"), std::string::npos) << log;
  EXPECT_NE(log.find("recording_id=rec-test"), std::string::npos) << log;
}

TEST_F(OpenAiTranscriberTest, ServerErrorRetried) {
  std::vector<Segment> segments = Transcribe(StubConfig("server-error-1"), 3);
  EXPECT_EQ(segments.size(), 1u);
  EXPECT_EQ(stub_->Requests().size(), 2u);
}

TEST_F(OpenAiTranscriberTest, RejectedKeyFailsAtOnce) {
  std::string message = TranscriptionFailure(StubConfig("bad-key"), 3);
  EXPECT_NE(message.find("status 401"), std::string::npos) << message;
  EXPECT_NE(message.find("Incorrect API key provided"), std::string::npos) << message;
  EXPECT_NE(message.find("rec-test"), std::string::npos) << message;
  EXPECT_EQ(stub_->Requests().size(), 1u);
}

TEST_F(OpenAiTranscriberTest, MalformedJsonFails) {
  std::string message = TranscriptionFailure(StubConfig("malformed-json"), 3);
  EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
  EXPECT_EQ(stub_->Requests().size(), 1u);
}

TEST_F(OpenAiTranscriberTest, MissingSegmentsFails) {
  std::string message = TranscriptionFailure(StubConfig("missing-segments"), 3);
  EXPECT_NE(message.find("no \"segments\" array"), std::string::npos) << message;
}

TEST_F(OpenAiTranscriberTest, ExhaustedRetriesNameLastStatus) {
  std::string message = TranscriptionFailure(StubConfig("always-503"), 3);
  EXPECT_NE(message.find("status 503 on all 3 attempts"), std::string::npos) << message;
  EXPECT_NE(message.find("The engine is currently overloaded"), std::string::npos) << message;
  EXPECT_EQ(stub_->Requests().size(), 3u);
}

TEST_F(OpenAiTranscriberTest, TimeoutFails) {
  config::OpenAiAsrConfig config = StubConfig("slow-3");
  config.timeout = std::chrono::seconds(1);
  config.max_retries = 0;
  auto started = std::chrono::steady_clock::now();
  std::string message = TranscriptionFailure(config, 3);
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(2500));
  EXPECT_NE(message.find("timed out after 1 s"), std::string::npos) << message;
  EXPECT_NE(message.find("attempt 1 of 1"), std::string::npos) << message;
}

TEST_F(OpenAiTranscriberTest, ConnectionRefusedRetriedThenFails) {
  // A port that was free a moment ago, so that nothing listens on it.
  int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(bind(probe, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length), 0);
  close(probe);
  config::OpenAiAsrConfig config = StubConfig("whisper-1");
  config.base_url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/v1/";
  config.max_retries = 1;
  std::string message = TranscriptionFailure(config, 3);
  EXPECT_NE(message.find("/v1/audio/transcriptions failed"), std::string::npos) << message;
  EXPECT_NE(message.find("attempt 2 of 2"), std::string::npos) << message;
  std::string log = log_.text();
  EXPECT_NE(log.find("attempt 1 of 2 failed"), std::string::npos) << log;
}

TEST_F(OpenAiTranscriberTest, WhisperCppTokensJoinIntoWords) {
  std::vector<Segment> segments = Transcribe(StubConfig("whisper-cpp"), 7);
  ASSERT_EQ(segments.size(), 2u);
  ASSERT_EQ(segments[0].words.size(), 5u);
  EXPECT_EQ(segments[0].words[0].text, "word0");
  EXPECT_EQ(segments[0].words[4].text, "word4");
  EXPECT_NEAR(segments[0].words[4].start, 4, kTimeTolerance);
  EXPECT_NEAR(segments[0].words[4].end, 4.5, kTimeTolerance);
  ASSERT_EQ(segments[1].words.size(), 2u);
  EXPECT_NEAR(segments[1].words[1].start, 6, kTimeTolerance);
  EXPECT_EQ(segments[1].text, "word0 word1");
}

TEST_F(OpenAiTranscriberTest, SegmentsWithoutWords) {
  std::vector<Segment> segments = Transcribe(StubConfig("no-words"), 7);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_TRUE(segments[0].words.empty());
  EXPECT_EQ(segments[0].text, "word0 word1 word2 word3 word4");
}

TEST_F(OpenAiTranscriberTest, EmptyRecordingSendsNothing) {
  OpenAiTranscriber transcriber(StubConfig("whisper-1"), WithKey(), kTestBackoff);
  std::vector<double> progress;
  SessionOptions options;
  options.progress = [&](double done) { progress.push_back(done); };
  auto session = transcriber.Start(options);
  EXPECT_TRUE(session->Finish().empty());
  EXPECT_EQ(stub_->Requests().size(), 0u);
  EXPECT_EQ(progress, std::vector<double>{1.0});
  EXPECT_THROW(session->Feed(std::vector<int16_t>(10)), std::logic_error);
}

TEST_F(OpenAiTranscriberTest, InvalidPieceSecondsRejected) {
  config::OpenAiAsrConfig config = StubConfig("whisper-1");
  config.piece_seconds = 781;
  EXPECT_THROW(OpenAiTranscriber(config, WithKey()), TranscriptionError);
}

}  // namespace
}  // namespace talegraph::asr
