#pragma once
// The daemon's side of alert delivery: the configured sinks started behind the alert queue
// (src/output/README.md), and their end-of-run summary.

#include <memory>

#include "base/result.hpp"
#include "daemon/config.hpp"
#include "daemon/run.hpp"
#include "eval/alert.hpp"
#include "output/outputs.hpp"

namespace kestrel::daemon {

// Starts the sinks of `config.outputs`; `format` is the rules engine's output options (so the
// sinks render exactly what the formatter would). -U forces unbuffered outputs, as in Falco.
base::Result<std::unique_ptr<output::Outputs>>
start_outputs(const Config& config, const RunOptions& options, const eval::OutputOptions& format);

// Drains and closes (output::Outputs::shutdown) and logs one line per sink with its counters.
void stop_outputs(output::Outputs& outputs);

} // namespace kestrel::daemon
