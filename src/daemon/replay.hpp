#pragma once
// engine.kind=replay: a capture file (.scap, gzip or raw) through the same rules and outputs as
// live events. Alerts go to stdout; a summary goes to the log at the end.

#include <atomic>

#include "daemon/config.hpp"
#include "daemon/run.hpp"

namespace kestrel::daemon {

// Returns the process exit code: 0 when the whole capture was replayed, 1 on a load or read
// error (the message names the file and, for corrupt captures, the byte offset).
int run_replay(const Config& config, const RunOptions& options, const std::atomic<bool>& stop);

} // namespace kestrel::daemon
