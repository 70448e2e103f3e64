#include "daemon/metrics_probe.hpp"

#include "capture/task_iter.hpp"
#include "daemon/engine_metrics.hpp"

namespace kestrel::daemon {

// Falco's n_evts counts every event the driver tried to send, the dropped ones included
// (libpman counts before reserving ring space); Kestrel's probe counts records written.
metrics::KernelCounters kernel_counters(const capture::DropCounters& c) {
    metrics::KernelCounters k;
    k.n_evts = c.n_evts + c.n_drops();
    k.n_drops = c.n_drops();
    k.n_drops_buffer_total = c.n_drops_buffer_total;
    // metrics::kDropCategories order.
    k.n_drops_buffer_exit = {c.n_drops_buffer_clone_fork_exit, c.n_drops_buffer_execve_exit,
                             c.n_drops_buffer_connect_exit,    c.n_drops_buffer_open_exit,
                             c.n_drops_buffer_dir_file_exit,   c.n_drops_buffer_other_interest_exit,
                             c.n_drops_buffer_close_exit,      c.n_drops_buffer_proc_exit};
    k.n_drops_scratch_map = c.n_drops_scratch_map;
    k.n_drops_bug = c.n_drops_bug;
    k.n_evts_cpu = c.n_evts_cpu;
    k.n_drops_cpu = c.n_drops_cpu;
    for (size_t i = 0; i < k.n_evts_cpu.size() && i < k.n_drops_cpu.size(); ++i) {
        k.n_evts_cpu[i] += k.n_drops_cpu[i];
    }
    return k;
}

// Falco's kernel_iter_event_counters: what the start-up iterators read (zero when the initial
// state came from /proc). Kestrel's tenth kind ("other") has no Falco counter.
void add_iter_counters(const capture::IterCounters& c, metrics::KernelCounters* k) {
    k->n_evts_task = c.n_evts_task;
    k->n_drops_max_event_size = c.n_drops_max_event_size;
    k->n_drops_task = c.n_drops_task;
    for (size_t i = 0; i < metrics::kTaskFileKinds.size() && i < capture::kIterFalcoFileKinds;
         ++i) {
        k->n_evts_task_file[i] = c.n_evts_task_file[i];
        k->n_drops_task_file[i] = c.n_drops_task_file[i];
    }
}

metrics::DropCounts drop_counts(const capture::DropCounters& c) {
    metrics::DropCounts d;
    d.n_evts = c.n_evts + c.n_drops(); // as kernel_counters()
    d.n_drops = c.n_drops();
    d.n_drops_buffer_total = c.n_drops_buffer_total;
    d.n_drops_buffer_exit = {c.n_drops_buffer_clone_fork_exit, c.n_drops_buffer_execve_exit,
                             c.n_drops_buffer_connect_exit,    c.n_drops_buffer_open_exit,
                             c.n_drops_buffer_dir_file_exit,   c.n_drops_buffer_other_interest_exit,
                             c.n_drops_buffer_close_exit,      c.n_drops_buffer_proc_exit};
    d.n_drops_scratch_map = c.n_drops_scratch_map;
    d.n_drops_bug = c.n_drops_bug;
    return d;
}

std::string falco_program_name(std::string_view name) {
    if (name.starts_with("kes_")) {
        name.remove_prefix(4);
    }
    if (name.starts_with("x_")) {
        return std::string(name.substr(2)) + "_x";
    }
    return std::string(name);
}

std::vector<metrics::ProgramRun> program_runs(const std::vector<capture::ProgramStats>& stats) {
    std::vector<metrics::ProgramRun> out;
    out.reserve(stats.size());
    for (const capture::ProgramStats& s : stats) {
        out.push_back({falco_program_name(s.name), s.run_cnt, s.run_time_ns});
    }
    return out;
}

void attach_probe(MetricsSources& sources, const capture::Probe& probe) {
    sources.engine_name = "modern_bpf";
    sources.kernel = [&probe]() -> std::optional<metrics::KernelCounters> {
        auto c = probe.counters();
        if (!c.ok()) {
            return std::nullopt;
        }
        metrics::KernelCounters k = kernel_counters(*c);
        add_iter_counters(capture::last_iter_counters(), &k);
        return k;
    };
    sources.programs = [&probe]() -> std::vector<metrics::ProgramRun> {
        auto stats = probe.program_stats();
        return stats.ok() ? program_runs(*stats) : std::vector<metrics::ProgramRun>{};
    };
    sources.syscalls = [&probe](std::vector<metrics::SyscallCount>* out) {
        auto counts = probe.syscall_counts();
        if (!counts.ok()) {
            return;
        }
        for (const capture::SyscallCount& s : *counts) {
            if (!s.name.empty()) { // unnamed numbers stay out of the labels
                out->push_back({s.name, s.count});
            }
        }
    };
}

void EngineMetrics::watch_probe(const capture::Probe& probe) {
    ebpf_ = true;
    if (service_) {
        attach_probe(service_->sources(), probe);
    }
    // Falco watches drops for the syscall source; `ignore` alone means nothing to do.
    if (config_.syscall_event_drops.actions == metrics::kDropIgnore) {
        return;
    }
    read_drops_ = [&probe]() -> metrics::DropCounts {
        auto c = probe.counters();
        return c.ok() ? drop_counts(*c) : metrics::DropCounts{};
    };
    drops_.emplace(config_.syscall_event_drops, read_drops_());
}

} // namespace kestrel::daemon
