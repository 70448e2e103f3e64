#include "metrics/snapshot.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "metrics/encode.hpp"
#include "sample_inputs.hpp"

namespace kestrel::metrics {
namespace {

std::set<std::string> field_names(const Snapshot& s, bool include_empty) {
    std::set<std::string> out;
    for (const Metric& m : s.metrics) {
        if (!m.field.empty() && (include_empty || m.always || !m.field_value.is_zero())) {
            out.insert(m.field);
        }
    }
    return out;
}

// The field set of Falco 0.44.1's sample snapshot (falco-metrics-snapshot-sample.json), for
// the same figures: same names, same zero filtering.
TEST(Snapshot, FirstSnapshotHasFalcoSampleFields) {
    Collection c;
    testing::fill_sample(c);
    Options o;
    RateTracker rates;
    Snapshot s = build_snapshot(c.inputs(), o, &rates);
    std::set<std::string> expected = {
        "evt.hostname", "evt.source", "evt.time", "falco.container_memory_used_mb",
        "falco.cpu_usage_perc", "falco.duration_sec", "falco.host_boot_ts",
        "falco.host_cpu_usage_perc", "falco.host_memory_used_mb",
        "falco.host_netinfo.interfaces.eth0.protocols.ipv4.addresses",
        "falco.host_netinfo.interfaces.eth0.protocols.ipv6.addresses", "falco.host_num_cpus",
        "falco.host_open_fds", "falco.host_procs_running", "falco.kernel_release",
        "falco.memory_pss_mb", "falco.memory_rss_mb", "falco.memory_vsz_mb", "falco.n_added_fds",
        "falco.n_added_threads", "falco.n_failed_thread_lookups", "falco.n_fds",
        "falco.n_noncached_thread_lookups", "falco.n_threads", "falco.num_evts",
        "falco.num_evts_prev", "falco.outputs_queue_num_drops", "falco.reload_ts",
        "falco.rules.matches_total", "falco.sha256_config_file.falco_yaml",
        "falco.sha256_rules_file.falco_rules_yaml", "falco.start_ts", "falco.version",
        "scap.engine_name", "scap.evts_drop_rate_sec", "scap.evts_rate_sec", "scap.n_drops",
        "scap.n_drops_perc", "scap.n_drops_prev", "scap.n_evts", "scap.n_evts_prev",
        "scap.n_evts_task", "scap.n_evts_task_file_anon_inode", "scap.n_evts_task_file_directory",
        "scap.n_evts_task_file_pipe", "scap.n_evts_task_file_regular",
        "scap.n_evts_task_file_socket_inet",
        // Falco's sample had no libbpf stats (bpf_stats_enabled was 0); these come from the
        // two programs the inputs carry.
        "scap.sys_exit.run_cnt", "scap.sys_exit.run_time_ns", "scap.sys_exit.avg_time_ns",
        "scap.sched_proc_exit.run_cnt", "scap.sched_proc_exit.run_time_ns",
        "scap.sched_proc_exit.avg_time_ns"};
    EXPECT_EQ(field_names(s, false), expected);
    std::string json = output_fields_json(s, false);
    EXPECT_NE(json.find("\"falco.container_memory_used_mb\":231.5"), std::string::npos) << json;
    EXPECT_NE(json.find("\"falco.cpu_usage_perc\":94.0"), std::string::npos) << json;
    EXPECT_NE(json.find("\"falco.memory_rss_mb\":58.7"), std::string::npos) << json;
    EXPECT_NE(json.find("\"falco.host_open_fds\":660"), std::string::npos) << json;
    EXPECT_NE(json.find("\"scap.n_drops_perc\":0.0"), std::string::npos) << json;
    EXPECT_EQ(json.find("\"falco.evts_rate_sec\""), std::string::npos) << "first snapshot";
    EXPECT_EQ(json.find("lo.protocols"), std::string::npos) << "lo is skipped";
}

TEST(Snapshot, IncludeEmptyValuesKeepsZeros) {
    Collection c;
    testing::fill_sample(c);
    Options o;
    o.include_empty_values = true;
    Snapshot s = build_snapshot(c.inputs(), o, nullptr);
    std::string json = output_fields_json(s, true);
    for (const char* field :
         {"\"falco.n_removed_fds\":0", "\"scap.n_drops_buffer_open_exit\":0",
          "\"scap.n_drops_scratch_map\":0", "\"falco.n_stored_evts\":0",
          "\"falco.rules.Read_sensitive_file_untrusted\":0", "\"plugins.container.n_containers\":0",
          "\"scap.n_drops_buffer_total\":0"}) {
        EXPECT_NE(json.find(field), std::string::npos) << field;
    }
}

TEST(Snapshot, ConvertMemoryOffKeepsKibibytesAndBytes) {
    Collection c;
    testing::fill_sample(c);
    Options o;
    o.convert_memory_to_mb = false;
    std::string json = output_fields_json(build_snapshot(c.inputs(), o, nullptr), false);
    EXPECT_NE(json.find("\"falco.memory_rss_kb\":60108"), std::string::npos) << json;
    EXPECT_NE(json.find("\"falco.host_memory_used_kb\":301363"), std::string::npos);
    EXPECT_NE(json.find("\"falco.container_memory_used_bytes\":242745344"), std::string::npos);
    EXPECT_EQ(json.find("_mb\""), std::string::npos);
}

TEST(Snapshot, TogglesRemoveTheirFields) {
    Collection c;
    testing::fill_sample(c);
    Options o;
    o.resource_utilization = false;
    o.state_counters = false;
    o.kernel_event_counters = false;
    o.kernel_iter_event_counters = false;
    o.libbpf_stats = false;
    o.rules_counters = false;
    o.plugins_metrics = false;
    RateTracker rates;
    std::set<std::string> names = field_names(build_snapshot(c.inputs(), o, &rates), true);
    for (const std::string& name : names) {
        EXPECT_TRUE(name.starts_with("evt.") || name.starts_with("falco.sha256") ||
                    name.starts_with("falco.host_netinfo") || name == "falco.version" ||
                    name == "falco.start_ts" || name == "falco.duration_sec" ||
                    name == "falco.kernel_release" || name == "falco.host_boot_ts" ||
                    name == "falco.host_num_cpus" || name == "falco.reload_ts" ||
                    name == "falco.outputs_queue_num_drops" || name == "scap.engine_name" ||
                    name == "falco.num_evts" || name == "falco.num_evts_prev" ||
                    name == "scap.n_drops_perc")
            << name;
    }
    EXPECT_TRUE(names.contains("scap.n_drops_perc"));
}

// Kestrel's per-rule evaluation counts and time: under kestrel names, counters in Prometheus,
// only for rules that ran, only with rules_counters_enabled, only when measured.
TEST(Snapshot, RuleEvaluationTimeUnderKestrelNames) {
    Collection c;
    testing::fill_sample(c);
    c.rules.push_back({"Never Runs", 4, "syscall", {}, 0, 0, 0});
    c.rules[0].evaluations = 1200;
    c.rules[0].evaluation_ns = 2500000000ULL;
    c.rules_timed = true;
    Options o;
    RateTracker rates;
    Snapshot s = build_snapshot(c.inputs(), o, &rates);
    std::set<std::string> names = field_names(s, false);
    EXPECT_TRUE(names.contains("kestrel.rules.Read_sensitive_file_untrusted.evaluations"));
    EXPECT_TRUE(names.contains("kestrel.rules.Read_sensitive_file_untrusted.evaluation_ns"));
    EXPECT_FALSE(names.contains("kestrel.rules.Never_Runs.evaluations"));
    EXPECT_TRUE(field_names(s, true).contains("kestrel.rules.Never_Runs.evaluations"));
    std::string text = prometheus_text(s);
    EXPECT_NE(text.find("# TYPE kestrel_rule_evaluations_total counter"), std::string::npos);
    EXPECT_NE(text.find("# TYPE kestrel_rule_evaluation_seconds_total counter"), std::string::npos);
    EXPECT_NE(text.find("kestrel_rule_evaluations_total{rule_name=\"Read sensitive file "
                        "untrusted\",source=\"syscall\"} 1200"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("kestrel_rule_evaluation_seconds_total{rule_name=\"Read sensitive file "
                        "untrusted\",source=\"syscall\"} 2.5"),
              std::string::npos);
    EXPECT_EQ(text.find("Never Runs"), std::string::npos);

    o.rules_counters = false;
    text = prometheus_text(build_snapshot(c.inputs(), o, nullptr));
    EXPECT_EQ(text.find("kestrel_rule_"), std::string::npos);
    o.rules_counters = true;
    c.rules_timed = false;
    s = build_snapshot(c.inputs(), o, nullptr);
    EXPECT_EQ(prometheus_text(s).find("kestrel_rule_"), std::string::npos);
    for (const std::string& name : field_names(s, true)) {
        EXPECT_FALSE(name.starts_with("kestrel.")) << name;
    }
}

TEST(Snapshot, PerCpuCountersOnlyWhenAsked) {
    Collection c;
    testing::fill_sample(c);
    Options o;
    EXPECT_FALSE(
        field_names(build_snapshot(c.inputs(), o, nullptr), true).contains("scap.n_evts_cpu_0"));
    o.kernel_event_counters_per_cpu = true;
    auto names = field_names(build_snapshot(c.inputs(), o, nullptr), true);
    EXPECT_TRUE(names.contains("scap.n_evts_cpu_0"));
    EXPECT_TRUE(names.contains("scap.n_drops_cpu_1"));
}

TEST(Snapshot, RatesBetweenTwoSnapshots) {
    Collection c;
    testing::fill_sample(c);
    Options o;
    RateTracker rates;
    c.num_evts = 1000;
    c.kernel->n_evts = 2000;
    c.kernel->n_drops = 0;
    (void)build_snapshot(c.inputs(), o, &rates);
    c.now_ns += 2000000000ULL; // two seconds later
    c.num_evts = 3001;
    c.kernel->n_evts = 6000;
    c.kernel->n_drops = 40;
    std::string json = output_fields_json(build_snapshot(c.inputs(), o, &rates), false);
    EXPECT_NE(json.find("\"falco.evts_rate_sec\":1000.5"), std::string::npos) << json;
    EXPECT_NE(json.find("\"falco.num_evts_prev\":1000"), std::string::npos);
    EXPECT_NE(json.find("\"scap.evts_rate_sec\":2000.0"), std::string::npos);
    EXPECT_NE(json.find("\"scap.evts_drop_rate_sec\":20.0"), std::string::npos);
    EXPECT_NE(json.find("\"scap.n_evts_prev\":2000"), std::string::npos);
    EXPECT_NE(json.find("\"scap.n_drops_perc\":1.0"), std::string::npos);
}

TEST(Snapshot, Falco037NamesOnRequest) {
    Collection c;
    testing::fill_sample(c);
    Options o;
    o.falco_037_names = true;
    std::string json = output_fields_json(build_snapshot(c.inputs(), o, nullptr), false);
    EXPECT_NE(json.find("\"falco.cpu_usage_perc_total_host\":54.8"), std::string::npos) << json;
    EXPECT_NE(json.find("\"falco.memory_used_host\":294.3"), std::string::npos);
    EXPECT_NE(json.find("\"falco.open_fds_host\":660"), std::string::npos);
    EXPECT_NE(json.find("\"falco.procs_running_host\":2"), std::string::npos);
    EXPECT_NE(json.find("\"falco.hostname\":\"vm\""), std::string::npos);
}

TEST(Snapshot, ReplayHasNoEngineNameNorKernelCounters) {
    Collection c;
    testing::fill_sample(c);
    c.agent.engine_name.clear();
    c.kernel.reset();
    c.programs.clear();
    RateTracker rates;
    auto names = field_names(build_snapshot(c.inputs(), Options{}, &rates), true);
    EXPECT_FALSE(names.contains("scap.engine_name"));
    EXPECT_FALSE(names.contains("scap.n_evts"));
    EXPECT_TRUE(names.contains("scap.n_drops_perc"));
    EXPECT_TRUE(names.contains("falco.n_threads"));
}

TEST(Snapshot, MetricsFileLine) {
    Snapshot s;
    Metric& m = s.metrics.emplace_back();
    m.field = "a.b";
    m.field_value = Value::of_string("q\"x");
    EXPECT_EQ(metrics_file_line(s, false, 3),
              "{\"output_fields\":{\"a.b\":\"q\\\"x\"},\"sample\":3}");
}

} // namespace
} // namespace kestrel::metrics
