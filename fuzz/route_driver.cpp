#include "route_driver.h"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <variant>

#include "api/routes.h"
#include "http/errors.h"

namespace talegraph::fuzz {

namespace bhttp = boost::beast::http;

RouteDriver::RouteDriver()
    : documents_(":memory:"),
      graph_store_(":memory:"),
      graph_(graph_store_, config_.chapters),
      context_{config_, documents_, graph_},
      router_(api::BuildRouter(context_)) {
  // One info line a request would bury libFuzzer's output and slow every run.
  spdlog::set_level(spdlog::level::warn);
}

RouteResult RouteDriver::Send(bhttp::verb method, std::string_view target, std::string body,
                              std::string_view content_type) {
  const http::MatchResult matched = router_.Match(method, target);
  const auto* match = std::get_if<http::RouteMatch>(&matched);
  if (match == nullptr) {
    return {404, "not_found", {}, {}};
  }
  http::Request request;
  request.method = method;
  request.target = std::string(target);
  request.path_params = match->path_params;
  request.body = std::move(body);
  request.request_id = "fuzz";
  if (!content_type.empty()) {
    request.headers.set(bhttp::field::content_type, content_type);
  }
  try {
    http::Response response = match->route->handler(request);
    std::string raw_body = http::ReadWholeBody(response);
    boost::system::error_code error;
    boost::json::value parsed = boost::json::parse(raw_body, error);
    return {static_cast<unsigned>(response.status),
            {},
            error ? boost::json::value() : parsed,
            std::move(raw_body)};
  } catch (const http::HttpError& error) {
    return {static_cast<unsigned>(error.status()), error.code(), {}, {}};
  } catch (const std::exception& error) {
    std::fprintf(stderr, "handler of %.*s failed: %s\n", static_cast<int>(target.size()),
                 target.data(), error.what());
    std::abort();
  }
}

}  // namespace talegraph::fuzz
