#pragma once
// Falco's `metrics` and `syscall_event_drops` blocks of falco.yaml (falco-compat.md §6, §8,
// §9), read with Falco's defaults (those of its shipped falco.yaml) and Falco's validation
// messages.

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "daemon/config_tree.hpp"
#include "metrics/drops.hpp"
#include "metrics/snapshot.hpp"

namespace kestrel::daemon {

struct MetricsConfig {
    bool enabled = false;
    std::string interval = "1h"; // as written
    uint64_t interval_ms = 3600000;
    bool output_rule = true;
    std::string output_file; // empty: none
    // rules_counters_enabled, resource_utilization_enabled, ..., convert_memory_to_mb,
    // include_empty_values; plus Kestrel's falco_037_names.
    metrics::Options options;
    // Accepted for compatibility; Kestrel is not built with jemalloc, so nothing is reported.
    bool jemalloc_stats_enabled = false;
};

// Reads `metrics.*`. With metrics.enabled, an interval under 100 ms or not a Prometheus
// duration is rejected with Falco's message. Unknown metrics.* keys are warnings.
base::Status read_metrics_config(const ConfigTree& tree, MetricsConfig* out,
                                 std::vector<std::string>* warnings);

// Reads `syscall_event_drops.*` (threshold, actions, rate, max_burst, simulate_drops).
base::Status read_drops_config(const ConfigTree& tree, metrics::DropConfig* out);

} // namespace kestrel::daemon
