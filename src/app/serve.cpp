#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <boost/asio/thread_pool.hpp>
#include <cstdio>
#include <cstdlib>

#include "api/context.h"
#include "api/routes.h"
#include "app/logging.h"
#include "app/stores.h"
#include "asr/engine.h"
#include "graph/extractor_factory.h"
#include "graph/graph_updater.h"
#include "http/server.h"
#include "jobs/job_records.h"
#include "jobs/job_runner.h"
#include "pipeline/pipeline.h"

namespace talegraph::app {

int Serve(const config::Config& config) {
  ConfigureLogging(config.log);
  spdlog::info("talegraph {} starting", TALEGRAPH_VERSION);

  std::unique_ptr<store::DocumentStore> documents;
  std::unique_ptr<store::GraphStore> graph_store;
  try {
    documents = OpenDocumentStore(config);
    graph_store = OpenGraphStore(config);
  } catch (const store::StoreError& error) {
    spdlog::critical("cannot open the stores: {}", error.what());
    return 1;
  }
  graph::GraphUpdater graph(*graph_store, config.chapters);

  std::unique_ptr<asr::Transcriber> transcriber;
  try {
    transcriber = asr::MakeTranscriber(config);
  } catch (const asr::TranscriptionError& error) {
    spdlog::critical("cannot set up speech recognition: {}", error.what());
    return 1;
  }
  std::unique_ptr<graph::ConceptExtractor> extractor;
  try {
    extractor = graph::MakeConceptExtractor(config);
  } catch (const std::invalid_argument& error) {
    spdlog::critical("cannot set up concept extraction: {}", error.what());
    return 1;
  }
  pipeline::Pipeline pipeline(config, *documents, *transcriber, *extractor, graph);
  jobs::JobRunner job_runner(
      config.jobs, [&pipeline](const std::string& job_id, const std::atomic<bool>& stopping) {
        return pipeline.Run(job_id, stopping);
      });

  boost::asio::thread_pool workers(static_cast<size_t>(config.server.worker_threads));
  api::ApiContext context{config, *documents, graph};
  context.job_runner = &job_runner;
  http::Router router = api::BuildRouter(context);
  int status = 0;
  try {
    http::Server server(config.server, config.cors, router, workers);
    job_runner.Start();
    auto unfinished = jobs::UnfinishedJobIds(*documents);
    for (const auto& job_id : unfinished) {
      job_runner.Submit(job_id);
    }
    if (!unfinished.empty()) {
      spdlog::info("queued {} jobs left unfinished by the previous run", unfinished.size());
    }
    server.Run();
  } catch (const boost::system::system_error& error) {
    spdlog::critical("cannot listen on {}:{}: {}", config.server.host, config.server.port,
                     error.what());
    status = 1;
  }
  workers.join();
  if (!job_runner.Stop()) {
    // A job is still in its stage; its document says running, so the next
    // start queues it again. Its thread cannot be joined, so skip the
    // destructors that it may still use.
    spdlog::warn("talegraph stopped with a job still running");
    spdlog::shutdown();
    std::_Exit(status);
  }
  spdlog::info("talegraph stopped");
  return status;
}

int CheckConfig(const config::Config& config) {
  std::fputs(config::DescribeConfig(config).c_str(), stdout);
  std::fputs("configuration is valid\n", stderr);
  return 0;
}

}  // namespace talegraph::app
