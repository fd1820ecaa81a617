// GET /v1/users/{user_id}/graph, /v1/users/{user_id}/chapters and
// /v1/users/{user_id}/nodes/{node_id}: the user's knowledge graph.
#include <fmt/format.h>

#include <boost/json/value_from.hpp>

#include "api/graph_views.h"
#include "api/resources.h"
#include "api/routes.h"
#include "http/errors.h"
#include "util/printable.h"

namespace talegraph::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;

boost::json::object ChunkTextView(const store::Document& chunk) {
  const auto& fields = chunk.fields;
  return {{"id", chunk.Id()},
          {"recording_id", fields.at("recording_id")},
          {"index", fields.at("index")},
          {"start", fields.at("start")},
          {"end", fields.at("end")},
          {"text", fields.at("text")},
          {"temporal_marker", fields.at("temporal_marker")}};
}

http::Response ReadUserGraph(ApiContext& context, http::Request& request) {
  const std::string& user_id = request.PathParam("user_id");
  LoadOrThrow(context.documents, "users", "user", user_id);
  store::Graph graph = context.graph.store().ReadGraph(user_id);

  boost::json::array nodes;
  nodes.reserve(graph.nodes.size());
  for (const auto& node : graph.nodes) {
    nodes.push_back(NodeView(node));
  }
  boost::json::array edges;
  edges.reserve(graph.edges.size());
  for (const auto& edge : graph.edges) {
    edges.push_back(EdgeView(edge));
  }
  return http::JsonResponse(
      status::ok, {{"user_id", user_id}, {"nodes", std::move(nodes)}, {"edges", std::move(edges)}});
}

http::Response ReadChapters(ApiContext& context, http::Request& request) {
  const std::string& user_id = request.PathParam("user_id");
  LoadOrThrow(context.documents, "users", "user", user_id);
  store::Graph graph = context.graph.store().ReadGraph(user_id);
  boost::json::value user(user_id);
  auto chunks = context.documents.Query("transcript_chunks", "user_id", user);
  auto recordings = context.documents.Query("recordings", "user_id", user);
  return http::JsonResponse(
      status::ok, {{"user_id", user_id}, {"chapters", ChapterViews(graph, chunks, recordings)}});
}

http::Response ReadNode(ApiContext& context, http::Request& request) {
  const std::string& user_id = request.PathParam("user_id");
  const std::string& node_id = request.PathParam("node_id");
  LoadOrThrow(context.documents, "users", "user", user_id);
  // The router has already rejected a node id outside [A-Za-z0-9_-] with 400.
  auto found = context.graph.store().ReadNode(user_id, node_id);
  if (!found) {
    throw http::NotFound(
        fmt::format("node \"{}\" not found in the graph of user \"{}\"; node ids are in GET "
                    "/v1/users/{{user_id}}/graph",
                    util::Printable(node_id), user_id));
  }

  boost::json::array neighbours;
  for (const auto& neighbour : found->neighbours) {
    neighbours.push_back({{"node", NodeView(neighbour.node)},
                          {"weight", neighbour.weight},
                          {"chunk_ids", boost::json::value_from(neighbour.chunk_ids)}});
  }
  // A chunk id whose transcript chunk is gone (a deletion in progress) is
  // left out of the texts.
  boost::json::array chunks;
  for (const auto& chunk_id : found->node.chunk_ids) {
    if (auto chunk = context.documents.Get("transcript_chunks/" + chunk_id)) {
      chunks.push_back(ChunkTextView(*chunk));
    }
  }
  return http::JsonResponse(status::ok, {{"node", NodeView(found->node)},
                                         {"neighbours", std::move(neighbours)},
                                         {"chunks", std::move(chunks)}});
}

}  // namespace

void AddGraphRoutes(http::Router& router, ApiContext& context) {
  router.Add({verb::get, "/v1/users/{user_id}/graph", Bind(context, ReadUserGraph)});
  router.Add({verb::get, "/v1/users/{user_id}/chapters", Bind(context, ReadChapters)});
  router.Add({verb::get, "/v1/users/{user_id}/nodes/{node_id}", Bind(context, ReadNode)});
}

}  // namespace talegraph::api
