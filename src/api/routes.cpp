#include "api/routes.h"

namespace talegraph::api {

http::Router BuildRouter(ApiContext& context) {
  http::Router router;
  AddSystemRoutes(router, context);
  AddUserRoutes(router, context);
  AddUploadRoutes(router, context);
  AddRecordingRoutes(router, context);
  AddJobRoutes(router, context);
  AddTranscriptRoutes(router, context);
  AddGraphRoutes(router, context);
  return router;
}

}  // namespace talegraph::api
