// CorsPolicy: the Access-Control-* headers of every response and the
// answer to preflight requests, from the [cors] settings.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "http/message.h"

namespace talegraph::http {

class CorsPolicy {
 public:
  explicit CorsPolicy(const config::CorsConfig& cors);

  // Adds Access-Control-Allow-Origin and Access-Control-Expose-Headers when
  // `origin` (the request's Origin header, possibly empty) is allowed.
  void Apply(std::string_view origin, Response& response) const;

  // Returns the 204 response to a preflight request on a path routed for
  // `methods`, without the origin headers that Apply adds.
  Response Preflight(const std::vector<boost::beast::http::verb>& methods) const;

 private:
  bool allow_any_ = false;
  std::vector<std::string> origins_;
  std::string allowed_headers_;
  std::string max_age_;
};

}  // namespace talegraph::http
