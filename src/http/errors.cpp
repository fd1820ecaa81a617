#include "http/errors.h"

namespace talegraph::http {

using boost::beast::http::status;

HttpError BadRequest(std::string code, std::string detail) {
  return HttpError(status::bad_request, std::move(code), std::move(detail));
}

HttpError NotFound(std::string detail) {
  return HttpError(status::not_found, "not_found", std::move(detail));
}

HttpError Conflict(std::string code, std::string detail) {
  return HttpError(status::conflict, std::move(code), std::move(detail));
}

HttpError PayloadTooLarge(std::string detail) {
  return HttpError(status::payload_too_large, "payload_too_large", std::move(detail));
}

HttpError UnsupportedMediaType(std::string detail) {
  return HttpError(status::unsupported_media_type, "unsupported_media_type", std::move(detail));
}

HttpError Unprocessable(std::string code, std::string detail) {
  return HttpError(status::unprocessable_entity, std::move(code), std::move(detail));
}

Response ErrorResponse(const HttpError& error) {
  boost::json::object body = error.extra();
  body["detail"] = error.detail();
  body["code"] = error.code();
  Response response = JsonResponse(error.status(), body);
  response.headers = error.headers();
  return response;
}

}  // namespace talegraph::http
