// A small blocking HTTP client on libcurl for calls to outside services,
// such as a hosted speech recognition API.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace talegraph::net {

// One part of a multipart/form-data body. A part with a file name is sent
// as a file with its content type.
struct FormPart {
  std::string name;
  // Bytes of the part, not copied: they must stay valid until Send returns.
  std::string_view data;
  std::string file_name;
  std::string content_type;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  // Header lines as name and value.
  std::vector<std::pair<std::string, std::string>> headers;
  // Body of a request without form parts, not copied like FormPart::data.
  std::string_view body;
  // Parts of a multipart/form-data body. A non-empty list replaces `body`.
  std::vector<FormPart> form;
  // Limit on the whole exchange, connecting included.
  std::chrono::milliseconds timeout{30000};
};

struct HttpResponse {
  long status = 0;
  // Header fields of the final response, names in lower case.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Returns the value of the first header field named `name` (any case).
  std::optional<std::string> Header(std::string_view name) const;
};

// Failure to complete an exchange: no connection, a timeout, a broken
// transfer. The message is libcurl's description with the method and URL.
class HttpError : public std::runtime_error {
 public:
  HttpError(const std::string& message, bool timed_out);

  // Whether the request timed out.
  bool timed_out() const { return timed_out_; }

 private:
  bool timed_out_;
};

// Largest response body accepted; a longer one fails with HttpError.
inline constexpr size_t kMaxResponseBytes = size_t{64} << 20;

// Blocking HTTP client that keeps its connection open between requests.
// One client serves one thread at a time; separate clients may run at once.
// It never logs, so header values such as API keys stay out of the logs.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` and returns the response with any status. Throws
  // HttpError when no complete response arrives.
  HttpResponse Send(const HttpRequest& request);

 private:
  void* handle_;  // CURL*, kept out of this header
};

}  // namespace talegraph::net
