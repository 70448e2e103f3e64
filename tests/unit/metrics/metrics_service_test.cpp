#include "daemon/metrics_service.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "daemon/engine_metrics.hpp"
#include "metrics/encode.hpp"

namespace kestrel::daemon {
namespace {

constexpr uint64_t kT0 = 1795258254000000000ULL;

TEST(EngineCountersTest, PublishesStateAndEventCounts) {
    EngineCounters counters(nullptr);
    EngineCounters::Copy copy;
    counters.read(&copy);
    EXPECT_FALSE(copy.published);
    state::Counters state;
    state.n_threads = 18;
    state.n_added_fds = 280;
    ASSERT_TRUE(counters.due(kT0));
    counters.publish(kT0, 1234, state);
    EXPECT_FALSE(counters.due(kT0 + EngineCounters::kPeriodNs / 2));
    EXPECT_TRUE(counters.due(kT0 + EngineCounters::kPeriodNs));
    counters.read(&copy);
    EXPECT_TRUE(copy.published);
    EXPECT_EQ(copy.num_evts, 1234u);
    ASSERT_EQ(copy.state.size(), counters.state_layout().size());
    EXPECT_EQ(counters.state_layout()[0].name, "n_threads");
    EXPECT_EQ(copy.state[0], 18u);
}

TEST(MetricsServiceTest, PrometheusAndSnapshotFromSources) {
    Config config;
    config.metrics.enabled = true;
    std::string rules = ::testing::TempDir() + "/kestrel_metrics_rules.yaml";
    {
        std::ofstream out(rules);
        out << "abc";
    }
    config.rules_files = {rules};
    EngineCounters counters(nullptr);
    state::Counters state;
    state.n_threads = 7;
    counters.publish(kT0, 99, state);
    MetricsService service(config);
    service.set_engine_counters(&counters);
    service.sources().engine_name = "modern_bpf";
    service.sources().kernel = [] {
        metrics::KernelCounters k;
        k.n_evts = 500;
        k.n_drops = 3;
        k.n_drops_buffer_exit[3] = 3;
        return std::optional<metrics::KernelCounters>(k);
    };
    service.sources().outputs_queue_drops = [] { return uint64_t{2}; };
    std::string text = service.registry().prometheus_text();
    EXPECT_NE(text.find("falcosecurity_scap_n_evts_total 500\n"), std::string::npos) << text;
    EXPECT_NE(text.find("falcosecurity_scap_n_drops_buffer_total{dir=\"exit\",drop=\"open\"} 3\n"),
              std::string::npos);
    EXPECT_NE(text.find("falcosecurity_scap_n_threads_total 7\n"), std::string::npos);
    EXPECT_NE(text.find("falcosecurity_falco_outputs_queue_num_drops_total 2\n"),
              std::string::npos);
    // Real collectors: this process's memory is never zero.
    EXPECT_EQ(text.find("falcosecurity_falco_memory_rss_bytes 0\n"), std::string::npos);
    EXPECT_NE(text.find("falcosecurity_falco_memory_rss_bytes "), std::string::npos);
    metrics::Snapshot s = service.registry().take_snapshot();
    std::string json = metrics::output_fields_json(s, false);
    EXPECT_NE(json.find("\"falco.num_evts\":99"), std::string::npos) << json;
    EXPECT_NE(json.find("\"scap.engine_name\":\"modern_bpf\""), std::string::npos);
    EXPECT_NE(json.find("\"falco.version\":\"0.44.1\""), std::string::npos);
    EXPECT_NE(json.find("\"falco.sha256_rules_file.kestrel_metrics_rules_yaml\":\"ba7816bf8f01cfea"
                        "414140de5dae2223b00361a396177a9cb410ff61f20015ad\""),
              std::string::npos);
}

TEST(MetricsServiceTest, SnapshotThreadWritesTheOutputFile) {
    std::string path = ::testing::TempDir() + "/kestrel_service_metrics.jsonl";
    std::remove(path.c_str());
    Config config;
    config.metrics.enabled = true;
    config.metrics.interval_ms = 100;
    config.metrics.output_rule = false;
    config.metrics.output_file = path;
    MetricsService service(config);
    ASSERT_TRUE(service.start(nullptr).ok());
    std::string line;
    for (int i = 0; i < 600 && line.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::ifstream in(path);
        std::getline(in, line);
    }
    service.stop();
    EXPECT_TRUE(line.starts_with("{\"output_fields\":{")) << line;
    EXPECT_NE(line.find("\"falco.host_num_cpus\":"), std::string::npos);
    std::remove(path.c_str());
}

TEST(EngineMetricsTest, NothingWantedNothingBuilt) {
    Config config;
    EngineMetrics metrics(config, nullptr);
    EXPECT_EQ(metrics.counters(), nullptr);
    EXPECT_EQ(metrics.service(), nullptr);
    EXPECT_TRUE(metrics.start().ok());
    EXPECT_TRUE(metrics.check_drops(kT0)) << "no probe watched: no drop checks";
}

} // namespace
} // namespace kestrel::daemon
