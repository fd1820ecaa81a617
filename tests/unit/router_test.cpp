#include "http/router.h"

#include <gtest/gtest.h>

#include "http/errors.h"

namespace talegraph::http {
namespace {

using boost::beast::http::verb;

Router MakeRouter() {
  Router router;
  auto ok = [](Request&) { return Response{}; };
  router.Add({verb::get, "/v1/users/{user_id}", ok});
  router.Add({verb::delete_, "/v1/users/{user_id}", ok});
  router.Add({verb::get, "/v1/users/{user_id}/recordings", ok});
  router.Add({verb::put, "/v1/uploads/{upload_id}/chunks/{n}", ok});
  router.Add({verb::get, "/health", ok});
  return router;
}

TEST(Router, MatchesPathParameters) {
  Router router = MakeRouter();
  auto result = router.Match(verb::put, "/v1/uploads/abc/chunks/7");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(result));
  const auto& match = std::get<RouteMatch>(result);
  EXPECT_EQ(match.route->pattern, "/v1/uploads/{upload_id}/chunks/{n}");
  EXPECT_EQ(match.path_params.at("upload_id"), "abc");
  EXPECT_EQ(match.path_params.at("n"), "7");
}

TEST(Router, UnknownPathIsNotFound) {
  Router router = MakeRouter();
  for (const char* path : {"/", "/v1", "/v1/users", "/v1/users/a/b", "/v1/users/", "/v1//users",
                           "/healthz", "health"}) {
    EXPECT_TRUE(std::holds_alternative<PathNotFound>(router.Match(verb::get, path))) << path;
  }
}

TEST(Router, WrongMethodListsAllowed) {
  Router router = MakeRouter();
  auto result = router.Match(verb::post, "/v1/users/abc");
  ASSERT_TRUE(std::holds_alternative<MethodNotAllowed>(result));
  auto allowed = std::get<MethodNotAllowed>(result).allowed;
  ASSERT_EQ(allowed.size(), 2u);
  EXPECT_EQ(allowed[0], verb::get);
  EXPECT_EQ(allowed[1], verb::delete_);
}

TEST(Router, InvalidIdsRejected) {
  Router router = MakeRouter();
  for (const char* path : {"/v1/users/..", "/v1/users/a%2Fb", "/v1/users/a%00b", "/v1/users/a%20b",
                           "/v1/users/%2E%2E", "/v1/users/caf%C3%A9"}) {
    try {
      router.Match(verb::get, path);
      ADD_FAILURE() << "expected invalid_id for " << path;
    } catch (const HttpError& error) {
      EXPECT_EQ(error.code(), "invalid_id") << path;
      EXPECT_EQ(error.status(), boost::beast::http::status::bad_request) << path;
    }
  }
}

TEST(Router, LongIdRejected) {
  Router router = MakeRouter();
  std::string path = "/v1/users/" + std::string(200, 'a');
  EXPECT_THROW(router.Match(verb::get, path), HttpError);
}

TEST(Router, BrokenPercentEncodingRejected) {
  Router router = MakeRouter();
  try {
    router.Match(verb::get, "/v1/users/a%zz");
    ADD_FAILURE() << "expected invalid_path";
  } catch (const HttpError& error) {
    EXPECT_EQ(error.code(), "invalid_path");
  }
}

TEST(Router, DecodesEscapedIdCharacters) {
  Router router = MakeRouter();
  auto result = router.Match(verb::get, "/v1/users/a%5Fb");
  ASSERT_TRUE(std::holds_alternative<RouteMatch>(result));
  EXPECT_EQ(std::get<RouteMatch>(result).path_params.at("user_id"), "a_b");
}

TEST(Router, MethodsForPath) {
  Router router = MakeRouter();
  EXPECT_EQ(router.MethodsFor("/v1/users/x").size(), 2u);
  EXPECT_TRUE(router.MethodsFor("/nope").empty());
}

TEST(Router, DuplicateRouteThrows) {
  Router router = MakeRouter();
  EXPECT_THROW(router.Add({verb::get, "/health", [](Request&) { return Response{}; }}),
               std::invalid_argument);
}

}  // namespace
}  // namespace talegraph::http
