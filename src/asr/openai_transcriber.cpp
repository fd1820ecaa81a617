#include "asr/openai_transcriber.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "asr/verbose_json.h"
#include "asr/wav_piece.h"
#include "net/http_client.h"
#include "net/retry.h"
#include "util/printable.h"

namespace talegraph::asr {

struct OpenAiTranscriber::Settings {
  std::string url;
  std::string model;
  std::string language;
  std::string api_key;
  size_t piece_samples = 0;
  std::chrono::seconds timeout{0};
  net::RetryPolicy retry;
};

namespace {

using Settings = OpenAiTranscriber::Settings;

// Maximum piece length: 780 s of 16 kHz 16-bit mono is 24,960,044 bytes as WAV,
// under the OpenAI API's 25 MB upload limit.
constexpr int kMaxPieceSeconds = 780;
// Shortest audio sent, because the OpenAI API rejects files under 0.1 s.
constexpr size_t kMinRequestSamples = kSampleRate / 10;

std::string TranscriptionsUrl(std::string_view base_url) {
  while (base_url.ends_with('/')) {
    base_url.remove_suffix(1);
  }
  return fmt::format("{}/audio/transcriptions", base_url);
}

// Replaces each occurrence of `secret` in `text`, in case a service echoes
// the API key in an error message.
std::string Redact(std::string text, const std::string& secret) {
  if (secret.empty()) {
    return text;
  }
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "[redacted]");
  }
  return text;
}

// Describes a response with an error status, with the service's message.
std::string DescribeStatusFailure(const net::RetriedResponse& result) {
  const net::HttpResponse& response = result.response;
  std::string message = ServiceErrorMessage(response.body);
  if (message.empty()) {
    message = fmt::format("response body \"{}\"", util::Printable(response.body));
  }
  if (net::IsRetryableStatus(response.status)) {
    return fmt::format("the service returned status {} on all {} attempts: {}", response.status,
                       result.attempts, message);
  }
  return fmt::format("the service rejected the request with status {}: {}", response.status,
                     message);
}

std::string DescribeNetworkFailure(const net::HttpError& error, std::chrono::seconds timeout) {
  if (error.timed_out()) {
    return fmt::format("the request timed out after {} s (openai.timeout_seconds): {}",
                       timeout.count(), error.what());
  }
  return error.what();
}

class OpenAiSession final : public TranscriptionSession {
 public:
  OpenAiSession(std::shared_ptr<const Settings> settings, SessionOptions options)
      : settings_(std::move(settings)),
        options_(std::move(options)),
        piece_(settings_->piece_samples) {}

  void Feed(std::span<const int16_t> samples) override {
    if (finished_) {
      throw std::logic_error("OpenAiSession::Feed called after Finish");
    }
    while (!samples.empty()) {
      samples = samples.subspan(piece_.Append(samples));
      if (piece_.full()) {
        size_t search = static_cast<size_t>(kOpenAiCutSearchSeconds * kSampleRate);
        SendPiece(FindQuietCut(piece_.samples(), search));
      }
    }
  }

  std::vector<Segment> Finish() override {
    if (finished_) {
      throw std::logic_error("OpenAiSession::Finish called twice");
    }
    finished_ = true;
    size_t rest = piece_.samples().size();
    if (rest >= kMinRequestSamples) {
      SendPiece(rest);
    } else if (rest > 0) {
      // Only a whole recording can be this short, because a cut leaves at
      // least 0.1 s for the next piece.
      spdlog::info("openai recording_id={}: {} samples are too short to transcribe, skipped",
                   options_.recording_id, rest);
    }
    std::stable_sort(segments_.begin(), segments_.end(),
                     [](const Segment& a, const Segment& b) { return a.start < b.start; });
    ReportProgress(1.0);
    return std::move(segments_);
  }

 private:
  // Sends the first `count` samples of the piece and keeps the segments.
  void SendPiece(size_t count) {
    double offset = static_cast<double>(sent_samples_) / kSampleRate;
    double seconds = static_cast<double>(count) / kSampleRate;
    ++piece_number_;
    std::string label = fmt::format("openai recording_id={} piece={} audio={:.1f}s",
                                    options_.recording_id, piece_number_, seconds);
    std::string context =
        fmt::format("openai: recording {} piece {} ({:.1f} s of audio at {:.1f} s)",
                    options_.recording_id, piece_number_, seconds, offset);
    net::HttpRequest request = BuildRequest(piece_.WavFile(count));
    net::RetriedResponse result;
    try {
      result = net::SendWithRetries(client_, request, settings_->retry, label);
    } catch (const net::HttpError& error) {
      throw TranscriptionError(
          fmt::format("{}: {}", context, DescribeNetworkFailure(error, settings_->timeout)));
    }
    if (result.response.status < 200 || result.response.status > 299) {
      throw TranscriptionError(Redact(fmt::format("{}: {}", context, DescribeStatusFailure(result)),
                                      settings_->api_key));
    }
    size_t segment_count = KeepSegments(result.response.body, offset, context);
    spdlog::debug("{} returned {} segments", label, segment_count);
    piece_.Erase(count);
    sent_samples_ += count;
    if (options_.total_seconds > 0) {
      ReportProgress(std::min(1.0, (offset + seconds) / options_.total_seconds));
    }
  }

  net::HttpRequest BuildRequest(std::string_view wav_file) const {
    net::HttpRequest request;
    request.method = "POST";
    request.url = settings_->url;
    request.timeout = settings_->timeout;
    if (!settings_->api_key.empty()) {
      request.headers.emplace_back("Authorization", "Bearer " + settings_->api_key);
    }
    request.form = {
        {"file", wav_file, "piece.wav", "audio/wav"},
        {"model", settings_->model, "", ""},
        {"response_format", "verbose_json", "", ""},
        {"timestamp_granularities[]", "segment", "", ""},
        {"timestamp_granularities[]", "word", "", ""},
    };
    if (!settings_->language.empty()) {
      request.form.push_back({"language", settings_->language, "", ""});
    }
    return request;
  }

  // Parses the response, appends its segments and returns their count.
  size_t KeepSegments(std::string_view body, double offset, std::string_view context) {
    std::vector<Segment> segments;
    try {
      segments = ParseVerboseJson(body, offset);
    } catch (const TranscriptionError& error) {
      throw TranscriptionError(
          Redact(fmt::format("{}: {}", context, error.what()), settings_->api_key));
    }
    std::move(segments.begin(), segments.end(), std::back_inserter(segments_));
    return segments.size();
  }

  void ReportProgress(double fraction) {
    if (options_.progress && fraction > reported_progress_) {
      reported_progress_ = fraction;
      options_.progress(fraction);
    }
  }

  std::shared_ptr<const Settings> settings_;
  SessionOptions options_;
  net::HttpClient client_;
  WavPiece piece_;
  uint64_t sent_samples_ = 0;
  int piece_number_ = 0;  // 1-based number of the last piece sent, for logs
  std::vector<Segment> segments_;
  double reported_progress_ = 0;
  bool finished_ = false;
};

}  // namespace

OpenAiTranscriber::OpenAiTranscriber(const config::OpenAiAsrConfig& config,
                                     const config::Secrets& secrets,
                                     std::chrono::milliseconds backoff_base) {
  if (config.piece_seconds < 1 || config.piece_seconds > kMaxPieceSeconds) {
    throw TranscriptionError(fmt::format("openai: openai.piece_seconds {} is outside 1..{}",
                                         config.piece_seconds, kMaxPieceSeconds));
  }
  if (config.base_url.empty()) {
    throw TranscriptionError(
        "openai: openai.base_url is empty. Set it to the service's URL up to and including /v1");
  }
  auto settings = std::make_shared<Settings>();
  settings->url = TranscriptionsUrl(config.base_url);
  settings->model = config.model;
  settings->language = config.language;
  settings->api_key = secrets.openai_api_key;
  settings->piece_samples = static_cast<size_t>(config.piece_seconds) * kSampleRate;
  settings->timeout = config.timeout;
  settings->retry = {config.max_retries, backoff_base, kOpenAiMaxRetryDelay};
  settings_ = std::move(settings);
}

std::unique_ptr<TranscriptionSession> OpenAiTranscriber::Start(const SessionOptions& options) {
  return std::make_unique<OpenAiSession>(settings_, options);
}

}  // namespace talegraph::asr
