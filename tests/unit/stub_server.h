// Test helpers shared by tests that talk to a local Python stand-in for a
// paid HTTP API, and that check what was logged.
#pragma once

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "net/http_client.h"

extern char** environ;

namespace talegraph {

// Time a stub server may take to print its port.
inline constexpr std::chrono::milliseconds kStubStartTimeout{10000};

// A stub server script as a child process on a free loopback port. The
// script takes the port as its argument (0 for any free one) and prints the
// port it bound as its first line. It serves GET /requests and POST /reset.
// It exits when its stdin closes, so it also ends when the test binary dies.
class StubServer {
 public:
  explicit StubServer(const std::string& script) {
    int stdin_pipe[2];
    int stdout_pipe[2];
    if (pipe(stdin_pipe) != 0 || pipe(stdout_pipe) != 0) {
      throw std::runtime_error("pipe failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, stdin_pipe[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, stdout_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, stdin_pipe[1]);
    posix_spawn_file_actions_addclose(&actions, stdout_pipe[0]);
    std::string script_path = script;
    char* argv[] = {const_cast<char*>("python3"), script_path.data(), const_cast<char*>("0"),
                    nullptr};
    int spawned = posix_spawnp(&pid_, "python3", &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(stdin_pipe[0]);
    close(stdout_pipe[1]);
    stdin_fd_ = stdin_pipe[1];
    stdout_fd_ = stdout_pipe[0];
    if (spawned != 0) {
      pid_ = -1;
      throw std::runtime_error("cannot start python3 " + script_path);
    }
    port_ = ReadPort();
  }

  ~StubServer() {
    close(stdin_fd_);
    close(stdout_fd_);
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }

  StubServer(const StubServer&) = delete;
  StubServer& operator=(const StubServer&) = delete;

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

  // Returns the API requests received since the last Reset.
  boost::json::array Requests() {
    net::HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(port_) + "/requests";
    net::HttpResponse response = client_.Send(request);
    return boost::json::parse(response.body).as_array();
  }

  void Reset() {
    net::HttpRequest request;
    request.method = "POST";
    request.url = "http://127.0.0.1:" + std::to_string(port_) + "/reset";
    client_.Send(request);
  }

 private:
  int ReadPort() {
    std::string line;
    char c = 0;
    pollfd poll_fd{stdout_fd_, POLLIN, 0};
    while (poll(&poll_fd, 1, static_cast<int>(kStubStartTimeout.count())) == 1 &&
           read(stdout_fd_, &c, 1) == 1 && c != '\n') {
      line.push_back(c);
    }
    if (c != '\n' || line.empty()) {
      throw std::runtime_error("the stub server printed no port: \"" + line + "\"");
    }
    return std::stoi(line);
  }

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
  net::HttpClient client_;
};

// Sends spdlog's default logger to a string for the lifetime of the object.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    auto logger = std::make_shared<spdlog::logger>("capture", std::move(sink));
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
  }

  ~LogCapture() { spdlog::set_default_logger(previous_); }

  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string text() {
    spdlog::default_logger()->flush();
    return stream_.str();
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream stream_;
};

}  // namespace talegraph
