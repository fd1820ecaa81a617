// The request loop of one HTTP connection, used by Server.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>

#include "config/config.h"
#include "http/cors.h"
#include "http/router.h"

namespace talegraph::http {

// State that every connection of one server shares. All members outlive the
// connections.
struct ConnectionContext {
  const config::ServerConfig& server;
  const Router& router;
  const CorsPolicy& cors;
  boost::asio::thread_pool& workers;
  const std::atomic<bool>& stopping;
};

// One accepted connection. Its members are used only on the strand of its
// socket's executor.
struct Connection {
  explicit Connection(boost::asio::ip::tcp::socket socket) : stream(std::move(socket)) {}

  boost::beast::tcp_stream stream;
  // True while the connection waits for the first byte of a request, the
  // only time shutdown may close it.
  bool idle = false;
};

// Serves requests on `connection` until the client closes it, a timeout or
// error ends it, or the server stops. Never throws.
boost::asio::awaitable<void> ServeConnection(std::shared_ptr<Connection> connection,
                                             const ConnectionContext& context);

}  // namespace talegraph::http
