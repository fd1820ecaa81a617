// Request and Response: what route handlers receive and return, free of the
// connection they travel on.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace talegraph::http {

struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  // The target as sent, path and query still percent-encoded.
  std::string target;
  // Decoded path parameters by name, such as {"user_id": "abc"}.
  std::map<std::string, std::string, std::less<>> path_params;
  // Decoded query parameters; a repeated key keeps its last value.
  std::map<std::string, std::string, std::less<>> query_params;
  boost::beast::http::fields headers;
  std::string body;
  std::string request_id;

  // Returns the path parameter `name`; the router guarantees it exists.
  const std::string& PathParam(std::string_view name) const;
  // Returns the query parameter `name`, when given.
  std::optional<std::string_view> QueryParam(std::string_view name) const;
  // Returns the header `name`, or an empty view.
  std::string_view Header(std::string_view name) const;
};

// A response body sent in pieces, so that a large one is never held in
// memory whole.
struct BodyStream {
  // Bytes of the whole body, sent as Content-Length.
  uint64_t size = 0;
  // Returns the next piece, not empty and not past `size`. The connection
  // calls it on the worker pool until `size` bytes came. It may throw, and
  // the connection then closes, because the status line is already sent.
  std::function<std::string()> next;
};

struct Response {
  boost::beast::http::status status = boost::beast::http::status::ok;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body comes from here and `body` stays empty.
  std::optional<BodyStream> stream;
};

// Returns the whole body of `response`, reading its stream to the end, for
// callers that serve handlers in process.
std::string ReadWholeBody(Response& response);

// Returns a response with `value` serialized as its JSON body.
Response JsonResponse(boost::beast::http::status status, const boost::json::value& value);

// Returns a response with no body, such as 204.
Response EmptyResponse(boost::beast::http::status status);

}  // namespace talegraph::http
