// HttpError: the exception a handler throws to end a request with an error
// response {"detail": ..., "code": ...}. The detail is for the client; the
// server logs it together with the request id.
#pragma once

#include <boost/beast/http/status.hpp>
#include <boost/json/object.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "http/message.h"

namespace talegraph::http {

class HttpError : public std::runtime_error {
 public:
  HttpError(boost::beast::http::status status, std::string code, std::string detail)
      : std::runtime_error(detail),
        status_(status),
        code_(std::move(code)),
        detail_(std::move(detail)) {}

  boost::beast::http::status status() const { return status_; }
  const std::string& code() const { return code_; }
  // The message for the client, kept whole even where it contains a NUL.
  const std::string& detail() const { return detail_; }

  // Extra members of the error body, such as the list of missing chunks.
  boost::json::object& extra() { return extra_; }
  const boost::json::object& extra() const { return extra_; }

  // Extra response headers, such as Allow or Content-Range.
  std::vector<std::pair<std::string, std::string>>& headers() { return headers_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

 private:
  boost::beast::http::status status_;
  std::string code_;
  std::string detail_;
  boost::json::object extra_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

// Shorthands for the common statuses.
HttpError BadRequest(std::string code, std::string detail);
HttpError NotFound(std::string detail);
HttpError Conflict(std::string code, std::string detail);
HttpError PayloadTooLarge(std::string detail);
HttpError UnsupportedMediaType(std::string detail);
HttpError Unprocessable(std::string code, std::string detail);

// Returns the response for `error`: its status, headers and the body
// {"detail", "code", ...extra}.
Response ErrorResponse(const HttpError& error);

}  // namespace talegraph::http
