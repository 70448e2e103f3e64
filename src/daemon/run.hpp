#pragma once
// The main job: pick the engine the configuration names and run it until a signal (or -M).

#include "daemon/config.hpp"

namespace kestrel::daemon {

struct RunOptions {
    bool dump = false;             // print events instead of evaluating rules
    unsigned duration_seconds = 0; // 0 = until SIGINT/SIGTERM
    bool unbuffered = false;
};

// Returns the process exit code.
int run(const Config& config, const RunOptions& options);

} // namespace kestrel::daemon
