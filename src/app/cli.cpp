#include "app/cli.h"

#include <fmt/format.h>

#include <stdexcept>

namespace talegraph::app {

std::string UsageText() {
  return R"(talegraph: turns spoken life stories into a book outline.

Usage:
  talegraph serve [--config FILE] [--secrets FILE]
  talegraph check-config [--config FILE] [--secrets FILE]
  talegraph --version
  talegraph --help

Commands:
  serve          run the HTTP API until SIGINT or SIGTERM
  check-config   validate the settings and secrets, print the effective
                 settings and exit (status 1 when they are invalid)

Options:
  --config FILE   settings file (default: config/talegraph.toml, or the
                  built-in defaults when that file does not exist)
  --secrets FILE  secrets file (default: config/secrets.toml; a missing
                  file means no secrets)

Environment:
  PORT            overrides server.port, as Cloud Run sets it
)";
}

CommandLine ParseCommandLine(const std::vector<std::string>& arguments) {
  CommandLine line;
  if (arguments.empty()) {
    throw std::invalid_argument("missing command; use serve, check-config, --version or --help");
  }

  const std::string& command = arguments[0];
  if (command == "--help" || command == "-h" || command == "help") {
    line.command = Command::kHelp;
    return line;
  }
  if (command == "--version") {
    line.command = Command::kVersion;
    return line;
  }
  if (command == "serve") {
    line.command = Command::kServe;
  } else if (command == "check-config") {
    line.command = Command::kCheckConfig;
  } else {
    throw std::invalid_argument(fmt::format(
        "unknown command \"{}\"; use serve, check-config, --version or --help", command));
  }

  for (size_t i = 1; i < arguments.size(); ++i) {
    const std::string& option = arguments[i];
    if (option != "--config" && option != "--secrets") {
      throw std::invalid_argument(fmt::format(
          "unknown option \"{}\"; {} accepts --config FILE and --secrets FILE", option, command));
    }
    if (i + 1 == arguments.size()) {
      throw std::invalid_argument(fmt::format("option {} needs a file name", option));
    }
    if (option == "--config") {
      line.sources.settings_path = arguments[++i];
    } else {
      line.sources.secrets_path = arguments[++i];
    }
  }
  return line;
}

}  // namespace talegraph::app
