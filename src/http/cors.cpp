#include "http/cors.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/beast/http/status.hpp>

namespace talegraph::http {

namespace {

// Response headers that browser code may read, besides the safelisted ones.
constexpr std::string_view kExposedHeaders =
    "X-Request-ID, Content-Range, Accept-Ranges, Content-Length, ETag, Allow";

}  // namespace

CorsPolicy::CorsPolicy(const config::CorsConfig& cors)
    : origins_(cors.allowed_origins),
      allowed_headers_(fmt::format("{}", fmt::join(cors.allowed_headers, ", "))),
      max_age_(std::to_string(cors.max_age_seconds)) {
  allow_any_ = std::find(origins_.begin(), origins_.end(), "*") != origins_.end();
}

void CorsPolicy::Apply(std::string_view origin, Response& response) const {
  if (allow_any_) {
    response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  } else if (!origin.empty() &&
             std::find(origins_.begin(), origins_.end(), origin) != origins_.end()) {
    response.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
    response.headers.emplace_back("Vary", "Origin");
  } else {
    return;
  }
  response.headers.emplace_back("Access-Control-Expose-Headers", std::string(kExposedHeaders));
}

Response CorsPolicy::Preflight(const std::vector<boost::beast::http::verb>& methods) const {
  std::vector<std::string_view> names;
  for (boost::beast::http::verb method : methods) {
    names.emplace_back(boost::beast::http::to_string(method));
  }
  names.emplace_back("OPTIONS");

  // The server adds the Access-Control-Allow-Origin header, as to every response.
  Response response = EmptyResponse(boost::beast::http::status::no_content);
  response.headers.emplace_back("Access-Control-Allow-Methods",
                                fmt::format("{}", fmt::join(names, ", ")));
  response.headers.emplace_back("Access-Control-Allow-Headers", allowed_headers_);
  response.headers.emplace_back("Access-Control-Max-Age", max_age_);
  response.headers.emplace_back("Allow", fmt::format("{}", fmt::join(names, ", ")));
  return response;
}

}  // namespace talegraph::http
