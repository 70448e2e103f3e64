#pragma once
// The live probe as a metrics source: its counters under Falco's names (scap.n_evts,
// scap.n_drops_buffer_*_exit ...), its programs' kernel statistics (scap.<prog>.run_cnt ...),
// and its per-syscall counts (Kestrel's scap.syscall_counts).

#include <string>
#include <string_view>
#include <vector>

#include "capture/probe.hpp"
#include "capture/task_iter.hpp"
#include "daemon/metrics_service.hpp"
#include "metrics/drops.hpp"

namespace kestrel::daemon {

metrics::KernelCounters kernel_counters(const capture::DropCounters& c);
metrics::DropCounts drop_counts(const capture::DropCounters& c);
// The start-up iterators' counters into Falco's kernel_iter_event_counters fields.
void add_iter_counters(const capture::IterCounters& c, metrics::KernelCounters* k);

// Kestrel's program names in Falco's style: "kes_sys_exit" -> "sys_exit", the per-event
// tail-called "kes_x_openat" -> "openat_x" (Falco's "openat_x").
std::string falco_program_name(std::string_view name);
std::vector<metrics::ProgramRun> program_runs(const std::vector<capture::ProgramStats>& stats);

// Sets sources.kernel, .programs and .syscalls to read `probe` (which must outlive `sources`'
// use: stop the MetricsService before destroying the probe).
void attach_probe(MetricsSources& sources, const capture::Probe& probe);

} // namespace kestrel::daemon
