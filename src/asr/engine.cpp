#include "asr/engine.h"

#include <spdlog/spdlog.h>

#include "asr/openai_transcriber.h"
#include "asr/pocketsphinx_transcriber.h"

namespace talegraph::asr {

std::unique_ptr<Transcriber> MakeTranscriber(const config::Config& config) {
  spdlog::info("speech recognition engine: {}", config.asr.engine);
  if (config.asr.engine == "openai") {
    return std::make_unique<OpenAiTranscriber>(config.openai, config.secrets);
  }
  return std::make_unique<PocketsphinxTranscriber>(config.asr, config.pocketsphinx);
}

}  // namespace talegraph::asr
