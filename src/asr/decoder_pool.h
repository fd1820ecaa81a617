// Worker threads that each own one PocketSphinx decoder.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "asr/pocketsphinx_decoder.h"

namespace talegraph::asr {

// Fixed set of threads, each with a decoder loaded once, that run submitted
// jobs in the order of submission. Thread-safe: any thread may submit.
class DecoderPool {
 public:
  // Work for one decoder. A job that throws is logged and otherwise ignored,
  // so jobs report their own errors.
  using Job = std::function<void(PocketsphinxDecoder& decoder)>;

  // Loads `threads` decoders of `model`, one after another, and starts one
  // thread each. Throws TranscriptionError when a decoder fails to load.
  DecoderPool(const ModelFiles& model, const SearchSettings& search, int threads);

  // Runs the jobs still queued, then stops the threads.
  ~DecoderPool();

  DecoderPool(const DecoderPool&) = delete;
  DecoderPool& operator=(const DecoderPool&) = delete;

  // Queues `job` for the next free decoder.
  void Submit(Job job);

  // Number of threads and decoders.
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void RunWorker(PocketsphinxDecoder& decoder);
  void Stop();

  std::vector<std::unique_ptr<PocketsphinxDecoder>> decoders_;
  std::mutex mutex_;
  std::condition_variable job_ready_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace talegraph::asr
