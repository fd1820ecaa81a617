// GET /health, /ready, /openapi.json and /docs.
#include <boost/json/object.hpp>

#include "api/routes.h"
#include "http/errors.h"

namespace talegraph::http {
extern const std::string_view kOpenApiDocument;
}

namespace talegraph::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;

// A page that renders the OpenAPI document with Swagger UI from a CDN, as
// FastAPI's /docs does.
constexpr std::string_view kDocsPage = R"(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>talegraph API</title>
  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});
  </script>
</body>
</html>
)";

http::Response Health(http::Request&) {
  return http::JsonResponse(status::ok, {{"status", "ok"}, {"version", TALEGRAPH_VERSION}});
}

http::Response Ready(ApiContext& context) {
  try {
    context.documents.Ping();
  } catch (const store::StoreError& error) {
    throw http::HttpError(status::service_unavailable, "store_unavailable",
                          std::string("the document store does not answer: ") + error.what());
  }
  try {
    context.graph.store().Ping();
  } catch (const store::StoreError& error) {
    throw http::HttpError(status::service_unavailable, "store_unavailable",
                          std::string("the graph store does not answer: ") + error.what());
  }
  return http::JsonResponse(status::ok,
                            {{"status", "ready"}, {"documents", "ok"}, {"graph", "ok"}});
}

http::Response Text(std::string_view body, std::string content_type) {
  http::Response response;
  response.content_type = std::move(content_type);
  response.body = std::string(body);
  return response;
}

}  // namespace

void AddSystemRoutes(http::Router& router, ApiContext& context) {
  router.Add({verb::get, "/health", Health, http::BodyKind::kNone, true});
  router.Add({verb::get, "/ready", [&context](http::Request&) { return Ready(context); }});
  router.Add({verb::get, "/openapi.json",
              [](http::Request&) { return Text(http::kOpenApiDocument, "application/json"); },
              http::BodyKind::kNone, true});
  router.Add({verb::get, "/docs",
              [](http::Request&) { return Text(kDocsPage, "text/html; charset=utf-8"); },
              http::BodyKind::kNone, true});
}

}  // namespace talegraph::api
