// One recording's transcription with PocketSphinx: the utterance splitter
// in front of the shared decoder pool.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "asr/decoder_pool.h"
#include "asr/transcriber.h"
#include "asr/utterance_splitter.h"

namespace talegraph::asr {

// Session that hands each utterance to the pool as soon as the splitter
// completes it. Feed blocks while the session has 2 utterances a pool
// thread queued or decoding, so memory stays flat however long the
// recording is. Used from one thread, like every session, while the pool
// threads decode its utterances.
class PocketsphinxSession final : public TranscriptionSession {
 public:
  PocketsphinxSession(std::shared_ptr<DecoderPool> pool, const SplitterSettings& splitter,
                      const SessionOptions& options);

  // Skips the utterances still queued and waits for those being decoded.
  ~PocketsphinxSession() override;

  PocketsphinxSession(const PocketsphinxSession&) = delete;
  PocketsphinxSession& operator=(const PocketsphinxSession&) = delete;

  // Throws TranscriptionError when an earlier utterance failed to decode,
  // and std::logic_error after Finish.
  void Feed(std::span<const int16_t> samples) override;

  // Throws TranscriptionError when an utterance failed to decode, and
  // std::logic_error when called twice.
  std::vector<Segment> Finish() override;

  // State shared with the decode jobs, which may outlive the session.
  struct State;

 private:
  void Submit(Utterance utterance);
  void NoteDroppedSamples();
  void WaitForDecodes();
  void LogSummary(size_t segments) const;

  std::shared_ptr<DecoderPool> pool_;
  SessionOptions options_;
  size_t max_in_flight_;
  std::shared_ptr<State> state_;
  UtteranceSplitter splitter_;
  size_t utterances_ = 0;
  bool finished_ = false;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace talegraph::asr
