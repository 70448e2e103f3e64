#include "metrics/names.hpp"

#include <gtest/gtest.h>

namespace kestrel::metrics {
namespace {

TEST(MetricNames, SanitizeLikeFalco) {
    EXPECT_EQ(sanitize_name("Read sensitive file untrusted"), "Read_sensitive_file_untrusted");
    EXPECT_EQ(sanitize_name("falco_rules.yaml"), "falco_rules_yaml");
    EXPECT_EQ(sanitize_name("Drop (and) execute!"), "Drop_and_execute");
    EXPECT_EQ(sanitize_name("a::b"), "a::b");
}

TEST(MetricNames, PrometheusFamiliesOfTheFalcoSample) {
    // Every pair comes from falco-metrics-sample.prom (Falco 0.44.1).
    EXPECT_EQ(prometheus_family("scap", "n_evts", Unit::kCount), "falcosecurity_scap_n_evts_total");
    EXPECT_EQ(prometheus_family("scap", "n_drops_buffer_total", Unit::kCount),
              "falcosecurity_scap_n_drops_buffer_total");
    EXPECT_EQ(prometheus_family("scap", "sys_exit.run_cnt", Unit::kCount),
              "falcosecurity_scap_sys_exit_run_cnt_total");
    EXPECT_EQ(prometheus_family("scap", "sys_exit.run_time_ns", Unit::kNsCount),
              "falcosecurity_scap_sys_exit_run_time_nanoseconds_total");
    EXPECT_EQ(prometheus_family("scap", "sys_exit.avg_time_ns", Unit::kNs),
              "falcosecurity_scap_sys_exit_avg_time_nanoseconds");
    EXPECT_EQ(prometheus_family("falco", "cpu_usage_ratio", Unit::kRatio),
              "falcosecurity_falco_cpu_usage_ratio");
    EXPECT_EQ(prometheus_family("falco", "memory_rss_bytes", Unit::kBytes),
              "falcosecurity_falco_memory_rss_bytes");
    EXPECT_EQ(prometheus_family("falco", "reload_ts", Unit::kTimestampNs),
              "falcosecurity_falco_reload_timestamp_nanoseconds");
    EXPECT_EQ(prometheus_family("falco", "duration_sec", Unit::kSecondsCount),
              "falcosecurity_falco_duration_seconds_total");
    EXPECT_EQ(prometheus_family("falco", "host_num_cpus", Unit::kCount),
              "falcosecurity_falco_host_num_cpus_total");
    EXPECT_EQ(prometheus_family("plugins", "container.n_containers", Unit::kCount),
              "falcosecurity_plugins_container_n_containers_total");
    EXPECT_EQ(prometheus_family("falco", "outputs_queue_num_drops", Unit::kCount),
              "falcosecurity_falco_outputs_queue_num_drops_total");
}

TEST(MetricNames, LabelNamesAreValidPrometheus) {
    EXPECT_EQ(sanitize_label_name("tag_mitre_execution"), "tag_mitre_execution");
    EXPECT_EQ(sanitize_label_name("tag_k8s.io-thing"), "tag_k8s_io_thing");
    EXPECT_EQ(sanitize_label_name("1abc"), "_1abc");
}

TEST(MetricNames, MemoryToMegabytesRoundsToOneDecimal) {
    EXPECT_DOUBLE_EQ(kib_to_mb(60108), 58.7);
    EXPECT_DOUBLE_EQ(bytes_to_mb(242745344), 231.5);
    EXPECT_DOUBLE_EQ(kib_to_mb(0), 0.0);
}

} // namespace
} // namespace kestrel::metrics
