#include "daemon/metrics_config.hpp"

#include <gtest/gtest.h>

namespace kestrel::daemon {
namespace {

ConfigTree tree_of(std::string_view yaml) {
    auto tree = ConfigTree::load_string(yaml, "test.yaml");
    EXPECT_TRUE(tree.ok());
    return *tree;
}

TEST(MetricsConfigTest, FalcoYamlDefaults) {
    MetricsConfig c;
    std::vector<std::string> warnings;
    ASSERT_TRUE(read_metrics_config(tree_of("{}"), &c, &warnings).ok());
    EXPECT_FALSE(c.enabled);
    EXPECT_EQ(c.interval_ms, 3600000u);
    EXPECT_TRUE(c.output_rule);
    EXPECT_TRUE(c.options.rules_counters);
    EXPECT_TRUE(c.options.kernel_event_counters);
    EXPECT_FALSE(c.options.kernel_event_counters_per_cpu);
    EXPECT_TRUE(c.options.convert_memory_to_mb);
    EXPECT_FALSE(c.options.include_empty_values);
    EXPECT_TRUE(warnings.empty());
}

TEST(MetricsConfigTest, EveryKey) {
    MetricsConfig c;
    std::vector<std::string> warnings;
    auto status = read_metrics_config(tree_of(R"(
metrics:
  enabled: true
  interval: 15m
  output_rule: false
  output_file: /tmp/m.jsonl
  rules_counters_enabled: false
  resource_utilization_enabled: false
  state_counters_enabled: false
  kernel_event_counters_enabled: false
  kernel_event_counters_per_cpu_enabled: false
  kernel_iter_event_counters_enabled: false
  libbpf_stats_enabled: false
  plugins_metrics_enabled: false
  jemalloc_stats_enabled: true
  convert_memory_to_mb: false
  include_empty_values: true
  falco_037_names: true
  bogus: 1
)"),
                                      &c, &warnings);
    ASSERT_TRUE(status.ok()) << status.error().to_string();
    EXPECT_TRUE(c.enabled);
    EXPECT_EQ(c.interval_ms, 900000u);
    EXPECT_FALSE(c.output_rule);
    EXPECT_EQ(c.output_file, "/tmp/m.jsonl");
    EXPECT_FALSE(c.options.rules_counters);
    EXPECT_FALSE(c.options.resource_utilization);
    EXPECT_FALSE(c.options.state_counters);
    EXPECT_FALSE(c.options.kernel_event_counters);
    EXPECT_FALSE(c.options.kernel_iter_event_counters);
    EXPECT_FALSE(c.options.libbpf_stats);
    EXPECT_FALSE(c.options.plugins_metrics);
    EXPECT_FALSE(c.options.convert_memory_to_mb);
    EXPECT_TRUE(c.options.include_empty_values);
    EXPECT_TRUE(c.options.falco_037_names);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0], "unknown configuration key 'metrics.bogus' (ignored)");
}

TEST(MetricsConfigTest, IntervalRejectedLikeFalco) {
    for (const char* bad : {"50ms", "5000", "soon", "1s1m"}) {
        MetricsConfig c;
        std::vector<std::string> warnings;
        auto status = read_metrics_config(
            tree_of(std::string("metrics: {enabled: true, interval: \"") + bad + "\"}"), &c,
            &warnings);
        ASSERT_FALSE(status.ok()) << bad;
        EXPECT_NE(status.error().to_string().find(
                      "Metrics interval must have a minimum value of 100ms and reflect a "
                      "Prometheus compliant time duration format"),
                  std::string::npos)
            << status.error().to_string();
    }
    // Not checked while metrics are off (Falco checks in init_stats_writer).
    MetricsConfig c;
    std::vector<std::string> warnings;
    EXPECT_TRUE(read_metrics_config(tree_of("metrics: {interval: 5000}"), &c, &warnings).ok());
    EXPECT_TRUE(
        read_metrics_config(tree_of("metrics: {enabled: true, interval: 100ms}"), &c, &warnings)
            .ok());
}

TEST(MetricsConfigTest, BadTypeNamesTheKey) {
    MetricsConfig c;
    std::vector<std::string> warnings;
    auto status = read_metrics_config(tree_of("metrics: {enabled: maybe}"), &c, &warnings);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().to_string(),
              "configuration key 'metrics.enabled': expected a boolean (true or false), got "
              "'maybe'");
}

TEST(DropsConfigTest, DefaultsAndValues) {
    metrics::DropConfig d;
    ASSERT_TRUE(read_drops_config(tree_of("{}"), &d).ok());
    EXPECT_EQ(d.actions, metrics::kDropLog | metrics::kDropAlert);
    EXPECT_DOUBLE_EQ(d.threshold, 0.1);
    EXPECT_DOUBLE_EQ(d.rate, 0.03333);
    EXPECT_DOUBLE_EQ(d.max_burst, 1);
    ASSERT_TRUE(read_drops_config(tree_of(R"(
syscall_event_drops:
  threshold: 0.5
  actions: [exit, alert]
  rate: 1
  max_burst: 3
  simulate_drops: true
)"),
                                  &d)
                    .ok());
    EXPECT_EQ(d.actions, metrics::kDropExit | metrics::kDropAlert);
    EXPECT_DOUBLE_EQ(d.threshold, 0.5);
    EXPECT_DOUBLE_EQ(d.rate, 1);
    EXPECT_DOUBLE_EQ(d.max_burst, 3);
    EXPECT_TRUE(d.simulate_drops);
    metrics::DropConfig empty;
    ASSERT_TRUE(read_drops_config(tree_of("syscall_event_drops: {actions: []}"), &empty).ok());
    EXPECT_EQ(empty.actions, metrics::kDropIgnore);
}

TEST(DropsConfigTest, FalcoMessages) {
    metrics::DropConfig d;
    auto threshold = read_drops_config(tree_of("syscall_event_drops: {threshold: 2}"), &d);
    ASSERT_FALSE(threshold.ok());
    EXPECT_EQ(threshold.error().to_string(),
              "syscall event drops threshold must be a double in the range [0, 1]");
    auto mixed = read_drops_config(tree_of("syscall_event_drops: {actions: [ignore, log]}"), &d);
    ASSERT_FALSE(mixed.ok());
    EXPECT_EQ(mixed.error().to_string(),
              "syscall event drop action \"log\" does not make sense with the \"ignore\" action");
    auto unknown = read_drops_config(tree_of("syscall_event_drops: {actions: [page]}"), &d);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().to_string(), "available actions for syscall event drops are "
                                           "\"ignore\", \"log\", \"alert\", and \"exit\"");
}

} // namespace
} // namespace kestrel::daemon
