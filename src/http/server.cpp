#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "http/connection.h"
#include "http/cors.h"

namespace talegraph::http {

namespace asio = boost::asio;
using asio::ip::tcp;

class Server::Impl {
 public:
  Impl(const config::ServerConfig& server, const config::CorsConfig& cors, const Router& router,
       asio::thread_pool& workers)
      : server_(server),
        cors_(cors),
        context_{server_, router, cors_, workers, stopping_},
        control_(asio::make_strand(io_context_)),
        acceptor_(control_),
        signals_(control_, SIGINT, SIGTERM),
        drain_timer_(control_) {
    Bind();
  }

  uint16_t port() const { return port_; }

  void Run() {
    asio::co_spawn(control_, Accept(), asio::detached);
    WaitForSignal();

    std::vector<std::thread> threads;
    for (int i = 1; i < server_.io_threads; ++i) {
      threads.emplace_back([this] { io_context_.run(); });
    }
    io_context_.run();
    for (auto& thread : threads) {
      thread.join();
    }
    spdlog::info("HTTP server stopped");
  }

  void Stop() {
    asio::post(control_, [this] { BeginShutdown(); });
  }

 private:
  // The first SIGINT or SIGTERM starts a graceful shutdown; a second one
  // stops at once, without waiting for requests in flight.
  void WaitForSignal() {
    signals_.async_wait([this](const boost::system::error_code& error, int signal) {
      if (error) {
        return;
      }
      if (stopping_) {
        spdlog::warn("received signal {} during shutdown, stopping now", signal);
        io_context_.stop();
        return;
      }
      spdlog::info("received signal {}, shutting down", signal);
      // Wait again first: the shutdown cancels the wait once it drains.
      WaitForSignal();
      BeginShutdown();
    });
  }

  void Bind() {
    auto address = asio::ip::make_address(server_.host);
    tcp::endpoint endpoint(address, server_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
  }

  asio::awaitable<void> Accept() {
    spdlog::info("HTTP server listening on {}:{} with {} I/O threads", server_.host, port_,
                 server_.io_threads);
    uint64_t accept_failures = 0;
    while (!stopping_) {
      auto [error, socket] = co_await acceptor_.async_accept(asio::make_strand(io_context_),
                                                             asio::as_tuple(asio::use_awaitable));
      if (error == asio::error::operation_aborted || stopping_) {
        break;
      }
      if (error) {
        // Running out of file descriptors must not end the accept loop, nor
        // spin it: pause so that open connections can finish and close.
        if (++accept_failures % 100 == 1) {
          spdlog::warn("accept failed ({} times so far): {}; pausing 100 ms", accept_failures,
                       error.message());
        }
        asio::steady_timer pause(control_, std::chrono::milliseconds(100));
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      Launch(std::move(socket));
    }
  }

  void Launch(tcp::socket socket) {
    auto executor = socket.get_executor();
    auto connection = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(connections_mutex_);
      connections_.insert(connection);
    }
    asio::co_spawn(executor, ServeConnection(connection, context_),
                   [this, connection](std::exception_ptr) { Forget(connection); });
  }

  void Forget(const std::shared_ptr<Connection>& connection) {
    bool drained = false;
    {
      std::lock_guard lock(connections_mutex_);
      connections_.erase(connection);
      drained = stopping_ && connections_.empty();
    }
    if (drained) {
      asio::post(control_, [this] { FinishShutdown(); });
    }
  }

  // Runs on the control strand.
  void BeginShutdown() {
    if (stopping_.exchange(true)) {
      return;
    }
    boost::system::error_code ignored;
    acceptor_.close(ignored);

    std::vector<std::shared_ptr<Connection>> open;
    {
      std::lock_guard lock(connections_mutex_);
      open.assign(connections_.begin(), connections_.end());
    }
    spdlog::info("HTTP server stopping: no new connections, {} open ones finish their requests",
                 open.size());
    for (auto& connection : open) {
      asio::post(connection->stream.get_executor(), [connection] {
        if (connection->idle) {
          connection->stream.cancel();
        }
      });
    }
    if (open.empty()) {
      FinishShutdown();
      return;
    }

    drain_timer_.expires_after(server_.shutdown_timeout);
    drain_timer_.async_wait([this](const boost::system::error_code& error) {
      if (!error) {
        spdlog::warn("shutdown timed out after {}s with requests still in flight; closing them",
                     server_.shutdown_timeout.count());
        io_context_.stop();
      }
    });
  }

  // Runs on the control strand once no connection is left.
  void FinishShutdown() {
    drain_timer_.cancel();
    signals_.cancel();
  }

  const config::ServerConfig& server_;
  CorsPolicy cors_;
  std::atomic<bool> stopping_ = false;
  ConnectionContext context_;

  asio::io_context io_context_;
  asio::strand<asio::io_context::executor_type> control_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer drain_timer_;
  uint16_t port_ = 0;

  std::mutex connections_mutex_;
  // Guarded by connections_mutex_.
  std::set<std::shared_ptr<Connection>> connections_;
};

Server::Server(const config::ServerConfig& server, const config::CorsConfig& cors,
               const Router& router, asio::thread_pool& workers)
    : impl_(std::make_unique<Impl>(server, cors, router, workers)) {}

Server::~Server() = default;

uint16_t Server::port() const { return impl_->port(); }

void Server::Run() { impl_->Run(); }

void Server::Stop() { impl_->Stop(); }

}  // namespace talegraph::http
