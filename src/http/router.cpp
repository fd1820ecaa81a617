#include "http/router.h"

#include <fmt/format.h>

#include <boost/url/pct_string_view.hpp>
#include <stdexcept>

#include "http/errors.h"
#include "util/ids.h"
#include "util/printable.h"

namespace talegraph::http {

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') {
    return segments;
  }
  size_t start = 1;
  while (true) {
    size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return segments;
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::string DecodeParameter(std::string_view name, std::string_view raw) {
  auto encoded = boost::urls::make_pct_string_view(raw);
  if (!encoded) {
    throw BadRequest("invalid_path",
                     fmt::format("path parameter {} has invalid percent-encoding \"{}\"; encode "
                                 "'%' as %25",
                                 name, util::Printable(raw)));
  }
  return encoded->decode();
}

}  // namespace

void Router::Add(Route route) {
  CompiledRoute compiled;
  for (std::string_view segment : SplitPath(route.pattern)) {
    if (segment.empty()) {
      throw std::invalid_argument("route pattern has an empty segment: " + route.pattern);
    }
    compiled.segments.emplace_back(segment);
  }
  if (compiled.segments.empty()) {
    throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
  }
  for (const Route& existing : routes_) {
    if (existing.method == route.method && existing.pattern == route.pattern) {
      throw std::invalid_argument("route is added twice: " + route.pattern);
    }
  }
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(compiled));
}

bool Router::MatchSegments(const CompiledRoute& route,
                           const std::vector<std::string_view>& segments,
                           std::vector<std::pair<std::string, std::string_view>>& params) {
  if (route.segments.size() != segments.size()) {
    return false;
  }
  params.clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& expected = route.segments[i];
    if (IsParameter(expected)) {
      if (segments[i].empty()) {
        return false;
      }
      params.emplace_back(expected.substr(1, expected.size() - 2), segments[i]);
    } else if (expected != segments[i]) {
      return false;
    }
  }
  return true;
}

MatchResult Router::Match(boost::beast::http::verb method, std::string_view encoded_path) const {
  std::vector<std::string_view> segments = SplitPath(encoded_path);
  std::vector<std::pair<std::string, std::string_view>> params;
  MethodNotAllowed not_allowed;
  const Route* found = nullptr;

  for (size_t i = 0; i < routes_.size(); ++i) {
    if (!MatchSegments(compiled_[i], segments, params)) {
      continue;
    }
    if (routes_[i].method == method) {
      found = &routes_[i];
      break;
    }
    not_allowed.allowed.push_back(routes_[i].method);
  }

  if (found == nullptr) {
    if (not_allowed.allowed.empty()) {
      return PathNotFound{};
    }
    return not_allowed;
  }

  RouteMatch match{found, {}};
  for (const auto& [name, raw] : params) {
    std::string value = DecodeParameter(name, raw);
    if (name != "n" && !util::IsValidId(value)) {
      throw BadRequest("invalid_id",
                       fmt::format("{} \"{}\" is not a valid id; ids are 1 to {} characters of "
                                   "A-Z, a-z, 0-9, '_' and '-', as the server returned them",
                                   name, util::Printable(value), util::kMaxIdLength));
    }
    match.path_params.emplace(name, std::move(value));
  }
  return match;
}

std::vector<boost::beast::http::verb> Router::MethodsFor(std::string_view encoded_path) const {
  std::vector<std::string_view> segments = SplitPath(encoded_path);
  std::vector<std::pair<std::string, std::string_view>> params;
  std::vector<boost::beast::http::verb> methods;
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (MatchSegments(compiled_[i], segments, params)) {
      methods.push_back(routes_[i].method);
    }
  }
  return methods;
}

}  // namespace talegraph::http
