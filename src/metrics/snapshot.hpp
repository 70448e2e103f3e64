#pragma once
// Building a Snapshot from plain inputs. The daemon fills Inputs from the modules that own the
// numbers (probe counters, state counters, ruleset matches, output queue drops) and from the
// collectors of this module (resource usage, host info); build_snapshot() applies Falco's
// toggles, names, units and conversions. Nothing here reads a file or a clock: the same
// inputs give the same snapshot, which is what the tests rely on.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/model.hpp"

namespace kestrel::metrics {

// Falco's `metrics` toggles (falco.yaml; falco-compat.md §6/§8).
struct Options {
    bool rules_counters = true;
    bool resource_utilization = true;
    bool state_counters = true;
    bool kernel_event_counters = true;
    bool kernel_event_counters_per_cpu = false;
    bool kernel_iter_event_counters = true; // Falco 0.44
    bool libbpf_stats = true;
    bool plugins_metrics = true;
    bool convert_memory_to_mb = true;
    bool include_empty_values = false;
    // Kestrel: also emit Falco 0.37's names (falco.cpu_usage_perc_total_host,
    // falco.memory_used_host, falco.open_fds_host, falco.procs_running_host, falco.hostname)
    // for dashboards built on them (`metrics.falco_037_names`).
    bool falco_037_names = false;
};

struct FileDigest {
    std::string path; // as loaded; names use its basename
    std::string sha256;
};

struct InterfaceAddresses {
    std::string name;
    std::vector<std::string> ipv4;
    std::vector<std::string> ipv6;
};

// What stays fixed between reloads.
struct AgentInfo {
    std::string version;
    std::string source = "syscall";
    // Falco's scap.engine_name ("modern_bpf", "nodriver", ...). Empty for a capture replay:
    // Falco's savefile engine is not in its list, so the field and the _info metric are absent.
    std::string engine_name;
    uint64_t start_ts_ns = 0;
    uint64_t reload_ts_ns = 0;
    std::vector<FileDigest> rules_files;
    std::vector<FileDigest> config_files;
};

struct HostInfo {
    std::string hostname;
    std::string kernel_release;
    uint64_t boot_ts_ns = 0;
    uint32_t num_cpus = 0;
    std::vector<InterfaceAddresses> interfaces; // `lo` is skipped when rendering
};

// libs' resource_utilization, in its units.
struct ResourceUsage {
    double cpu_usage_perc = 0; // of one CPU, since the process started
    uint32_t memory_rss_kb = 0;
    uint32_t memory_vsz_kb = 0;
    uint32_t memory_pss_kb = 0;
    uint64_t container_memory_used_bytes = 0;
    double host_cpu_usage_perc = 0; // all CPUs, since boot
    uint32_t host_memory_used_kb = 0;
    uint32_t host_procs_running = 0;
    uint64_t host_open_fds = 0;
};

// Buffer-full drop categories, in Falco's order (the `_exit` ones; the `_enter` ones are gone
// since libs 0.20 and only appear as deprecated always-zero Prometheus series).
inline constexpr std::array<std::string_view, 8> kDropCategories = {
    "clone_fork", "execve", "connect", "open", "dir_file", "other_interest", "close", "proc"};
// File kinds of the task-file iterator counters (libpman), in Falco's order.
inline constexpr std::array<std::string_view, 9> kTaskFileKinds = {
    "pipe",         "memfd",       "regular",        "directory", "socket_inet",
    "socket_inet6", "socket_unix", "socket_netlink", "anon_inode"};

struct KernelCounters {
    uint64_t n_evts = 0;
    uint64_t n_drops = 0; // every lost event (buffer + scratch + page faults + bug)
    uint64_t n_drops_buffer_total = 0;
    std::array<uint64_t, kDropCategories.size()> n_drops_buffer_exit{};
    uint64_t n_drops_scratch_map = 0;
    uint64_t n_drops_page_faults = 0;
    uint64_t n_drops_bug = 0;
    std::vector<uint64_t> n_evts_cpu; // per possible CPU; empty when unknown
    std::vector<uint64_t> n_drops_cpu;
    // Initial-state iterator counters (Falco 0.44 kernel_iter_event_counters).
    uint64_t n_evts_task = 0;
    std::array<uint64_t, kTaskFileKinds.size()> n_evts_task_file{};
    uint64_t n_drops_max_event_size = 0;
    uint64_t n_drops_task = 0;
    std::array<uint64_t, kTaskFileKinds.size()> n_drops_task_file{};
};

// libbpf stats of one attached program (bpf_prog_info run_cnt / run_time_ns).
struct ProgramRun {
    std::string name; // Falco's program name: "sys_exit", "sched_proc_exit" ...
    uint64_t run_cnt = 0;
    uint64_t run_time_ns = 0;
};

// One state counter, as state::Counters::visit() reports it.
struct NamedCounter {
    std::string_view name;
    uint64_t value = 0;
    bool gauge = false;
};

struct RuleMatches {
    std::string name;
    int priority = 7; // Falco's enum: 0 Emergency ... 4 Warning ... 7 Debug
    std::string source;
    std::vector<std::string> tags;
    uint64_t matches = 0;
    // Kestrel: evaluations of the rule's condition and the time they took (estimated from a
    // sample, eval/README.md); published only when Inputs::rules_timed.
    uint64_t evaluations = 0;
    uint64_t evaluation_ns = 0;
};

struct SyscallCount {
    std::string_view name;
    uint64_t count = 0;
};

struct SinkDelivery {
    std::string name; // "stdout", "file", ...
    uint64_t delivered = 0;
    uint64_t failed = 0;
    uint64_t retried = 0;
    uint64_t dropped = 0;
};

struct LatencyHistogram {
    std::string output; // the sink ("stdout", "file" ...): the `output` label
    std::vector<double> bounds_seconds;
    std::vector<uint64_t> counts; // bounds + 1 (+Inf)
    double sum_seconds = 0;
};

struct Inputs {
    const AgentInfo* agent = nullptr; // required
    const HostInfo* host = nullptr;   // required
    uint64_t now_ns = 0;              // wall clock
    uint64_t num_evts = 0;            // events the engine processed (falco.num_evts)
    uint64_t outputs_queue_num_drops = 0;
    const ResourceUsage* resource = nullptr; // null: not collected
    std::span<const NamedCounter> state;     // empty: not collected
    const KernelCounters* kernel = nullptr;  // null: no kernel source (replay)
    std::span<const ProgramRun> programs;    // empty: libbpf stats off or unavailable
    bool rules_known = false;                // false: no rules engine yet
    uint64_t rules_matches_total = 0;
    std::span<const RuleMatches> rules;
    bool rules_timed = false;               // RuleMatches::evaluations / evaluation_ns are measured
    std::span<const SyscallCount> syscalls; // Kestrel: per-syscall invocations
    std::span<const SinkDelivery> sinks;    // Kestrel: per-output delivery counters
    std::span<const LatencyHistogram> alert_latency; // Kestrel: one per output
};

// Values of the previous snapshot, for the `*_prev` fields and the rates (Falco computes them
// between two consecutive snapshots of the same source).
class RateTracker {
  public:
    uint64_t last_now_ns = 0;
    uint64_t last_num_evts = 0;
    uint64_t last_n_evts = 0;
    uint64_t last_n_drops = 0;
};

// Builds the snapshot. `rates` null: Prometheus collection (no *_prev or rate fields, and no
// state change); otherwise the snapshot alert's collection, which advances `rates`.
Snapshot build_snapshot(const Inputs& in, const Options& options, RateTracker* rates);

} // namespace kestrel::metrics
