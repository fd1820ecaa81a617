// The process command: the whole pipeline in this process on a local file.
#pragma once

#include <string>

#include "config/config.h"

namespace talegraph::app {

struct ProcessOptions {
  std::string file;
  // Existing user to own the recording; empty creates one.
  std::string user_id;
  std::string title;
  bool json = false;
};

// Stores `options.file` as a recording in the configured store, processes
// it and prints its transcript chunks. Returns the exit status.
int Process(const config::Config& config, const ProcessOptions& options);

}  // namespace talegraph::app
