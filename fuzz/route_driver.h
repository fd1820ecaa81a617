// RouteDriver: calls the API's route handlers in process, the way the HTTP
// connection does, on an in-memory SQLite store, for the fuzz targets.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "api/context.h"
#include "config/config.h"
#include "graph/graph_updater.h"
#include "http/message.h"
#include "http/router.h"
#include "store/sqlite_document_store.h"
#include "store/sqlite_graph_store.h"

namespace talegraph::fuzz {

struct RouteResult {
  unsigned status = 0;
  // The error's code, empty on success.
  std::string code;
  // The parsed body, null when it is not JSON.
  boost::json::value body;
  std::string raw_body;
};

class RouteDriver {
 public:
  RouteDriver();

  // Sends one request and returns the response. An HttpError becomes its
  // error response. Any other exception aborts the process, because input
  // must never make a handler fail in another way.
  RouteResult Send(boost::beast::http::verb method, std::string_view target, std::string body = {},
                   std::string_view content_type = "application/json");

 private:
  config::Config config_;
  store::SqliteDocumentStore documents_;
  store::SqliteGraphStore graph_store_;
  graph::GraphUpdater graph_;
  api::ApiContext context_;
  http::Router router_;
};

}  // namespace talegraph::fuzz
