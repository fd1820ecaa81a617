// GET /v1/recordings/{recording_id}/transcript and
// PATCH /v1/transcript-chunks/{chunk_id}.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/json_input.h"
#include "api/resources.h"
#include "api/routes.h"
#include "http/errors.h"
#include "transcript/temporal_marker.h"
#include "util/printable.h"
#include "util/time.h"

namespace talegraph::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;

boost::json::object ChunkView(const store::Document& chunk) {
  const auto& fields = chunk.fields;
  return {{"id", chunk.Id()},
          {"recording_id", fields.at("recording_id")},
          {"index", fields.at("index")},
          {"start", fields.at("start")},
          {"end", fields.at("end")},
          {"text", fields.at("text")},
          {"temporal_marker", fields.at("temporal_marker")},
          {"temporal_marker_source", fields.at("temporal_marker_source")},
          {"words", fields.at("words")}};
}

http::Response ReadTranscript(ApiContext& context, http::Request& request) {
  const std::string& recording_id = request.PathParam("recording_id");
  auto recording = LoadOrThrow(context.documents, "recordings", "recording", recording_id);
  auto chunks = context.documents.Query("transcript_chunks", "recording_id",
                                        boost::json::value(recording_id));
  std::sort(chunks.begin(), chunks.end(), [](const auto& a, const auto& b) {
    return a.fields.at("index").template to_number<int64_t>() <
           b.fields.at("index").template to_number<int64_t>();
  });

  boost::json::array items;
  for (const auto& chunk : chunks) {
    items.push_back(ChunkView(chunk));
  }
  return http::JsonResponse(status::ok, {{"recording_id", recording_id},
                                         {"status", recording.fields.at("status")},
                                         {"chunks", std::move(items)}});
}

http::Response PatchChunk(ApiContext& context, http::Request& request) {
  const std::string& chunk_id = request.PathParam("chunk_id");
  boost::json::object body = ParseJsonObject(request);
  FieldReader fields(body, {"temporal_marker"});
  if (!fields.Has("temporal_marker")) {
    throw http::Unprocessable("missing_field",
                              "field \"temporal_marker\" is required; send an ISO 8601 date "
                              "such as \"1952-06-01\", or null to clear it");
  }
  auto marker = fields.OptionalString("temporal_marker", 4, 40);
  if (marker && !transcript::IsIso8601Date(*marker)) {
    throw http::Unprocessable(
        "invalid_field",
        fmt::format("field \"temporal_marker\" is \"{}\", not an ISO 8601 date or datetime; use "
                    "YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ",
                    util::Printable(*marker)));
  }

  boost::json::object changes{{"temporal_marker", marker ? boost::json::value(*marker) : nullptr},
                              {"temporal_marker_source", "user"},
                              {"updated_at", util::NowRfc3339()}};
  if (!context.documents.Update("transcript_chunks/" + chunk_id, changes)) {
    throw http::NotFound(
        fmt::format("transcript chunk \"{}\" not found; chunk ids are in GET "
                    "/v1/recordings/{{recording_id}}/transcript",
                    chunk_id));
  }
  spdlog::info("transcript chunk {} temporal_marker set to {} request_id={}", chunk_id,
               marker.value_or("null"), request.request_id);
  auto chunk = LoadOrThrow(context.documents, "transcript_chunks", "transcript chunk", chunk_id);
  return http::JsonResponse(status::ok, ChunkView(chunk));
}

}  // namespace

void AddTranscriptRoutes(http::Router& router, ApiContext& context) {
  router.Add(
      {verb::get, "/v1/recordings/{recording_id}/transcript", Bind(context, ReadTranscript)});
  router.Add({verb::patch, "/v1/transcript-chunks/{chunk_id}", Bind(context, PatchChunk),
              http::BodyKind::kJson});
}

}  // namespace talegraph::api
