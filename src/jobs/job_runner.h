// JobRunner: the background processing of recordings, a bounded pool of
// worker threads fed by an in-process queue of job ids. It plays the part
// of FastAPI's background tasks: no external broker, and jobs that were
// queued or running when the process stopped are queued again at start.
//
// Thread safety: Submit and Stop may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"

namespace talegraph::jobs {

// Outcome of running one job.
enum class JobOutcome {
  kFinished,     // succeeded or failed; the job document says which
  kInterrupted,  // stopped between stages by Stop(); queued again at next start
};

// Runs the job with the given id. It receives a flag that becomes true
// when the runner stops, to check between stages.
using JobFunction =
    std::function<JobOutcome(const std::string& job_id, const std::atomic<bool>& stopping)>;

class JobRunner {
 public:
  JobRunner(const config::JobsConfig& config, JobFunction run);
  ~JobRunner();

  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Starts the worker threads.
  void Start();

  // Queues a job. Ignored once Stop() began.
  void Submit(std::string job_id);

  // Stops taking jobs and waits up to jobs.shutdown_timeout for running
  // stages to end. Returns false when some job was still running then.
  bool Stop();

  // Number of jobs waiting in the queue.
  size_t queued() const;

 private:
  void Work();

  const config::JobsConfig& config_;
  JobFunction run_;
  std::atomic<bool> stopping_ = false;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  // Guarded by mutex_.
  std::deque<std::string> queue_;
  size_t running_ = 0;

  std::vector<std::thread> workers_;
};

}  // namespace talegraph::jobs
