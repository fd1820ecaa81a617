// Energy-based voice activity detection that cuts a stream of 16 kHz mono
// samples into utterances for a speech recognizer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace talegraph::asr {

// Speech between two pauses, with a little of the quiet around it.
struct Utterance {
  // Index of the first sample from the start of the stream.
  uint64_t start_sample = 0;
  std::vector<int16_t> samples;
};

struct SplitterSettings {
  // Utterances longer than this are cut at their quietest point.
  double max_utterance_seconds = 20;
  // Shortest quiet stretch that ends an utterance.
  double min_pause_seconds = 0.3;
};

// Splits a stream into utterances. Each 10 ms frame is speech when its
// energy exceeds an adaptive noise floor by a margin, and an utterance ends
// at a run of non-speech frames of at least `min_pause_seconds`. Samples
// outside every utterance are dropped and counted. Not thread-safe.
class UtteranceSplitter {
 public:
  using UtteranceSink = std::function<void(Utterance utterance)>;

  // Creates a splitter that calls `sink` with each utterance, in order, from
  // Feed and Finish.
  UtteranceSplitter(const SplitterSettings& settings, UtteranceSink sink);

  // Adds the next block of samples, which may complete utterances.
  void Feed(std::span<const int16_t> samples);

  // Ends the stream and delivers the utterance in progress, if any.
  void Finish();

  // Number of samples that belong to no delivered utterance, so far.
  uint64_t samples_dropped() const { return samples_dropped_; }

  // Number of samples given to Feed so far.
  uint64_t samples_fed() const { return samples_fed_; }

 private:
  void ProcessFrame(std::span<const int16_t> frame);
  bool IsSpeech(double energy_db);
  void StartUtterance();
  void EndUtterance();
  void CutLongUtterance();
  size_t QuietestFrame(size_t first, size_t last) const;
  void Emit(size_t end_frame);
  void DropFrontFrames(size_t count);
  void KeepOnlyLookback();

  UtteranceSink sink_;
  size_t pause_frames_;
  size_t max_utterance_frames_;
  size_t padding_frames_;

  double noise_floor_db_;
  bool in_utterance_ = false;
  // Buffered audio: whole frames from buffer_start_, plus per frame its
  // energy and whether it is speech. Outside an utterance it contains only
  // the lookback that becomes the padding before the next one.
  uint64_t buffer_start_ = 0;
  std::vector<int16_t> samples_;
  std::vector<float> frame_energy_db_;
  std::vector<bool> frame_is_speech_;
  // Samples of a frame not yet complete.
  std::vector<int16_t> partial_frame_;
  // Index in the buffer of the frame after the last speech frame.
  size_t speech_end_frame_ = 0;
  size_t trailing_quiet_frames_ = 0;
  size_t speech_frames_ = 0;

  uint64_t samples_fed_ = 0;
  uint64_t samples_dropped_ = 0;
};

}  // namespace talegraph::asr
