// Server: the HTTP/1.1 server on Boost.Beast with C++20 coroutines.
//
// Each connection is one coroutine on its own strand. It reads the headers
// under max_header_bytes and header_timeout, picks the route, reads the body
// under that route's limit, runs the handler on the worker pool (or inline
// for routes marked so), and writes the response, keeping the connection
// alive between requests until idle_timeout. Stop() stops accepting, closes
// idle connections and lets in-flight requests finish; Run() returns once
// they have, or after shutdown_timeout.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>

#include "config/config.h"
#include "http/router.h"

namespace talegraph::http {

class Server {
 public:
  // Binds the listening socket; throws boost::system::system_error when the
  // address is unavailable.
  Server(const config::ServerConfig& server, const config::CorsConfig& cors, const Router& router,
         boost::asio::thread_pool& workers);
  ~Server();

  // Port actually bound, which differs from the configured one when that is 0.
  uint16_t port() const;

  // Serves on server.io_threads threads until Stop() and the drain finish.
  void Run();

  // Starts a graceful shutdown. Thread-safe and safe to call from a signal
  // handler's completion.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace talegraph::http
