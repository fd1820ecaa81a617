// Checks that the embedded OpenAPI document and the router describe the
// same set of routes.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <set>
#include <string>

#include "api/context.h"
#include "api/routes.h"
#include "store/sqlite_document_store.h"
#include "store/sqlite_graph_store.h"

namespace talegraph::http {
extern const std::string_view kOpenApiDocument;
}

namespace talegraph::api {
namespace {

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower;
}

std::set<std::string> RoutedOperations() {
  config::Config config;
  store::SqliteDocumentStore documents(":memory:");
  store::SqliteGraphStore graph_store(":memory:");
  graph::GraphUpdater graph(graph_store, config.chapters);
  ApiContext context{config, documents, graph};
  http::Router router = BuildRouter(context);
  std::set<std::string> operations;
  for (const auto& route : router.routes()) {
    operations.insert(Lower(boost::beast::http::to_string(route.method)) + " " + route.pattern);
  }
  return operations;
}

std::set<std::string> DocumentedOperations(const boost::json::object& document) {
  std::set<std::string> operations;
  for (const auto& [path, item] : document.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (method != "parameters" && method != "summary" && method != "description") {
        operations.insert(std::string(method) + " " + std::string(path));
      }
    }
  }
  return operations;
}

TEST(OpenApi, DocumentIsOpenApi31) {
  auto document = boost::json::parse(http::kOpenApiDocument).as_object();
  EXPECT_TRUE(std::string_view(document.at("openapi").as_string()).starts_with("3.1"));
  EXPECT_EQ(document.at("info").at("version").as_string(), TALEGRAPH_VERSION);
}

TEST(OpenApi, EveryRouteDocumented) {
  auto documented = DocumentedOperations(boost::json::parse(http::kOpenApiDocument).as_object());
  for (const std::string& operation : RoutedOperations()) {
    EXPECT_TRUE(documented.contains(operation)) << operation << " is routed but not documented";
  }
}

TEST(OpenApi, EveryDocumentedOperationRouted) {
  auto routed = RoutedOperations();
  for (const std::string& operation :
       DocumentedOperations(boost::json::parse(http::kOpenApiDocument).as_object())) {
    EXPECT_TRUE(routed.contains(operation)) << operation << " is documented but not routed";
  }
}

}  // namespace
}  // namespace talegraph::api
