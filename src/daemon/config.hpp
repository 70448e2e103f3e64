#pragma once
// Kestrel's typed configuration, read from a falco.yaml-compatible document (ConfigTree).
// Keys, meanings and defaults are Falco's (shared/reference/falco-compat.md §6); defaults are
// those of Falco's shipped falco.yaml, so running without a config file behaves like a stock
// Falco install. Later issues add their sections here.

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "daemon/config_tree.hpp"
#include "daemon/event_selection.hpp"
#include "daemon/metrics_config.hpp"
#include "daemon/webserver_config.hpp"
#include "output/config.hpp"

namespace kestrel::state {
struct Config;
}

namespace kestrel::daemon {

struct EngineConfig {
    std::string kind = "modern_ebpf"; // modern_ebpf | replay | nodriver (kmod/ebpf: not here)
    uint32_t cpus_for_each_buffer = 2;
    uint32_t buf_size_preset = 4;
    bool drop_failed_exit = false;
    bool disable_iterators = false;
    std::string replay_capture_file;
};

// Falco's `falco_libs` block (the keys Kestrel uses).
struct LibsConfig {
    uint64_t thread_table_size = 262144;
    uint64_t thread_timeout_s = 300; // thread_table_auto_purging_thread_timeout_s
    uint32_t snaplen = 80;           // bytes of I/O buffers captured (sendto/recvfrom data)
};

// One entry of Falco's `rules:` list, applied in order after loading.
struct RuleSelection {
    bool enable = true;  // enable or disable
    bool by_tag = false; // match a tag instead of a rule name
    std::string pattern; // rule name (may contain '*') or tag
};

struct Config {
    EngineConfig engine;
    BaseSyscalls base_syscalls;
    LibsConfig falco_libs;
    std::vector<std::string> rules_files;
    std::vector<RuleSelection> rule_selection;

    std::string log_level = "info";
    bool log_stderr = true;
    bool log_syslog = true;

    std::string priority = "debug";
    std::string rule_matching = "first";
    bool json_output = false;
    bool json_include_output_property = true;
    bool json_include_message_property = false;
    bool json_include_output_fields_property = true;
    bool json_include_tags_property = true;
    bool time_format_iso_8601 = false;
    bool buffered_outputs = false;
    uint64_t outputs_queue_capacity = 0;
    bool stdout_output_enabled = true;
    // Every output key, as the sinks take them (daemon/output_config.cpp, http_output_config.cpp).
    output::OutputsConfig outputs;

    WebserverConfig webserver;
    MetricsConfig metrics;
    metrics::DropConfig syscall_event_drops;

    // Set by load_configuration(): the configuration files read (falco.sha256_config_file.*)
    // and when (falco.reload_ts, wall-clock ns).
    std::vector<std::string> config_files;
    uint64_t loaded_ns = 0;
};

// The state tables' limits from falco_libs.
state::Config state_config(const Config& config);

// Reads and validates every key Kestrel knows. A malformed value is an error naming the key;
// a key Kestrel does not know is a warning (appended to `warnings`), as in Falco.
base::Result<Config> read_config(const ConfigTree& tree, std::vector<std::string>* warnings);

} // namespace kestrel::daemon
