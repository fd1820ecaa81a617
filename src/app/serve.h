// Wiring of the components from the configuration, and the serve and
// check-config commands.
#pragma once

#include "config/config.h"

namespace talegraph::app {

// Runs the HTTP server until a signal stops it. Returns the exit status.
int Serve(const config::Config& config);

// Prints the effective settings, secrets masked. Returns the exit status.
int CheckConfig(const config::Config& config);

}  // namespace talegraph::app
