#include "jobs/job_runner.h"

#include <spdlog/spdlog.h>

namespace talegraph::jobs {

JobRunner::JobRunner(const config::JobsConfig& config, JobFunction run)
    : config_(config), run_(std::move(run)) {}

JobRunner::~JobRunner() {
  Stop();
  for (auto& worker : workers_) {
    if (worker.joinable()) {
      worker.detach();
    }
  }
}

void JobRunner::Start() {
  for (int i = 0; i < config_.workers; ++i) {
    workers_.emplace_back([this] { Work(); });
  }
  spdlog::info("job runner started with {} workers", config_.workers);
}

void JobRunner::Submit(std::string job_id) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      spdlog::warn("job {} not queued: the job runner is stopping", job_id);
      return;
    }
    queue_.push_back(std::move(job_id));
  }
  changed_.notify_one();
}

size_t JobRunner::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void JobRunner::Work() {
  while (true) {
    std::string job_id;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        return;
      }
      job_id = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }

    try {
      JobOutcome outcome = run_(job_id, stopping_);
      if (outcome == JobOutcome::kInterrupted) {
        spdlog::info("job {} interrupted by shutdown; it runs again at the next start", job_id);
      }
    } catch (const std::exception& error) {
      // The job function records failures itself; this is a failure to do so.
      spdlog::error("job {} failed outside its stages: {}", job_id, error.what());
    }

    {
      std::lock_guard lock(mutex_);
      --running_;
    }
    changed_.notify_all();
  }
}

bool JobRunner::Stop() {
  std::unique_lock lock(mutex_);
  if (!stopping_.exchange(true)) {
    spdlog::info("job runner stopping: {} queued jobs stay queued, {} running", queue_.size(),
                 running_);
  }
  changed_.notify_all();
  bool drained =
      changed_.wait_for(lock, config_.shutdown_timeout, [this] { return running_ == 0; });
  lock.unlock();

  if (!drained) {
    spdlog::warn("job runner: a job was still running after {}s; it runs again at the next start",
                 config_.shutdown_timeout.count());
    return false;
  }
  for (auto& worker : workers_) {
    if (worker.joinable()) {
      worker.join();
    }
  }
  return true;
}

}  // namespace talegraph::jobs
