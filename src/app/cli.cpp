#include "app/cli.h"

#include <fmt/format.h>

#include <stdexcept>

namespace talegraph::app {

std::string UsageText() {
  return R"(talegraph: turns spoken life stories into a book outline.

Usage:
  talegraph serve [--config FILE] [--secrets FILE]
  talegraph process AUDIO_FILE [--user ID] [--title TEXT] [--json]
                    [--config FILE] [--secrets FILE]
  talegraph check-config [--config FILE] [--secrets FILE]
  talegraph --version
  talegraph --help

Commands:
  serve          run the HTTP API until SIGINT or SIGTERM
  process        store AUDIO_FILE as a recording in the configured store,
                 run the whole pipeline in this process and print the
                 transcript chunks with their times (--json: as JSON);
                 --user names the owner (default: a new user), --title
                 the recording's title
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
    throw std::invalid_argument(
        "missing command; use serve, process, check-config, --version or --help");
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
  size_t first_option = 1;
  if (command == "serve") {
    line.command = Command::kServe;
  } else if (command == "process") {
    line.command = Command::kProcess;
    if (arguments.size() < 2 || arguments[1].starts_with("--")) {
      throw std::invalid_argument("process needs the audio file to process");
    }
    line.process.file = arguments[1];
    first_option = 2;
  } else if (command == "check-config") {
    line.command = Command::kCheckConfig;
  } else {
    throw std::invalid_argument(fmt::format(
        "unknown command \"{}\"; use serve, process, check-config, --version or --help", command));
  }

  for (size_t i = first_option; i < arguments.size(); ++i) {
    const std::string& option = arguments[i];
    bool process_option = line.command == Command::kProcess &&
                          (option == "--user" || option == "--title" || option == "--json");
    if (option != "--config" && option != "--secrets" && !process_option) {
      throw std::invalid_argument(fmt::format(
          "unknown option \"{}\"; {} accepts --config FILE and --secrets FILE{}", option, command,
          line.command == Command::kProcess ? ", --user ID, --title TEXT and --json" : ""));
    }
    if (option == "--json") {
      line.process.json = true;
      continue;
    }
    if (i + 1 == arguments.size()) {
      bool takes_file = option == "--config" || option == "--secrets";
      throw std::invalid_argument(
          fmt::format("option {} needs {}", option, takes_file ? "a file name" : "a value"));
    }
    const std::string& value = arguments[++i];
    if (option == "--config") {
      line.sources.settings_path = value;
    } else if (option == "--secrets") {
      line.sources.secrets_path = value;
    } else if (option == "--user") {
      line.process.user_id = value;
    } else {
      line.process.title = value;
    }
  }
  return line;
}

}  // namespace talegraph::app
