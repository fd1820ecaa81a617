// Speech recognition by any OpenAI-compatible POST /audio/transcriptions
// endpoint: OpenAI, Groq, a whisper.cpp server, speaches, LocalAI.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "asr/transcriber.h"
#include "config/config.h"

namespace talegraph::asr {

// Delay before the first retry of a failed request. Each further retry
// doubles it.
inline constexpr std::chrono::milliseconds kOpenAiBackoffBase{1000};

// Maximum delay between two attempts, a Retry-After value included.
inline constexpr std::chrono::milliseconds kOpenAiMaxRetryDelay{60000};

// Seconds at the end of each full piece searched for a quiet place to cut.
inline constexpr double kOpenAiCutSearchSeconds = 5;

// Engine "openai": each session sends the audio as WAV pieces of
// openai.piece_seconds, one request a piece, each sent once it is full, so
// that a session keeps at most one piece in memory.
class OpenAiTranscriber final : public Transcriber {
 public:
  // Creates the engine; `backoff_base` exists so that tests can shorten
  // the retry delays. Throws TranscriptionError when config.piece_seconds
  // is outside 1..780 or the base URL is empty.
  OpenAiTranscriber(const config::OpenAiAsrConfig& config, const config::Secrets& secrets,
                    std::chrono::milliseconds backoff_base = kOpenAiBackoffBase);

  std::unique_ptr<TranscriptionSession> Start(const SessionOptions& options) override;

  std::string name() const override { return "openai"; }

  // Settings that every session of this engine shares.
  struct Settings;

 private:
  std::shared_ptr<const Settings> settings_;
};

}  // namespace talegraph::asr
