// Router: maps a method and a percent-encoded path to a route, filling in
// path parameters such as {user_id}. Built once at start, then read-only, so
// it is safe to use from any thread.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/message.h"

namespace talegraph::http {

using Handler = std::function<Response(Request&)>;

// Which body a route accepts, which decides its body size limit.
enum class BodyKind {
  kNone,   // no body expected; the JSON limit still applies to stray bodies
  kJson,   // a JSON object, up to server.max_json_body_bytes
  kAudio,  // raw bytes, up to server.max_chunk_bytes
};

struct Route {
  boost::beast::http::verb method;
  // Pattern such as "/v1/users/{user_id}"; a parameter fills one segment.
  std::string pattern;
  Handler handler;
  BodyKind body = BodyKind::kNone;
  // Cheap handlers that touch no store run on the I/O thread itself.
  bool runs_inline = false;
};

struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string, std::less<>> path_params;
};

struct PathNotFound {};

struct MethodNotAllowed {
  std::vector<boost::beast::http::verb> allowed;
};

using MatchResult = std::variant<RouteMatch, PathNotFound, MethodNotAllowed>;

class Router {
 public:
  // Adds a route. Throws std::invalid_argument for a malformed pattern or a
  // method and pattern pair that is already routed.
  void Add(Route route);

  // Finds the route for `method` on `encoded_path`. Parameters are
  // percent-decoded, and every one but "n" (a chunk index, which its handler
  // checks) must be a valid id. Throws HttpError 400 invalid_id for an
  // invalid id and 400 invalid_path for broken percent-encoding.
  MatchResult Match(boost::beast::http::verb method, std::string_view encoded_path) const;

  // Returns the methods routed on the path, empty when the path is unknown.
  std::vector<boost::beast::http::verb> MethodsFor(std::string_view encoded_path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct CompiledRoute {
    std::vector<std::string> segments;  // a parameter is stored as "{name}"
  };

  // Whether `route` matches `segments`; fills `params` with raw values.
  static bool MatchSegments(const CompiledRoute& route,
                            const std::vector<std::string_view>& segments,
                            std::vector<std::pair<std::string, std::string_view>>& params);

  std::vector<Route> routes_;
  std::vector<CompiledRoute> compiled_;
};

}  // namespace talegraph::http
