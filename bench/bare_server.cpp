// bare_server: the reference HTTP/1.1 server for the benchmarks in bench/.
//
// It responds to every request, whatever its method and target, with 200 and
// the same small JSON body from memory, and keeps connections alive. It uses
// the same pieces as talegraph's server (Boost.Beast, C++20 coroutines, one
// io_context run by several threads) but has no strands, timeouts, routing,
// worker pool, store or logging. The gap between the two is what those cost.
//
// Usage: bare_server [PORT [THREADS]]
//   PORT     TCP port on 127.0.0.1, 0..65535; 0 (the default) picks a free one.
//   THREADS  threads that run the io_context, 1..256 (default 2, like
//            talegraph's server.io_threads).
// It prints "listening on 127.0.0.1:PORT" on stdout once it accepts
// connections, and stops on SIGINT or SIGTERM.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <cstdio>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

constexpr auto kTupleAwaitable = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kBody = R"({"status":"ok","server":"bare","version":"0.1.0"})";

// Serves requests on `socket` until the client closes it or an error occurs.
asio::awaitable<void> Serve(tcp::socket socket) {
  boost::beast::flat_buffer buffer;
  while (true) {
    bhttp::request<bhttp::string_body> request;
    auto [read_error, read] = co_await bhttp::async_read(socket, buffer, request, kTupleAwaitable);
    (void)read;
    if (read_error) {
      break;
    }

    bhttp::response<bhttp::string_body> response{bhttp::status::ok, request.version()};
    response.set(bhttp::field::server, "bare_server");
    response.set(bhttp::field::content_type, "application/json");
    response.body() = kBody;
    response.keep_alive(request.keep_alive());
    response.prepare_payload();

    auto [write_error, written] = co_await bhttp::async_write(socket, response, kTupleAwaitable);
    (void)written;
    if (write_error || !response.keep_alive()) {
      break;
    }
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> Accept(tcp::acceptor& acceptor) {
  while (true) {
    auto [error, socket] = co_await acceptor.async_accept(kTupleAwaitable);
    if (error == asio::error::operation_aborted) {
      co_return;
    }
    if (error) {
      std::fprintf(stderr, "accept failed: %s\n", error.message().c_str());
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    asio::co_spawn(acceptor.get_executor(), Serve(std::move(socket)), asio::detached);
  }
}

// Parses argv[index] as an integer in min..max, or returns `fallback` when it
// is absent. Returns -1 after printing an error when it is invalid.
int ParseArgument(int argc, char** argv, int index, const char* name, int min, int max,
                  int fallback) {
  if (index >= argc) {
    return fallback;
  }
  std::string_view text = argv[index];
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    std::fprintf(stderr, "invalid %s \"%s\": expected an integer from %d to %d\n", name,
                 argv[index], min, max);
    return -1;
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 3) {
    std::fprintf(stderr, "usage: %s [PORT [THREADS]]\n", argv[0]);
    return 2;
  }
  int port = ParseArgument(argc, argv, 1, "PORT", 0, 65535, 0);
  int threads = ParseArgument(argc, argv, 2, "THREADS", 1, 256, 2);
  if (port < 0 || threads < 0) {
    return 2;
  }

  asio::io_context context(threads);
  tcp::acceptor acceptor(context);
  try {
    tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port));
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& error) {
    std::fprintf(stderr, "cannot listen on 127.0.0.1:%d: %s\n", port, error.what());
    return 1;
  }

  asio::signal_set signals(context, SIGINT, SIGTERM);
  signals.async_wait([&context](const boost::system::error_code&, int) { context.stop(); });
  asio::co_spawn(context, Accept(acceptor), asio::detached);

  std::printf("listening on 127.0.0.1:%u with %d threads\n", acceptor.local_endpoint().port(),
              threads);
  std::fflush(stdout);

  std::vector<std::thread> runners;
  for (int i = 1; i < threads; ++i) {
    runners.emplace_back([&context] { context.run(); });
  }
  context.run();
  for (auto& runner : runners) {
    runner.join();
  }
  return 0;
}
