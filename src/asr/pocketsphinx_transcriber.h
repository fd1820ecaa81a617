// Speech recognition with the embedded PocketSphinx engine.
#pragma once

#include <memory>
#include <string>

#include "asr/pocketsphinx_decoder.h"
#include "asr/transcriber.h"
#include "asr/utterance_splitter.h"
#include "config/config.h"

namespace talegraph::asr {

class DecoderPool;

// Transcriber that splits the audio into utterances at pauses and decodes
// them in parallel on a pool of decoders, one a thread, that all its
// sessions share. Thread-safe: sessions may start and run on any threads.
class PocketsphinxTranscriber final : public Transcriber {
 public:
  // Loads one decoder for each of `asr.threads` threads (0: one a CPU core)
  // from `pocketsphinx.model_dir`, or from the en-us model of the installed
  // package when it is empty. Throws TranscriptionError naming the model
  // folder when the model cannot load.
  PocketsphinxTranscriber(const config::AsrConfig& asr,
                          const config::PocketsphinxConfig& pocketsphinx);

  // Same, with `search` in place of the default search settings and of
  // pocketsphinx.maxhmmpf, for tuning.
  PocketsphinxTranscriber(const config::AsrConfig& asr,
                          const config::PocketsphinxConfig& pocketsphinx,
                          const SearchSettings& search);

  ~PocketsphinxTranscriber() override;

  std::unique_ptr<TranscriptionSession> Start(const SessionOptions& options) override;

  std::string name() const override { return "pocketsphinx"; }

  // Number of decoders, which is the number of utterances decoded at once.
  int threads() const;

 private:
  SplitterSettings splitter_settings_;
  // Shared with the sessions, which may outlive the transcriber.
  std::shared_ptr<DecoderPool> pool_;
};

// Returns the number of decoders for `asr`: asr.threads, or the number of
// CPU cores when it is 0.
int DecoderThreads(const config::AsrConfig& asr);

// Returns the folder of the en-us model of the installed pocketsphinx
// package, found by pkg-config at build time.
std::string DefaultModelDir();

}  // namespace talegraph::asr
