// A Python stand-in server run as a child process on a free loopback port.
// The script prints its port as the first line of stdout and exits when its
// stdin closes, so it also ends when the test binary dies.
#pragma once

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>

extern char** environ;

namespace talegraph::testing {

class PythonStub {
 public:
  explicit PythonStub(std::string script) {
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
    char* argv[] = {const_cast<char*>("python3"), script.data(), const_cast<char*>("0"), nullptr};
    const int spawned = posix_spawnp(&pid_, "python3", &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(stdin_pipe[0]);
    close(stdout_pipe[1]);
    stdin_fd_ = stdin_pipe[1];
    stdout_fd_ = stdout_pipe[0];
    if (spawned != 0) {
      pid_ = -1;
      throw std::runtime_error("cannot start python3 " + script);
    }
    port_ = ReadPort(script);
  }

  ~PythonStub() {
    close(stdin_fd_);
    close(stdout_fd_);
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }

  PythonStub(const PythonStub&) = delete;
  PythonStub& operator=(const PythonStub&) = delete;

  // Returns "http://127.0.0.1:PORT".
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int ReadPort(const std::string& script) {
    constexpr std::chrono::milliseconds kStartTimeout{10000};
    std::string line;
    char c = 0;
    pollfd poll_fd{stdout_fd_, POLLIN, 0};
    while (poll(&poll_fd, 1, static_cast<int>(kStartTimeout.count())) == 1 &&
           read(stdout_fd_, &c, 1) == 1 && c != '\n') {
      line.push_back(c);
    }
    if (c != '\n' || line.empty()) {
      throw std::runtime_error(script + " printed no port: \"" + line + "\"");
    }
    return std::stoi(line);
  }

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
};

}  // namespace talegraph::testing
