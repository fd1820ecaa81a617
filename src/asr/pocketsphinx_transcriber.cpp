#include "asr/pocketsphinx_transcriber.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "asr/decoder_pool.h"
#include "asr/pocketsphinx_session.h"

#ifndef TALEGRAPH_POCKETSPHINX_MODELDIR
#error "the build defines TALEGRAPH_POCKETSPHINX_MODELDIR as pkg-config's pocketsphinx modeldir"
#endif

namespace talegraph::asr {
namespace {

SearchSettings DefaultSearch(const config::PocketsphinxConfig& pocketsphinx) {
  SearchSettings search;
  search.maxhmmpf = pocketsphinx.maxhmmpf;
  return search;
}

}  // namespace

int DecoderThreads(const config::AsrConfig& asr) {
  if (asr.threads > 0) {
    return asr.threads;
  }
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

std::string DefaultModelDir() { return std::string(TALEGRAPH_POCKETSPHINX_MODELDIR) + "/en-us"; }

PocketsphinxTranscriber::PocketsphinxTranscriber(const config::AsrConfig& asr,
                                                 const config::PocketsphinxConfig& pocketsphinx)
    : PocketsphinxTranscriber(asr, pocketsphinx, DefaultSearch(pocketsphinx)) {}

PocketsphinxTranscriber::PocketsphinxTranscriber(const config::AsrConfig& asr,
                                                 const config::PocketsphinxConfig& pocketsphinx,
                                                 const SearchSettings& search)
    : splitter_settings_{pocketsphinx.max_utterance_seconds, pocketsphinx.min_pause_seconds} {
  std::string folder = pocketsphinx.model_dir.empty() ? DefaultModelDir() : pocketsphinx.model_dir;
  ModelFiles model = FindModelFiles(folder);
  int threads = DecoderThreads(asr);
  auto started = std::chrono::steady_clock::now();
  pool_ = std::make_shared<DecoderPool>(model, search, threads);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("pocketsphinx: loaded the model from {} into {} decoders in {:.2f} s", folder,
               threads, seconds);
}

PocketsphinxTranscriber::~PocketsphinxTranscriber() = default;

std::unique_ptr<TranscriptionSession> PocketsphinxTranscriber::Start(
    const SessionOptions& options) {
  return std::make_unique<PocketsphinxSession>(pool_, splitter_settings_, options);
}

int PocketsphinxTranscriber::threads() const { return pool_->size(); }

}  // namespace talegraph::asr
