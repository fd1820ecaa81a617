#include "http/connection.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <limits>
#include <optional>
#include <tuple>

#include "http/errors.h"
#include "store/document_store.h"
#include "util/ids.h"
#include "util/printable.h"

namespace talegraph::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

constexpr auto kTupleAwaitable = asio::as_tuple(asio::use_awaitable);
constexpr size_t kMaxRequestIdLength = 128;

// The request being served, as far as it is known, for its response and log line.
struct Exchange {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::string method = "-";
  std::string target = "-";
  std::string origin;
  std::string request_id;
  bool keep_alive = false;
};

// Returns the client's X-Request-ID when it is 1..128 visible ASCII
// characters, otherwise a new id.
std::string PickRequestId(std::string_view sent) {
  bool usable = !sent.empty() && sent.size() <= kMaxRequestIdLength;
  for (char c : sent) {
    usable = usable && c > ' ' && c < 0x7f;
  }
  return usable ? std::string(sent) : util::GenerateId();
}

// Sets the status line and headers of `out` from `response`.
template <typename Body>
void SetHead(bhttp::response<Body>& out, Response& response, const Exchange& exchange) {
  out.result(response.status);
  out.set(bhttp::field::server, "talegraph/" TALEGRAPH_VERSION);
  out.set("X-Request-ID", exchange.request_id);
  if (!response.content_type.empty()) {
    out.set(bhttp::field::content_type, response.content_type);
  }
  for (auto& [name, value] : response.headers) {
    out.insert(name, value);
  }
  out.keep_alive(exchange.keep_alive);
}

bhttp::response<bhttp::string_body> ToBeast(Response& response, const Exchange& exchange,
                                            unsigned version) {
  bhttp::response<bhttp::string_body> out{response.status, version};
  SetHead(out, response, exchange);
  out.body() = std::move(response.body);
  out.prepare_payload();
  return out;
}

// Logs the request line of a written response.
void LogResponse(const Exchange& exchange, bhttp::status status, uint64_t bytes,
                 const std::string& failure) {
  double milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - exchange.start)
          .count();
  spdlog::info("{} {} {} {}B {:.2f}ms request_id={}{}", exchange.method, exchange.target,
               static_cast<unsigned>(status), bytes, milliseconds, exchange.request_id,
               failure.empty() ? "" : fmt::format(" write_failed=\"{}\"", failure));
}

// Writes the head of `response`, then each piece of its stream as it comes
// from the worker pool. Returns the bytes of the body sent, and sets
// `failure` when the body stopped short.
asio::awaitable<uint64_t> WriteStreamed(Connection& connection, const ConnectionContext& context,
                                        const Exchange& exchange, Response& response,
                                        unsigned version, std::string& failure) {
  BodyStream& body = *response.stream;
  bhttp::response<bhttp::empty_body> head{response.status, version};
  SetHead(head, response, exchange);
  head.content_length(body.size);
  bhttp::response_serializer<bhttp::empty_body> serializer{head};
  connection.stream.expires_after(context.server.body_timeout);
  auto [error, written] =
      co_await bhttp::async_write_header(connection.stream, serializer, kTupleAwaitable);
  (void)written;
  uint64_t sent = 0;
  while (!error && sent < body.size) {
    std::string piece;
    try {
      piece = co_await asio::co_spawn(
          context.workers, [&body]() -> asio::awaitable<std::string> { co_return body.next(); },
          asio::use_awaitable);
    } catch (const std::exception& problem) {
      failure = fmt::format("reading the body failed at byte {}: {}", sent, problem.what());
      spdlog::error("request_id={} response body stopped after {} of {} bytes: {}",
                    exchange.request_id, sent, body.size, problem.what());
      co_return sent;
    }
    if (piece.empty() || piece.size() > body.size - sent) {
      failure = fmt::format("the body stream gave {} bytes at byte {} of {}", piece.size(), sent,
                            body.size);
      spdlog::error("request_id={} response body stopped: {}", exchange.request_id, failure);
      co_return sent;
    }
    connection.stream.expires_after(context.server.body_timeout);
    std::tie(error, written) =
        co_await asio::async_write(connection.stream, asio::buffer(piece), kTupleAwaitable);
    sent += written;
  }
  if (error) {
    failure = error.message();
  }
  co_return sent;
}

// Writes `response` and logs the request line. Returns false when the
// connection cannot go on.
asio::awaitable<bool> WriteResponse(Connection& connection, const ConnectionContext& context,
                                    Exchange& exchange, Response response, unsigned version = 11) {
  context.cors.Apply(exchange.origin, response);
  if (context.stopping) {
    exchange.keep_alive = false;
  }
  if (response.stream) {
    std::string failure;
    uint64_t sent =
        co_await WriteStreamed(connection, context, exchange, response, version, failure);
    LogResponse(exchange, response.status, sent, failure);
    co_return failure.empty() && exchange.keep_alive;
  }

  auto message = ToBeast(response, exchange, version);
  size_t bytes = message.body().size();
  connection.stream.expires_after(context.server.body_timeout);
  auto [error, written] = co_await bhttp::async_write(connection.stream, message, kTupleAwaitable);
  (void)written;
  LogResponse(exchange, response.status, bytes, error ? error.message() : "");
  co_return !error && exchange.keep_alive;
}

asio::awaitable<bool> WriteError(Connection& connection, const ConnectionContext& context,
                                 Exchange& exchange, const HttpError& error) {
  spdlog::debug("request_id={} rejected with {} {}: {}", exchange.request_id,
                static_cast<unsigned>(error.status()), error.code(), error.detail());
  co_return co_await WriteResponse(connection, context, exchange, ErrorResponse(error));
}

// Runs the handler, on the worker pool unless the route runs inline, and
// turns every exception into an error response.
asio::awaitable<Response> Dispatch(const ConnectionContext& context, const Route& route,
                                   Request& request) {
  try {
    if (route.runs_inline) {
      co_return route.handler(request);
    }
    co_return co_await asio::co_spawn(
        context.workers,
        [&route, &request]() -> asio::awaitable<Response> { co_return route.handler(request); },
        asio::use_awaitable);
  } catch (const HttpError& error) {
    spdlog::debug("request_id={} handler returned {} {}: {}", request.request_id,
                  static_cast<unsigned>(error.status()), error.code(), error.detail());
    co_return ErrorResponse(error);
  } catch (const store::StorageFullError& error) {
    spdlog::error("request_id={} document store is full: {}", request.request_id, error.what());
    co_return ErrorResponse(HttpError(bhttp::status::insufficient_storage, "storage_full",
                                      "the document store's disk is full, so nothing was "
                                      "written; free space on the database's volume and retry"));
  } catch (const store::StoreError& error) {
    spdlog::error("request_id={} store failed: {}", request.request_id, error.what());
    co_return ErrorResponse(
        HttpError(bhttp::status::service_unavailable, "store_unavailable",
                  fmt::format("a backing store is unavailable ({}); retry later", error.what())));
  } catch (const std::exception& error) {
    spdlog::error("request_id={} handler failed: {}", request.request_id, error.what());
    co_return ErrorResponse(HttpError(bhttp::status::internal_server_error, "internal_error",
                                      "the server failed on this request; retry, and report "
                                      "the X-Request-ID if it persists"));
  }
}

// Fills the target's decoded query parameters. Throws HttpError 400.
void ParseTarget(std::string_view target, Request& request, std::string& path) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    throw BadRequest(
        "invalid_target",
        fmt::format("request target is not a valid origin-form path: {}", url.error().message()));
  }
  path = std::string(url->encoded_path());
  for (auto param : url->params()) {
    request.query_params.insert_or_assign(param.key, param.value);
  }
}

size_t BodyLimit(const ConnectionContext& context, const Route& route) {
  return route.body == BodyKind::kAudio ? context.server.max_chunk_bytes
                                        : context.server.max_json_body_bytes;
}

HttpError TooLarge(size_t limit, std::string_view setting) {
  return PayloadTooLarge(fmt::format(
      "request body is larger than this route's limit of {} bytes ({}); send less per request",
      limit, setting));
}

// Reads the body of the request whose headers `header_parser` holds. Returns
// false, after sending an error response where possible, when the body
// cannot be read.
asio::awaitable<bool> ReadBody(Connection& connection, const ConnectionContext& context,
                               Exchange& exchange, beast::flat_buffer& buffer,
                               bhttp::request_parser<bhttp::empty_body>& header_parser,
                               const Route& route, Request& request) {
  size_t limit = BodyLimit(context, route);
  std::string_view setting =
      route.body == BodyKind::kAudio ? "server.max_chunk_bytes" : "server.max_json_body_bytes";
  auto length = header_parser.content_length();
  if (length && *length > limit) {
    exchange.keep_alive = false;
    co_await WriteError(connection, context, exchange, TooLarge(limit, setting));
    co_return false;
  }

  bool has_body = header_parser.chunked() || length.value_or(0) > 0;
  if (has_body && beast::iequals(header_parser.get()[bhttp::field::expect], "100-continue")) {
    bhttp::response<bhttp::empty_body> proceed{bhttp::status::continue_, 11};
    co_await bhttp::async_write(connection.stream, proceed, kTupleAwaitable);
  }

  bhttp::request_parser<bhttp::string_body> parser(std::move(header_parser));
  parser.body_limit(limit);
  connection.stream.expires_after(context.server.body_timeout);
  auto [error, read] =
      co_await bhttp::async_read(connection.stream, buffer, parser, kTupleAwaitable);
  (void)read;
  if (error == bhttp::error::body_limit) {
    exchange.keep_alive = false;
    co_await WriteError(connection, context, exchange, TooLarge(limit, setting));
    co_return false;
  }
  if (error == beast::error::timeout) {
    // The stream has closed the socket, so no response can go out.
    spdlog::info("request_id={} body not received within {}s, connection closed",
                 exchange.request_id, context.server.body_timeout.count());
    co_return false;
  }
  if (error.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category()) {
    exchange.keep_alive = false;
    co_await WriteError(
        connection, context, exchange,
        BadRequest("invalid_request", fmt::format("malformed request body: {}; check the "
                                                  "chunked transfer encoding",
                                                  error.message())));
    co_return false;
  }
  if (error) {
    spdlog::info("request_id={} body read failed: {}", exchange.request_id, error.message());
    co_return false;
  }
  request.body = std::move(parser.get().body());
  request.headers = std::move(parser.get().base());
  co_return true;
}

// Serves a request whose headers were read: routing, body, handler.
asio::awaitable<bool> ServeRequest(Connection& connection, const ConnectionContext& context,
                                   Exchange& exchange, beast::flat_buffer& buffer,
                                   bhttp::request_parser<bhttp::empty_body>& header_parser) {
  const auto& header = header_parser.get();
  bool has_body = header_parser.chunked() || header_parser.content_length().value_or(0) > 0;
  Request request;
  request.method = header.method();
  request.target = std::string(header.target());
  request.request_id = exchange.request_id;

  std::optional<HttpError> rejection;
  try {
    std::string path;
    ParseTarget(request.target, request, path);
    if (request.method == bhttp::verb::options) {
      auto methods = context.router.MethodsFor(path);
      if (methods.empty()) {
        throw NotFound(fmt::format("no route matches the path {}", path));
      }
      exchange.keep_alive = exchange.keep_alive && !has_body;
      co_return co_await WriteResponse(connection, context, exchange,
                                       context.cors.Preflight(methods));
    }

    MatchResult result = context.router.Match(request.method, path);
    if (std::holds_alternative<PathNotFound>(result)) {
      throw NotFound(fmt::format("no route matches the path {}; see GET /openapi.json", path));
    }
    if (auto* not_allowed = std::get_if<MethodNotAllowed>(&result)) {
      std::string allow;
      for (bhttp::verb method : not_allowed->allowed) {
        allow += allow.empty() ? "" : ", ";
        allow += std::string(bhttp::to_string(method));
      }
      HttpError error(
          bhttp::status::method_not_allowed, "method_not_allowed",
          fmt::format("method {} is not allowed on {}; use {}", exchange.method, path, allow));
      error.headers().emplace_back("Allow", allow);
      throw error;
    }

    auto& match = std::get<RouteMatch>(result);
    request.path_params = std::move(match.path_params);
    if (!co_await ReadBody(connection, context, exchange, buffer, header_parser, *match.route,
                           request)) {
      co_return false;
    }
    Response response = co_await Dispatch(context, *match.route, request);
    co_return co_await WriteResponse(connection, context, exchange, std::move(response));
  } catch (const HttpError& error) {
    rejection = error;
  }

  // Reached before the body was read, so the connection cannot be reused
  // when there is one. (A coroutine cannot await inside a catch block.)
  exchange.keep_alive = exchange.keep_alive && !has_body;
  co_return co_await WriteError(connection, context, exchange, *rejection);
}

// Returns why the request's framing cannot be trusted, if it cannot: an
// HTTP/1.1 request needs a Host header (RFC 9112, section 3.2), and a
// Transfer-Encoding other than a final "chunked" leaves the body's end
// unknown (section 6.3), which would let a second request hide in the body.
std::optional<std::string> FramingProblem(
    const bhttp::request_parser<bhttp::empty_body>& header_parser) {
  const auto& header = header_parser.get();
  if (header.version() >= 11 && header.find(bhttp::field::host) == header.end()) {
    return "HTTP/1.1 request has no Host header; send one";
  }
  if (header.find(bhttp::field::transfer_encoding) != header.end() && !header_parser.chunked()) {
    return fmt::format(
        "Transfer-Encoding \"{}\" is not supported; send the body with "
        "Content-Length or as chunked",
        util::Printable(header[bhttp::field::transfer_encoding]));
  }
  if (header.version() < 11 && header_parser.chunked()) {
    return "chunked Transfer-Encoding needs HTTP/1.1; send Content-Length instead";
  }
  return std::nullopt;
}

// Serves one request. Returns false when the connection must close.
asio::awaitable<bool> ServeOne(Connection& connection, const ConnectionContext& context,
                               beast::flat_buffer& buffer) {
  Exchange exchange;
  bhttp::request_parser<bhttp::empty_body> header_parser;
  header_parser.header_limit(static_cast<std::uint32_t>(context.server.max_header_bytes));
  // The route's body limit applies once the route is known, in ReadBody.
  header_parser.body_limit(std::numeric_limits<std::uint64_t>::max());

  connection.stream.expires_after(context.server.header_timeout);
  auto [error, header_bytes] =
      co_await bhttp::async_read_header(connection.stream, buffer, header_parser, kTupleAwaitable);
  (void)header_bytes;
  exchange.request_id = util::GenerateId();
  if (error == bhttp::error::header_limit) {
    co_await WriteError(
        connection, context, exchange,
        HttpError(bhttp::status::request_header_fields_too_large, "header_too_large",
                  fmt::format("request headers are larger than {} bytes "
                              "(server.max_header_bytes); send fewer or "
                              "shorter headers",
                              context.server.max_header_bytes)));
    co_return false;
  }
  if (error == beast::error::timeout) {
    // The stream has closed the socket, so no 408 can go out.
    spdlog::info("connection closed: request headers not received within {}s",
                 context.server.header_timeout.count());
    co_return false;
  }
  if (error == bhttp::error::end_of_stream || error == asio::error::eof ||
      error == asio::error::operation_aborted || error == asio::error::connection_reset) {
    co_return false;
  }
  if (error) {
    co_await WriteError(
        connection, context, exchange,
        BadRequest("invalid_request", fmt::format("malformed HTTP request: {}", error.message())));
    co_return false;
  }

  const auto& header = header_parser.get();
  exchange.method = util::Printable(header.method_string());
  exchange.target = std::string(header.target());
  exchange.origin = std::string(header[bhttp::field::origin]);
  exchange.request_id = PickRequestId(header["X-Request-ID"]);
  exchange.keep_alive = header.keep_alive();
  if (auto problem = FramingProblem(header_parser)) {
    exchange.keep_alive = false;
    co_await WriteError(connection, context, exchange, BadRequest("invalid_request", *problem));
    co_return false;
  }
  co_return co_await ServeRequest(connection, context, exchange, buffer, header_parser);
}

}  // namespace

asio::awaitable<void> ServeConnection(std::shared_ptr<Connection> connection,
                                      const ConnectionContext& context) {
  try {
    beast::flat_buffer buffer;
    while (!context.stopping) {
      // Waiting for the next request is the idle time, with its own timeout.
      if (buffer.size() == 0) {
        connection->idle = true;
        connection->stream.expires_after(context.server.idle_timeout);
        auto [error, read] = co_await connection->stream.async_read_some(
            buffer.prepare(4096), asio::as_tuple(asio::use_awaitable));
        connection->idle = false;
        if (error) {
          break;
        }
        buffer.commit(read);
      }
      if (!co_await ServeOne(*connection, context, buffer)) {
        break;
      }
    }
  } catch (const std::exception& error) {
    spdlog::error("connection failed: {}", error.what());
  }

  beast::error_code ignored;
  connection->stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  connection->stream.close();
}

}  // namespace talegraph::http
