#pragma once
// engine.kind=modern_ebpf, the default: the eBPF probe watching this host, its events through
// the same state, rules and outputs as replay (EventPipeline), alerts on stdout. `--dump` prints
// the raw event stream instead (capture::run_dump).

#include <atomic>

#include "daemon/config.hpp"
#include "daemon/run.hpp"

namespace kestrel::daemon {

// The log line that says the probe is attached and the initial state loaded: from here on every
// event of the host is evaluated (tests wait for it before triggering).
inline constexpr const char* kLiveReadyMessage = "live: watching the host";

// Runs until `stop` is set. Returns the process exit code: 0, or 1 when the rules, the probe or
// a ring cannot be set up or read (the message says which).
int run_live(const Config& config, const RunOptions& options, const std::atomic<bool>& stop);

} // namespace kestrel::daemon
