#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <boost/asio/thread_pool.hpp>
#include <cstdio>

#include "api/context.h"
#include "api/routes.h"
#include "app/logging.h"
#include "app/stores.h"
#include "http/server.h"

namespace talegraph::app {

int Serve(const config::Config& config) {
  ConfigureLogging(config.log);
  spdlog::info("talegraph {} starting", TALEGRAPH_VERSION);

  std::unique_ptr<store::DocumentStore> documents;
  try {
    documents = OpenDocumentStore(config.storage);
  } catch (const store::StoreError& error) {
    spdlog::critical("cannot open the document store: {}", error.what());
    return 1;
  }

  boost::asio::thread_pool workers(static_cast<size_t>(config.server.worker_threads));
  api::ApiContext context{config, *documents};
  http::Router router = api::BuildRouter(context);
  try {
    http::Server server(config.server, config.cors, router, workers);
    server.Run();
  } catch (const boost::system::system_error& error) {
    spdlog::critical("cannot listen on {}:{}: {}", config.server.host, config.server.port,
                     error.what());
    workers.join();
    return 1;
  }
  workers.join();
  spdlog::info("talegraph stopped");
  return 0;
}

int CheckConfig(const config::Config& config) {
  std::fputs(config::DescribeConfig(config).c_str(), stdout);
  std::fputs("configuration is valid\n", stderr);
  return 0;
}

}  // namespace talegraph::app
