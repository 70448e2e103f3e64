#pragma once
// A complete, deterministic set of metric inputs, shaped like the Falco 0.44.1 sample
// snapshot in shared/reference (same host figures where the sample shows them).

#include "metrics/registry.hpp"

namespace kestrel::metrics::testing {

inline void fill_sample(Collection& c) {
    c.agent.version = "0.44.1";
    c.agent.engine_name = "modern_bpf";
    c.agent.start_ts_ns = 1795258254262669677ULL;
    c.agent.reload_ts_ns = 1795258252844485163ULL;
    c.agent.rules_files = {{"/etc/falco/falco_rules.yaml",
                            "1c15d5d543635b76e31cca39d7df8bf4caf50a428613c314d92986a23bfcb617"}};
    c.agent.config_files = {{"/etc/falco/falco.yaml",
                             "212ace9bcec6f92727d469e779b066c5e8441a0efbea1d8695771c67d5968926"}};
    c.host.hostname = "vm";
    c.host.kernel_release = "6.18.44-fc-v669";
    c.host.boot_ts_ns = 1795256235000000000ULL;
    c.host.num_cpus = 2;
    c.host.interfaces = {{"lo", {"127.0.0.1"}, {"0:0:0:0:0:0:0:1"}},
                         {"eth0", {"10.0.0.2"}, {"fe80:0:0:0:1:2:3:4"}}};
    c.now_ns = 1795258254308069675ULL;
    c.num_evts = 0;
    ResourceUsage r;
    r.cpu_usage_perc = 94.0;
    r.memory_rss_kb = 60108;
    r.memory_vsz_kb = 321229;
    r.memory_pss_kb = 48640;
    r.container_memory_used_bytes = 242745344;
    r.host_cpu_usage_perc = 54.8;
    r.host_memory_used_kb = 301363;
    r.host_procs_running = 2;
    r.host_open_fds = 660;
    c.resource = r;
    static constexpr NamedCounter kState[] = {{"n_threads", 18, true},
                                              {"n_fds", 1632, true},
                                              {"n_added_threads", 18, false},
                                              {"n_added_fds", 280, false},
                                              {"n_removed_threads", 0, false},
                                              {"n_removed_fds", 0, false},
                                              {"n_cached_thread_lookups", 0, false},
                                              {"n_noncached_thread_lookups", 293, false},
                                              {"n_failed_thread_lookups", 5, false},
                                              {"n_cached_fd_lookups", 0, false},
                                              {"n_noncached_fd_lookups", 0, false},
                                              {"n_failed_fd_lookups", 0, false},
                                              {"n_drops_full_threadtable", 0, false},
                                              {"n_containers", 0, true}};
    c.state.assign(std::begin(kState), std::end(kState));
    KernelCounters k;
    k.n_evts = 21;
    k.n_evts_task = 18;
    k.n_evts_task_file = {24, 0, 35, 2, 1, 0, 0, 0, 217};
    k.n_evts_cpu = {15, 6};
    k.n_drops_cpu = {0, 0};
    c.kernel = k;
    c.programs = {{"sys_exit", 3529, 1498077}, {"sched_proc_exit", 3, 3164}};
    c.rules_known = true;
    c.rules_matches_total = 0;
    c.rules = {{"Read sensitive file untrusted", 4, "syscall", {"T1555", "filesystem"}, 0}};
}

} // namespace kestrel::metrics::testing
