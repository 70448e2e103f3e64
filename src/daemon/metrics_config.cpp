#include "daemon/metrics_config.hpp"

#include <fmt/format.h>

#include "daemon/config_read.hpp"
#include "metrics/duration.hpp"

namespace kestrel::daemon {
namespace {

using base::ErrorCode;
using base::make_error;

constexpr std::string_view kMetricsKeys[] = {
    "enabled",
    "interval",
    "output_rule",
    "output_file",
    "rules_counters_enabled",
    "resource_utilization_enabled",
    "state_counters_enabled",
    "kernel_event_counters_enabled",
    "kernel_event_counters_per_cpu_enabled",
    "kernel_iter_event_counters_enabled",
    "libbpf_stats_enabled",
    "plugins_metrics_enabled",
    "jemalloc_stats_enabled",
    "convert_memory_to_mb",
    "include_empty_values",
    "falco_037_names", // Kestrel
};

} // namespace

base::Status read_metrics_config(const ConfigTree& tree, MetricsConfig* out,
                                 std::vector<std::string>* warnings) {
    YAML::Node block;
    const bool has_block = lookup(tree, "metrics", &block);
    if (has_block && !block.IsMap()) {
        return bad_value("metrics", "a mapping", block);
    }
    if (has_block) {
        for (auto it = block.begin(); it != block.end(); ++it) {
            std::string name = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
            bool known = false;
            for (std::string_view k : kMetricsKeys) {
                known |= k == name;
            }
            if (!known) {
                warnings->push_back(
                    fmt::format("unknown configuration key 'metrics.{}' (ignored)", name));
            }
        }
    }
    metrics::Options& o = out->options;
    KES_TRY(read_bool(tree, "metrics.enabled", &out->enabled));
    KES_TRY(read_string(tree, "metrics.interval", &out->interval));
    KES_TRY(read_bool(tree, "metrics.output_rule", &out->output_rule));
    KES_TRY(read_string(tree, "metrics.output_file", &out->output_file));
    KES_TRY(read_bool(tree, "metrics.rules_counters_enabled", &o.rules_counters));
    KES_TRY(read_bool(tree, "metrics.resource_utilization_enabled", &o.resource_utilization));
    KES_TRY(read_bool(tree, "metrics.state_counters_enabled", &o.state_counters));
    KES_TRY(read_bool(tree, "metrics.kernel_event_counters_enabled", &o.kernel_event_counters));
    KES_TRY(read_bool(tree, "metrics.kernel_event_counters_per_cpu_enabled",
                      &o.kernel_event_counters_per_cpu));
    KES_TRY(read_bool(tree, "metrics.kernel_iter_event_counters_enabled",
                      &o.kernel_iter_event_counters));
    KES_TRY(read_bool(tree, "metrics.libbpf_stats_enabled", &o.libbpf_stats));
    KES_TRY(read_bool(tree, "metrics.plugins_metrics_enabled", &o.plugins_metrics));
    KES_TRY(read_bool(tree, "metrics.jemalloc_stats_enabled", &out->jemalloc_stats_enabled));
    KES_TRY(read_bool(tree, "metrics.convert_memory_to_mb", &o.convert_memory_to_mb));
    KES_TRY(read_bool(tree, "metrics.include_empty_values", &o.include_empty_values));
    KES_TRY(read_bool(tree, "metrics.falco_037_names", &o.falco_037_names));
    // Falco: per-CPU counters imply the kernel counters (falco.yaml's note).
    if (o.kernel_event_counters_per_cpu) {
        o.kernel_event_counters = true;
    }
    out->interval_ms = metrics::parse_prometheus_duration_ms(out->interval);
    // Falco checks the interval only when metrics are on (init_stats_writer).
    if (out->enabled && out->interval_ms < metrics::kMinIntervalMs) {
        return base::Status(
                   make_error(ErrorCode::kInvalidArgument, std::string(metrics::kIntervalError)))
            .with_context(
                fmt::format("configuration key 'metrics.interval' ('{}')", out->interval));
    }
    return base::Ok{};
}

base::Status read_drops_config(const ConfigTree& tree, metrics::DropConfig* out) {
    YAML::Node actions;
    if (lookup(tree, "syscall_event_drops.actions", &actions)) {
        std::vector<std::string> names;
        if (actions.IsScalar()) {
            names.push_back(actions.Scalar());
        } else if (actions.IsSequence()) {
            for (size_t i = 0; i < actions.size(); ++i) {
                if (!actions[i].IsScalar()) {
                    return bad_value(fmt::format("syscall_event_drops.actions[{}]", i), "a string",
                                     actions[i]);
                }
                names.push_back(actions[i].Scalar());
            }
        } else {
            return bad_value("syscall_event_drops.actions", "a list of actions", actions);
        }
        auto parsed = metrics::parse_drop_actions(names);
        if (!parsed.ok()) {
            return parsed.error();
        }
        out->actions = *parsed;
    } else if (actions.IsDefined()) {
        out->actions = metrics::kDropIgnore; // `actions:` with no value: Falco's empty list
    }
    KES_TRY(read_double(tree, "syscall_event_drops.threshold", &out->threshold));
    KES_TRY(metrics::check_drop_threshold(out->threshold));
    KES_TRY(read_double(tree, "syscall_event_drops.rate", &out->rate));
    KES_TRY(read_double(tree, "syscall_event_drops.max_burst", &out->max_burst));
    KES_TRY(read_bool(tree, "syscall_event_drops.simulate_drops", &out->simulate_drops));
    return base::Ok{};
}

} // namespace kestrel::daemon
