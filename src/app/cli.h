// Command line of the talegraph executable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/process.h"
#include "config/config.h"

namespace talegraph::app {

enum class Command { kServe, kCheckConfig, kProcess, kVersion, kHelp };

struct CommandLine {
  Command command = Command::kHelp;
  config::ConfigSources sources;
  // For kProcess.
  ProcessOptions process;
};

// Parses argv (without the program name). Throws std::invalid_argument with
// a message for the user on a bad command line.
CommandLine ParseCommandLine(const std::vector<std::string>& arguments);

// Returns the --help text.
std::string UsageText();

}  // namespace talegraph::app
