// /v1/users: create, read, update, delete.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/deletion.h"
#include "api/json_input.h"
#include "api/resources.h"
#include "api/routes.h"
#include "http/errors.h"
#include "util/ids.h"
#include "util/time.h"

namespace talegraph::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;

constexpr size_t kMaxNameLength = 200;
constexpr size_t kMaxEmailLength = 320;
constexpr size_t kMaxProfileBytes = 16384;

std::optional<std::string> ReadEmail(const FieldReader& fields) {
  auto email = fields.OptionalString("email", 3, kMaxEmailLength);
  if (email && email->find('@') == std::string::npos) {
    throw http::Unprocessable("invalid_field",
                              fmt::format("field \"email\" must be an email address with an "
                                          "'@', found \"{}\"",
                                          *email));
  }
  return email;
}

boost::json::value OrNull(const std::optional<std::string>& text) {
  return text ? boost::json::value(*text) : boost::json::value(nullptr);
}

http::Response CreateUser(ApiContext& context, http::Request& request) {
  boost::json::object body = ParseJsonObject(request);
  FieldReader fields(body, {"name", "email", "profile"});
  std::string name = fields.RequireString("name", 1, kMaxNameLength);
  auto email = ReadEmail(fields);
  auto profile = fields.OptionalObject("profile", kMaxProfileBytes);

  std::string now = util::NowRfc3339();
  boost::json::object user{{"name", name},
                           {"email", OrNull(email)},
                           {"profile", profile ? boost::json::value(*profile) : nullptr},
                           {"created_at", now},
                           {"updated_at", now}};
  std::string id = util::GenerateId();
  context.documents.Set("users/" + id, user, {}, store::Precondition::NotExists());
  spdlog::info("user {} created request_id={}", id, request.request_id);

  user["id"] = id;
  return http::JsonResponse(status::created, user);
}

http::Response ReadUser(ApiContext& context, http::Request& request) {
  auto user = LoadOrThrow(context.documents, "users", "user", request.PathParam("user_id"));
  return http::JsonResponse(status::ok, WithId(user));
}

http::Response UpdateUser(ApiContext& context, http::Request& request) {
  const std::string& id = request.PathParam("user_id");
  boost::json::object body = ParseJsonObject(request);
  FieldReader fields(body, {"name", "email", "profile"});
  if (body.empty()) {
    throw http::Unprocessable("missing_field",
                              "request body has no fields to update; send name, email or profile");
  }

  boost::json::object changes;
  if (fields.IsNull("name")) {
    throw http::Unprocessable("invalid_field",
                              "field \"name\" cannot be null; send a string of 1 to 200 bytes");
  }
  if (fields.Has("name")) {
    changes["name"] = fields.RequireString("name", 1, kMaxNameLength);
  }
  if (fields.Has("email")) {
    changes["email"] = OrNull(ReadEmail(fields));
  }
  if (fields.Has("profile")) {
    auto profile = fields.OptionalObject("profile", kMaxProfileBytes);
    changes["profile"] = profile ? boost::json::value(*profile) : nullptr;
  }
  changes["updated_at"] = util::NowRfc3339();

  if (!context.documents.Update("users/" + id, changes, store::Precondition::Exists())) {
    throw http::NotFound(fmt::format("user \"{}\" not found; check the id", id));
  }
  spdlog::info("user {} updated request_id={}", id, request.request_id);
  return ReadUser(context, request);
}

http::Response RemoveUser(ApiContext& context, http::Request& request) {
  auto user = LoadOrThrow(context.documents, "users", "user", request.PathParam("user_id"));
  DeleteUser(context, user);
  spdlog::info("user {} deleted request_id={}", user.Id(), request.request_id);
  return http::EmptyResponse(status::no_content);
}

}  // namespace

void DeleteUser(ApiContext& context, const store::Document& user) {
  std::string id(user.Id());
  // Marking the user first makes a concurrent upload start fail (see
  // CreateForUser), so no upload appears after the listing below.
  context.documents.Update(user.path, {{"deleting", true}, {"updated_at", util::NowRfc3339()}});
  for (const auto& upload : context.documents.Query("uploads", "user_id", boost::json::value(id))) {
    DeleteUpload(context, upload);
  }
  for (const auto& recording :
       context.documents.Query("recordings", "user_id", boost::json::value(id))) {
    DeleteRecording(context, recording);
  }
  context.graph.DeleteUser(id);
  context.documents.Delete(user.path);
}

void AddUserRoutes(http::Router& router, ApiContext& context) {
  router.Add({verb::post, "/v1/users", Bind(context, CreateUser), http::BodyKind::kJson});
  router.Add({verb::get, "/v1/users/{user_id}", Bind(context, ReadUser)});
  router.Add(
      {verb::patch, "/v1/users/{user_id}", Bind(context, UpdateUser), http::BodyKind::kJson});
  router.Add({verb::delete_, "/v1/users/{user_id}", Bind(context, RemoveUser)});
}

}  // namespace talegraph::api
