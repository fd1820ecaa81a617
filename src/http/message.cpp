#include "http/message.h"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <stdexcept>

namespace talegraph::http {

const std::string& Request::PathParam(std::string_view name) const {
  return path_params.find(name)->second;
}

std::optional<std::string_view> Request::QueryParam(std::string_view name) const {
  auto it = query_params.find(name);
  if (it == query_params.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::string_view Request::Header(std::string_view name) const {
  auto it = headers.find(boost::beast::string_view(name.data(), name.size()));
  if (it == headers.end()) {
    return {};
  }
  return {it->value().data(), it->value().size()};
}

Response JsonResponse(boost::beast::http::status status, const boost::json::value& value) {
  Response response;
  response.status = status;
  response.body = boost::json::serialize(value);
  return response;
}

Response EmptyResponse(boost::beast::http::status status) {
  Response response;
  response.status = status;
  response.content_type.clear();
  return response;
}

std::string ReadWholeBody(Response& response) {
  if (!response.stream) {
    return response.body;
  }
  std::string body;
  while (body.size() < response.stream->size) {
    std::string piece = response.stream->next();
    if (piece.empty() || piece.size() > response.stream->size - body.size()) {
      throw std::logic_error(fmt::format("a body stream returned {} bytes at byte {} of {}",
                                         piece.size(), body.size(), response.stream->size));
    }
    body += piece;
  }
  return body;
}

}  // namespace talegraph::http
