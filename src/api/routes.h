// The route table of the REST API.
#pragma once

#include "api/context.h"
#include "http/router.h"

namespace talegraph::api {

// Adapts a function of (ApiContext&, http::Request&) to a route handler.
template <typename Function>
http::Handler Bind(ApiContext& context, Function function) {
  return [&context, function](http::Request& request) { return function(context, request); };
}

// Returns a router with every route of the API. `context` must outlive it.
http::Router BuildRouter(ApiContext& context);

// Resource groups, each in its own file.
void AddSystemRoutes(http::Router& router, ApiContext& context);
void AddUserRoutes(http::Router& router, ApiContext& context);
void AddUploadRoutes(http::Router& router, ApiContext& context);
void AddRecordingRoutes(http::Router& router, ApiContext& context);
void AddJobRoutes(http::Router& router, ApiContext& context);
void AddTranscriptRoutes(http::Router& router, ApiContext& context);
void AddGraphRoutes(http::Router& router, ApiContext& context);

}  // namespace talegraph::api
