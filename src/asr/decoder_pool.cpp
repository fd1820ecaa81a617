#include "asr/decoder_pool.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace talegraph::asr {

DecoderPool::DecoderPool(const ModelFiles& model, const SearchSettings& search, int threads) {
  for (int i = 0; i < threads; ++i) {
    decoders_.push_back(std::make_unique<PocketsphinxDecoder>(model, search));
  }
  try {
    for (std::unique_ptr<PocketsphinxDecoder>& decoder : decoders_) {
      threads_.emplace_back([this, &decoder] { RunWorker(*decoder); });
    }
  } catch (...) {
    Stop();
    throw;
  }
}

DecoderPool::~DecoderPool() { Stop(); }

void DecoderPool::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  job_ready_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) {
      thread.join();
    }
  }
}

void DecoderPool::Submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  job_ready_.notify_one();
}

void DecoderPool::RunWorker(PocketsphinxDecoder& decoder) {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      job_ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) {
        return;
      }
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job(decoder);
    } catch (const std::exception& error) {
      spdlog::error("pocketsphinx: a decode job failed outside its session: {}", error.what());
    }
  }
}

}  // namespace talegraph::asr
