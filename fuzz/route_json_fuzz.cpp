// Sends arbitrary bytes as the JSON body of every route that reads one. The
// first byte picks the route. Each request must succeed or fail with a 4xx
// HttpError that has a code, and RouteDriver aborts on any other exception.
#include <boost/beast/http/verb.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "route_driver.h"

namespace {

using boost::beast::http::verb;
using talegraph::fuzz::RouteDriver;

struct Fixture {
  RouteDriver driver;
  std::string user_id;
  std::string upload_id;
};

// One user and one open upload that the generated bodies refer to by path.
// Allocated once and never freed, because the driver cannot be moved.
Fixture& Shared() {
  static Fixture* fixture = [] {
    auto* shared = new Fixture();
    shared->user_id = shared->driver.Send(verb::post, "/v1/users", R"({"name":"Fuzz"})")
                          .body.at("id")
                          .as_string()
                          .c_str();
    const std::string upload =
        R"({"user_id":")" + shared->user_id + R"(","content_type":"audio/wav"})";
    shared->upload_id = shared->driver.Send(verb::post, "/v1/uploads", upload)
                            .body.at("upload_id")
                            .as_string()
                            .c_str();
    return shared;
  }();
  return *fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  Fixture& fixture = Shared();
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string user = "/v1/users/" + fixture.user_id;
  const std::string upload = "/v1/uploads/" + fixture.upload_id;
  talegraph::fuzz::RouteResult result;
  switch (data[0] % 5) {
    case 0:
      result = fixture.driver.Send(verb::post, "/v1/users", std::move(body));
      break;
    case 1:
      result = fixture.driver.Send(verb::patch, user, std::move(body));
      break;
    case 2:
      result = fixture.driver.Send(verb::post, "/v1/uploads", std::move(body));
      break;
    case 3:
      // Completes fail with missing_chunks, so the upload stays open.
      result = fixture.driver.Send(verb::post, upload + "/complete", std::move(body));
      break;
    default:
      result = fixture.driver.Send(verb::patch, "/v1/transcript-chunks/none", std::move(body));
      break;
  }
  const bool success = result.status >= 200 && result.status < 300;
  const bool rejected = result.status >= 400 && result.status < 500 && !result.code.empty();
  if (!success && !rejected) {
    __builtin_trap();
  }
  return 0;
}
