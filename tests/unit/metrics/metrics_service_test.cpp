#include "daemon/metrics_service.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "daemon/engine_metrics.hpp"
#include "event/builder.hpp"
#include "metrics/encode.hpp"
#include "rules/loader.hpp"

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

// A timed ruleset's evaluation counts and time reach the readers with its matches.
TEST(EngineCountersTest, PublishesRuleEvaluationsOfATimedRuleset) {
    rules::RulesLoader loader;
    loader.load_content("- rule: opens\n  desc: d\n  condition: evt.type = openat\n"
                        "  output: o\n  priority: WARNING\n",
                        "inline.yaml");
    eval::RulesetOptions options;
    options.time_rules = true;
    auto ruleset = eval::Ruleset::compile(loader.ruleset(), options);
    ASSERT_TRUE(ruleset.ok());
    std::vector<uint8_t> buf;
    event::RecordBuilder b(buf, KES_EVT_OPENAT);
    b.ts_ns(1).tid(1).pid(1).comm("cat");
    b.add_int64(3)
        .add_int64(-100)
        .add_string("/etc/passwd")
        .add_uint32(0)
        .add_uint32(0)
        .add_uint32(0)
        .add_uint64(0);
    b.finish();
    auto view = event::decode(buf, nullptr);
    ASSERT_TRUE(view.ok());
    for (int i = 0; i < 640; ++i) {
        ruleset->evaluate(*view);
    }
    EngineCounters counters(&*ruleset);
    ASSERT_TRUE(counters.timed());
    counters.publish(kT0, 640, state::Counters{});
    EngineCounters::Copy copy;
    counters.read(&copy);
    ASSERT_EQ(copy.rule_matches.size(), 1u);
    EXPECT_EQ(copy.rule_matches[0], 640u);
    ASSERT_EQ(copy.rule_evaluations.size(), 1u);
    EXPECT_EQ(copy.rule_evaluations[0], 640u);
    EXPECT_GT(copy.rule_evaluation_ns[0], 0u);

    Config config;
    config.metrics.enabled = true;
    MetricsService service(config);
    service.set_engine_counters(&counters);
    std::string text = service.registry().prometheus_text();
    EXPECT_NE(text.find("kestrel_rule_evaluations_total{rule_name=\"opens\",source=\"syscall\"} "
                        "640"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("kestrel_rule_evaluation_seconds_total{rule_name=\"opens\""),
              std::string::npos);
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
