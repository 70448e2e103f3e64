#include "metrics/internal_alert.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "metrics/drops.hpp"
#include "metrics/snapshot_loop.hpp"
#include "sample_inputs.hpp"

namespace kestrel::metrics {
namespace {

InternalAlert small_alert() {
    InternalAlert a;
    a.wall_ns = 1795258254308069675ULL; // 2026-11-21T10:50:54.308069675Z
    a.rule = std::string(kSnapshotRule);
    a.message = std::string(kSnapshotMessage);
    a.fields = {{"evt.hostname", Value::of_string("vm")},
                {"falco.cpu_usage_perc", Value::of_double(94.0)},
                {"scap.n_evts", Value::of_uint(21)}};
    return a;
}

TEST(InternalAlertTest, JsonLikeFalcoHandleMsg) {
    InternalFormat f;
    f.json_output = true;
    f.hostname = "vm";
    EXPECT_EQ(render_internal_alert(small_alert(), f),
              "{\"hostname\":\"vm\",\"output\":\"Falco metrics snapshot\",\"output_fields\":{"
              "\"evt.hostname\":\"vm\",\"falco.cpu_usage_perc\":94.0,\"scap.n_evts\":21},"
              "\"priority\":\"Informational\",\"rule\":\"Falco internal: metrics snapshot\","
              "\"source\":\"internal\",\"time\":\"2026-11-21T10:50:54.308069675Z\"}");
}

TEST(InternalAlertTest, TextListsFieldsAfterTheMessage) {
    std::string line = render_internal_alert(small_alert(), InternalFormat{});
    // The time is local (Falco's ts_to_string); the rest is fixed.
    ASSERT_GT(line.size(), 20u);
    EXPECT_EQ(line.substr(8, 11), ".308069675:");
    EXPECT_EQ(line.substr(19), " Informational Falco metrics snapshot (evt.hostname=\"vm\" "
                               "falco.cpu_usage_perc=94.0 scap.n_evts=21)");
}

TEST(InternalAlertTest, DropAlertIsDebugWithStringFields) {
    DropVerdict v;
    v.ts_ns = 1;
    v.delta.n_evts = 10;
    v.delta.n_drops = 3;
    InternalAlert a = v.to_alert(false);
    EXPECT_EQ(a.rule, "Falco internal: syscall event drop");
    EXPECT_EQ(a.priority, kPriorityDebug);
    EXPECT_EQ(a.message,
              "Falco internal: syscall event drop. 3 system calls dropped in last second.");
    ASSERT_EQ(a.fields.size(), 15u);
    EXPECT_EQ(a.fields.front().first, "ebpf_enabled");
    EXPECT_EQ(a.fields.front().second.s, "0");
}

TEST(InternalAlertTest, SnapshotAlertFiltersZeros) {
    Collection c;
    testing::fill_sample(c);
    RateTracker rates;
    InternalAlert a =
        InternalAlert::from_snapshot(build_snapshot(c.inputs(), Options{}, &rates), false);
    bool has_removed = false;
    bool has_n_evts = false;
    for (const auto& [key, value] : a.fields) {
        has_removed |= key == "falco.n_removed_fds";
        has_n_evts |= key == "scap.n_evts";
    }
    EXPECT_FALSE(has_removed);
    EXPECT_TRUE(has_n_evts);
}

TEST(SnapshotLoopTest, AlertsAndFileLinesEveryInterval) {
    std::string path = ::testing::TempDir() + "/kestrel_metrics_loop.jsonl";
    std::remove(path.c_str());
    Registry registry(Options{}, [](Collection& c, Registry::Purpose) { testing::fill_sample(c); });
    std::mutex mutex;
    std::vector<InternalAlert> alerts;
    SnapshotSettings settings;
    settings.interval_ms = 100;
    settings.output_file = path;
    auto loop = SnapshotLoop::start(registry, settings, [&](InternalAlert&& a) {
        std::lock_guard lock(mutex);
        alerts.push_back(std::move(a));
    });
    ASSERT_TRUE(loop.ok()) << loop.error().to_string();
    for (int i = 0; i < 600 && (*loop)->samples() < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    loop->reset(); // stops the thread
    std::lock_guard lock(mutex);
    ASSERT_GE(alerts.size(), 2u);
    EXPECT_EQ(alerts[0].rule, "Falco internal: metrics snapshot");
    std::ifstream file(path);
    std::string first;
    std::string second;
    ASSERT_TRUE(std::getline(file, first));
    ASSERT_TRUE(std::getline(file, second));
    EXPECT_TRUE(first.starts_with("{\"output_fields\":{\"evt.hostname\":\"vm\""));
    EXPECT_TRUE(first.ends_with(",\"sample\":0}")) << first;
    EXPECT_TRUE(second.ends_with(",\"sample\":1}")) << second;
    std::remove(path.c_str());
}

TEST(SnapshotLoopTest, UnwritableOutputFileIsAnError) {
    Registry registry(Options{}, [](Collection& c, Registry::Purpose) { testing::fill_sample(c); });
    SnapshotSettings settings;
    settings.output_file = "/nonexistent-dir/metrics.jsonl";
    auto loop = SnapshotLoop::start(registry, settings, nullptr);
    ASSERT_FALSE(loop.ok());
    EXPECT_NE(loop.error().to_string().find("/nonexistent-dir/metrics.jsonl"), std::string::npos);
}

} // namespace
} // namespace kestrel::metrics
