// Transcriber: the speech recognition engines behind the transcribe stage.
//
// Audio arrives as 16 kHz mono signed 16-bit PCM in blocks, so that no
// engine needs the whole recording in memory. A session is used from one
// thread; an engine may use more threads inside it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace talegraph::asr {

inline constexpr int kSampleRate = 16000;

struct Word {
  std::string text;
  double start = 0;  // seconds from the start of the recording
  double end = 0;
};

struct Segment {
  double start = 0;  // seconds from the start of the recording
  double end = 0;
  std::string text;
  std::vector<Word> words;  // empty when the engine gives no word times
};

// Failure of an engine: the model cannot load, the service rejected the
// audio, retries ran out. The message names the engine and the cause.
class TranscriptionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SessionOptions {
  // Duration of the whole recording in seconds when known (0 otherwise),
  // used to report progress.
  double total_seconds = 0;
  // Called with the fraction 0..1 of the audio transcribed so far, from any
  // thread of the engine.
  std::function<void(double)> progress;
  // Ids for log lines.
  std::string recording_id;
};

class TranscriptionSession {
 public:
  virtual ~TranscriptionSession() = default;

  // Adds the next block of samples. Throws TranscriptionError.
  virtual void Feed(std::span<const int16_t> samples) = 0;

  // Ends the audio and returns every segment, ordered by start time.
  // Throws TranscriptionError.
  virtual std::vector<Segment> Finish() = 0;
};

class Transcriber {
 public:
  virtual ~Transcriber() = default;

  // Starts transcribing one recording. Thread-safe: several sessions may
  // run at once.
  virtual std::unique_ptr<TranscriptionSession> Start(const SessionOptions& options) = 0;

  // The engine's name as in the configuration, such as "pocketsphinx".
  virtual std::string name() const = 0;
};

}  // namespace talegraph::asr
