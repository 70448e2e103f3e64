#pragma once
// The `kestrel --dump` loop: start the probe, print every event as one JSON line, stop when asked.

#include <atomic>
#include <cstdio>

#include "base/result.hpp"

namespace kestrel::capture {

struct LiveOptions {
    unsigned cpus_for_each_buffer = 2; // Falco's engine.modern_ebpf.cpus_for_each_buffer
    unsigned buf_size_preset = 4;      // Falco's engine.modern_ebpf.buf_size_preset (8 MiB)
    int poll_timeout_ms = 1;           // reader poll period when no ring wakes it
};

// Runs until `stop` becomes true (the CLI sets it on SIGINT/SIGTERM), writing one JSON line per
// event to `out` (event::append_json_line), then a summary to stderr: events, drops by category,
// decode errors. Fails if the probe cannot start or a ring cannot be read.
base::Status run_dump(const LiveOptions& opts, std::FILE* out, const std::atomic<bool>& stop);

} // namespace kestrel::capture
