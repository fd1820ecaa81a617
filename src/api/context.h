// ApiContext: what the route handlers share.
#pragma once

#include "config/config.h"
#include "graph/graph_updater.h"
#include "jobs/job_runner.h"
#include "store/document_store.h"
#include "util/striped_mutex.h"

namespace talegraph::api {

struct ApiContext {
  const config::Config& config;
  store::DocumentStore& documents;
  // The users' knowledge graphs, changed only through the updater so that
  // chapters are recomputed after each change.
  graph::GraphUpdater& graph;
  // Serializes the steps that change an upload's chunk list or status
  // (chunk commit, complete, abort, delete) within this process, so that
  // complete never reads parts that a concurrent request replaces. The
  // store's preconditions still guard against other processes.
  util::StripedMutex upload_locks{};
  // Runs the processing jobs; null where nothing processes (some tests).
  jobs::JobRunner* job_runner = nullptr;
};

}  // namespace talegraph::api
