#include "asr/pocketsphinx_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace talegraph::asr {
namespace {

// Utterances a session may have queued or decoding, per pool thread: enough
// to keep every thread busy while the session's thread splits the next one.
constexpr size_t kUtterancesInFlightPerThread = 2;

double SamplesToSeconds(uint64_t samples) { return static_cast<double>(samples) / kSampleRate; }

Segment MakeSegment(std::vector<Word> words) {
  Segment segment;
  segment.start = words.front().start;
  segment.end = words.back().end;
  for (const Word& word : words) {
    if (!segment.text.empty()) {
      segment.text += ' ';
    }
    segment.text += word.text;
  }
  segment.words = std::move(words);
  return segment;
}

}  // namespace

struct PocketsphinxSession::State {
  std::mutex mutex;
  std::condition_variable changed;
  size_t in_flight = 0;
  bool cancelled = false;
  // Message of the first failed decode, or empty.
  std::string error;
  std::vector<Segment> segments;
  // Samples settled so far: decoded, or dropped by the splitter as quiet.
  uint64_t decoded_samples = 0;
  uint64_t dropped_samples = 0;

  // Progress callback and the fraction it was last given. The callback runs
  // under progress_mutex, so that its calls never overlap and never go back.
  std::function<void(double)> progress;
  double total_samples = 0;
  std::mutex progress_mutex;
  double reported_fraction = 0;

  void ReportProgress();
  void ReportDone();
  void Decode(PocketsphinxDecoder& decoder, const Utterance& utterance);
};

void PocketsphinxSession::State::ReportProgress() {
  if (!progress || total_samples <= 0) {
    return;
  }
  double settled = 0;
  {
    std::lock_guard lock(mutex);
    settled = static_cast<double>(decoded_samples + dropped_samples);
  }
  // 1.0 is kept for the end of Finish, because the declared duration may
  // be shorter than the audio.
  double fraction = std::min(settled / total_samples, 0.999);
  std::lock_guard lock(progress_mutex);
  if (fraction > reported_fraction) {
    reported_fraction = fraction;
    progress(fraction);
  }
}

void PocketsphinxSession::State::ReportDone() {
  if (!progress) {
    return;
  }
  std::lock_guard lock(progress_mutex);
  reported_fraction = 1;
  progress(1.0);
}

void PocketsphinxSession::State::Decode(PocketsphinxDecoder& decoder, const Utterance& utterance) {
  bool skip = false;
  {
    std::lock_guard lock(mutex);
    skip = cancelled || !error.empty();
  }
  std::vector<Word> words;
  std::string failure;
  if (!skip) {
    try {
      words = decoder.Decode(utterance.samples, SamplesToSeconds(utterance.start_sample));
    } catch (const std::exception& decode_error) {
      failure = decode_error.what();
    }
  }
  {
    std::lock_guard lock(mutex);
    if (!words.empty()) {
      segments.push_back(MakeSegment(std::move(words)));
    }
    if (!failure.empty() && error.empty()) {
      error = failure;
    }
    decoded_samples += utterance.samples.size();
    --in_flight;
  }
  changed.notify_all();
  ReportProgress();
}

PocketsphinxSession::PocketsphinxSession(std::shared_ptr<DecoderPool> pool,
                                         const SplitterSettings& splitter,
                                         const SessionOptions& options)
    : pool_(std::move(pool)),
      options_(options),
      max_in_flight_(kUtterancesInFlightPerThread * static_cast<size_t>(pool_->size())),
      state_(std::make_shared<State>()),
      splitter_(splitter, [this](Utterance utterance) { Submit(std::move(utterance)); }),
      started_(std::chrono::steady_clock::now()) {
  state_->progress = options.progress;
  state_->total_samples = options.total_seconds * kSampleRate;
}

PocketsphinxSession::~PocketsphinxSession() {
  std::unique_lock lock(state_->mutex);
  state_->cancelled = true;
  state_->changed.wait(lock, [this] { return state_->in_flight == 0; });
}

void PocketsphinxSession::Feed(std::span<const int16_t> samples) {
  if (finished_) {
    throw std::logic_error("PocketsphinxSession::Feed called after Finish");
  }
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->error.empty()) {
      throw TranscriptionError(state_->error);
    }
  }
  splitter_.Feed(samples);
  NoteDroppedSamples();
  state_->ReportProgress();
}

std::vector<Segment> PocketsphinxSession::Finish() {
  if (finished_) {
    throw std::logic_error("PocketsphinxSession::Finish called twice");
  }
  finished_ = true;
  try {
    splitter_.Finish();
  } catch (const TranscriptionError&) {
    // Submit failed because an earlier decode failed, which the check
    // below reports after the remaining decodes end.
  }
  NoteDroppedSamples();
  WaitForDecodes();

  std::vector<Segment> segments;
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->error.empty()) {
      throw TranscriptionError(state_->error);
    }
    segments = std::move(state_->segments);
  }
  std::stable_sort(segments.begin(), segments.end(),
                   [](const Segment& a, const Segment& b) { return a.start < b.start; });
  LogSummary(segments.size());
  state_->ReportDone();
  return segments;
}

void PocketsphinxSession::Submit(Utterance utterance) {
  {
    std::unique_lock lock(state_->mutex);
    state_->changed.wait(
        lock, [this] { return state_->in_flight < max_in_flight_ || !state_->error.empty(); });
    if (!state_->error.empty()) {
      throw TranscriptionError(state_->error);
    }
    ++state_->in_flight;
  }
  ++utterances_;
  // The job owns the utterance and shares the state, so neither depends on
  // the session's lifetime.
  auto shared_utterance = std::make_shared<const Utterance>(std::move(utterance));
  pool_->Submit([state = state_, shared_utterance](PocketsphinxDecoder& decoder) {
    state->Decode(decoder, *shared_utterance);
  });
}

void PocketsphinxSession::NoteDroppedSamples() {
  std::lock_guard lock(state_->mutex);
  state_->dropped_samples = splitter_.samples_dropped();
}

void PocketsphinxSession::WaitForDecodes() {
  std::unique_lock lock(state_->mutex);
  state_->changed.wait(lock, [this] { return state_->in_flight == 0; });
}

void PocketsphinxSession::LogSummary(size_t segments) const {
  double audio_seconds = SamplesToSeconds(splitter_.samples_fed());
  double wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  double real_time_factor = audio_seconds > 0 ? wall_seconds / audio_seconds : 0;
  std::string_view recording_id =
      options_.recording_id.empty() ? "(no id)" : std::string_view(options_.recording_id);
  spdlog::info(
      "pocketsphinx: transcribed recording {}: {} utterances, {} segments, {:.1f} s of audio in "
      "{:.1f} s (real-time factor {:.2f})",
      recording_id, utterances_, segments, audio_seconds, wall_seconds, real_time_factor);
}

}  // namespace talegraph::asr
