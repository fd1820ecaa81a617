// Entry point of the talegraph executable.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "app/cli.h"
#include "app/process.h"
#include "app/serve.h"

int main(int argc, char** argv) {
  using talegraph::app::Command;

  talegraph::app::CommandLine line;
  try {
    line = talegraph::app::ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "talegraph: %s\n\n%s", error.what(), talegraph::app::UsageText().c_str());
    return 2;
  }

  if (line.command == Command::kHelp) {
    std::fputs(talegraph::app::UsageText().c_str(), stdout);
    return 0;
  }
  if (line.command == Command::kVersion) {
    std::printf("talegraph %s\n", TALEGRAPH_VERSION);
    return 0;
  }

  talegraph::config::Config config;
  try {
    if (const char* port = std::getenv("PORT")) {
      line.sources.port_override = port;
    }
    config = talegraph::config::LoadConfig(line.sources);
  } catch (const talegraph::config::ConfigError& error) {
    std::fprintf(stderr, "talegraph: %s\n", error.what());
    return 1;
  }

  if (line.command == Command::kCheckConfig) {
    return talegraph::app::CheckConfig(config);
  }
  if (line.command == Command::kProcess) {
    return talegraph::app::Process(config, line.process);
  }
  return talegraph::app::Serve(config);
}
