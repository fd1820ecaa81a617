#include "asr/utterance_splitter.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace talegraph::asr {
namespace {

// 10 ms at 16 kHz, the frame rate of the recognizer's features.
constexpr size_t kFrameSamples = 160;
constexpr double kFramesPerSecond = 100;

// Quiet kept before and after the speech of an utterance, so that the
// recognizer gets the onset of the first word and the tail of the last.
constexpr double kPaddingSeconds = 0.2;

// A frame is speech when its energy is at least kSpeechMarginDb above the
// noise floor and at least kMinSpeechDb. Energies are 10 log10 of the mean
// squared sample plus one, so digital silence is 0 dB and a full-scale sine
// wave about 87 dB. kMinSpeechDb (an RMS of about 32) keeps faint hiss from
// counting as speech after a stretch of digital silence.
// NOTE: both values are estimates tuned on flite speech and the recordings
// of bench/README.md ("Speech recognition tuning"), not on phone recordings
// of quiet speakers.
constexpr double kSpeechMarginDb = 10;
constexpr double kMinSpeechDb = 30;

// The noise floor starts at kInitialNoiseFloorDb (a quiet room), falls
// quickly toward quieter frames and rises by at most kFloorRiseDbPerFrame
// (3 dB a second), so that the pauses between words pull it down and speech
// barely lifts it.
constexpr double kInitialNoiseFloorDb = 40;
constexpr double kFloorFallShare = 0.2;
constexpr double kFloorRiseDbPerFrame = 0.03;

// Utterances with fewer speech frames than this (0.1 s) are clicks or
// bumps, not words, and are dropped.
constexpr size_t kMinSpeechFrames = 10;

// A long utterance is cut in the middle of the quietest window of this many
// frames (50 ms) in its second half, so that the cut falls into a gap
// between words and neither piece is short.
constexpr size_t kQuietWindowFrames = 5;

size_t SecondsToFrames(double seconds) {
  return static_cast<size_t>(std::lround(seconds * kFramesPerSecond));
}

double FrameEnergyDb(std::span<const int16_t> frame) {
  double sum = 0;
  for (int16_t sample : frame) {
    sum += static_cast<double>(sample) * sample;
  }
  double mean_square = frame.empty() ? 0 : sum / static_cast<double>(frame.size());
  return 10 * std::log10(mean_square + 1);
}

}  // namespace

UtteranceSplitter::UtteranceSplitter(const SplitterSettings& settings, UtteranceSink sink)
    : sink_(std::move(sink)),
      pause_frames_(std::max<size_t>(1, SecondsToFrames(settings.min_pause_seconds))),
      max_utterance_frames_(std::max<size_t>(2 * kQuietWindowFrames,
                                             SecondsToFrames(settings.max_utterance_seconds))),
      padding_frames_(SecondsToFrames(kPaddingSeconds)),
      noise_floor_db_(kInitialNoiseFloorDb) {
  partial_frame_.reserve(kFrameSamples);
}

void UtteranceSplitter::Feed(std::span<const int16_t> samples) {
  samples_fed_ += samples.size();
  if (!partial_frame_.empty()) {
    size_t copied = std::min(kFrameSamples - partial_frame_.size(), samples.size());
    partial_frame_.insert(partial_frame_.end(), samples.begin(), samples.begin() + copied);
    samples = samples.subspan(copied);
    if (partial_frame_.size() < kFrameSamples) {
      return;
    }
    ProcessFrame(partial_frame_);
    partial_frame_.clear();
  }
  while (samples.size() >= kFrameSamples) {
    ProcessFrame(samples.first(kFrameSamples));
    samples = samples.subspan(kFrameSamples);
  }
  partial_frame_.assign(samples.begin(), samples.end());
}

void UtteranceSplitter::Finish() {
  if (!partial_frame_.empty()) {
    std::vector<int16_t> last_frame = std::move(partial_frame_);
    partial_frame_.clear();
    ProcessFrame(last_frame);
  }
  if (in_utterance_) {
    in_utterance_ = false;
    Emit(std::min(speech_end_frame_ + padding_frames_, frame_energy_db_.size()));
  }
  DropFrontFrames(frame_energy_db_.size());
}

void UtteranceSplitter::ProcessFrame(std::span<const int16_t> frame) {
  double energy_db = FrameEnergyDb(frame);
  bool speech = IsSpeech(energy_db);
  samples_.insert(samples_.end(), frame.begin(), frame.end());
  frame_energy_db_.push_back(static_cast<float>(energy_db));
  frame_is_speech_.push_back(speech);

  if (!in_utterance_) {
    if (!speech) {
      KeepOnlyLookback();
      return;
    }
    StartUtterance();
  }
  if (speech) {
    ++speech_frames_;
    speech_end_frame_ = frame_energy_db_.size();
    trailing_quiet_frames_ = 0;
  } else {
    ++trailing_quiet_frames_;
  }

  if (trailing_quiet_frames_ >= pause_frames_) {
    EndUtterance();
  } else if (frame_energy_db_.size() >= max_utterance_frames_) {
    CutLongUtterance();
  }
}

bool UtteranceSplitter::IsSpeech(double energy_db) {
  bool speech = energy_db >= std::max(noise_floor_db_ + kSpeechMarginDb, kMinSpeechDb);
  if (energy_db < noise_floor_db_) {
    noise_floor_db_ += (energy_db - noise_floor_db_) * kFloorFallShare;
  } else {
    noise_floor_db_ = std::min(energy_db, noise_floor_db_ + kFloorRiseDbPerFrame);
  }
  return speech;
}

void UtteranceSplitter::StartUtterance() {
  // The buffer contains at most the lookback and this frame, so the
  // utterance starts at the buffer's start.
  in_utterance_ = true;
  speech_frames_ = 0;
  trailing_quiet_frames_ = 0;
}

void UtteranceSplitter::EndUtterance() {
  in_utterance_ = false;
  Emit(std::min(speech_end_frame_ + padding_frames_, frame_energy_db_.size()));
  KeepOnlyLookback();
}

void UtteranceSplitter::CutLongUtterance() {
  size_t frames = frame_energy_db_.size();
  size_t cut = QuietestFrame(frames / 2, frames);
  size_t speech_before_cut = static_cast<size_t>(
      std::count(frame_is_speech_.begin(), frame_is_speech_.begin() + cut, true));
  size_t speech_after_cut = speech_frames_ - speech_before_cut;

  speech_frames_ = speech_before_cut;
  Emit(cut);
  speech_frames_ = speech_after_cut;
  speech_end_frame_ = speech_end_frame_ > cut ? speech_end_frame_ - cut : 0;
}

size_t UtteranceSplitter::QuietestFrame(size_t first, size_t last) const {
  // Sums the energy of the window centred on each candidate frame, clipped
  // to the buffer, and keeps the smallest mean.
  size_t half_window = kQuietWindowFrames / 2;
  size_t best = first;
  double best_mean = 0;
  for (size_t center = first; center < last; ++center) {
    size_t begin = center > half_window ? center - half_window : 0;
    size_t end = std::min(center + half_window + 1, frame_energy_db_.size());
    double sum = 0;
    for (size_t i = begin; i < end; ++i) {
      sum += frame_energy_db_[i];
    }
    double mean = sum / static_cast<double>(end - begin);
    if (center == first || mean < best_mean) {
      best = center;
      best_mean = mean;
    }
  }
  return best;
}

void UtteranceSplitter::Emit(size_t end_frame) {
  size_t end_sample = std::min(end_frame * kFrameSamples, samples_.size());
  if (speech_frames_ < kMinSpeechFrames) {
    DropFrontFrames(end_frame);
    return;
  }
  Utterance utterance;
  utterance.start_sample = buffer_start_;
  utterance.samples.assign(samples_.begin(), samples_.begin() + end_sample);
  samples_.erase(samples_.begin(), samples_.begin() + end_sample);
  frame_energy_db_.erase(frame_energy_db_.begin(), frame_energy_db_.begin() + end_frame);
  frame_is_speech_.erase(frame_is_speech_.begin(), frame_is_speech_.begin() + end_frame);
  buffer_start_ += end_sample;
  // The buffer is consistent before the sink runs, in case it throws.
  sink_(std::move(utterance));
}

void UtteranceSplitter::DropFrontFrames(size_t count) {
  size_t end_sample = std::min(count * kFrameSamples, samples_.size());
  samples_.erase(samples_.begin(), samples_.begin() + end_sample);
  frame_energy_db_.erase(frame_energy_db_.begin(), frame_energy_db_.begin() + count);
  frame_is_speech_.erase(frame_is_speech_.begin(), frame_is_speech_.begin() + count);
  buffer_start_ += end_sample;
  samples_dropped_ += end_sample;
}

void UtteranceSplitter::KeepOnlyLookback() {
  size_t frames = frame_energy_db_.size();
  if (frames > padding_frames_) {
    DropFrontFrames(frames - padding_frames_);
  }
}

}  // namespace talegraph::asr
