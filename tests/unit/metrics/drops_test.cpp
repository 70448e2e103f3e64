#include "metrics/drops.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "metrics/duration.hpp"
#include "metrics/publish.hpp"

namespace kestrel::metrics {
namespace {

constexpr uint64_t kSec = 1000000000ULL;
constexpr uint64_t kT0 = 1795258254000000000ULL;

TEST(Duration, PrometheusDurationsLikeFalco) {
    EXPECT_EQ(parse_prometheus_duration_ms("15m"), 900000u);
    EXPECT_EQ(parse_prometheus_duration_ms("1s"), 1000u);
    EXPECT_EQ(parse_prometheus_duration_ms("500ms"), 500u);
    EXPECT_EQ(parse_prometheus_duration_ms("1h30m"), 5400000u);
    EXPECT_EQ(parse_prometheus_duration_ms(" 1m 30s "), 90000u);
    EXPECT_EQ(parse_prometheus_duration_ms("1y"), 365ULL * 86400000);
    EXPECT_EQ(parse_prometheus_duration_ms("2w1d"), 15ULL * 86400000);
    EXPECT_EQ(parse_prometheus_duration_ms("1m500ms"), 60500u);
    // Falco 0.44 rejects a bare number (its regex does not match; the interval is 0).
    EXPECT_EQ(parse_prometheus_duration_ms("5000"), 0u);
    EXPECT_EQ(parse_prometheus_duration_ms("30s1m"), 0u) << "units out of order";
    EXPECT_EQ(parse_prometheus_duration_ms("1s1s"), 0u);
    EXPECT_EQ(parse_prometheus_duration_ms("1x"), 0u);
    EXPECT_EQ(parse_prometheus_duration_ms(""), 0u);
    EXPECT_EQ(parse_prometheus_duration_ms("ms"), 0u);
}

TEST(DropConfig, ActionsLikeFalco) {
    auto parse = [](std::vector<std::string> names) { return parse_drop_actions(names); };
    EXPECT_EQ(*parse({}), kDropIgnore);
    EXPECT_EQ(*parse({"log", "alert"}), kDropLog | kDropAlert);
    EXPECT_EQ(*parse({"exit"}), kDropExit);
    EXPECT_EQ(*parse({"log", "ignore"}), kDropLog | kDropIgnore)
        << "Falco only checks earlier ones";
    auto bad = parse({"ignore", "alert"});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message,
              "syscall event drop action \"alert\" does not make sense with the \"ignore\" action");
    auto unknown = parse({"page"});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().message, "available actions for syscall event drops are "
                                       "\"ignore\", \"log\", \"alert\", and \"exit\"");
    EXPECT_TRUE(check_drop_threshold(0).ok());
    EXPECT_TRUE(check_drop_threshold(1).ok());
    ASSERT_FALSE(check_drop_threshold(1.5).ok());
    EXPECT_EQ(check_drop_threshold(-0.1).error().message,
              "syscall event drops threshold must be a double in the range [0, 1]");
}

TEST(TokenBucketTest, StartsFullAndRefillsAtRate) {
    TokenBucket bucket;
    bucket.init(0.5, 2); // one token every 2 s, at most 2
    EXPECT_TRUE(bucket.claim(1, kT0));
    EXPECT_TRUE(bucket.claim(1, kT0));
    EXPECT_FALSE(bucket.claim(1, kT0 + kSec));
    EXPECT_TRUE(bucket.claim(1, kT0 + 2 * kSec));
    EXPECT_FALSE(bucket.claim(1, kT0 + 2 * kSec));
    EXPECT_TRUE(bucket.claim(1, kT0 + 100 * kSec)); // capped at 2 ...
    EXPECT_TRUE(bucket.claim(1, kT0 + 100 * kSec));
    EXPECT_FALSE(bucket.claim(1, kT0 + 100 * kSec)); // ... not 49
}

// Drives a monitor with one event every 100 ms and `drops_per_second` new drops out of 1000
// events per second; returns the verdicts that acted.
std::vector<DropVerdict> drive(const DropConfig& config, uint64_t seconds,
                               uint64_t drops_per_second) {
    DropCounts counts;
    DropMonitor monitor(config, counts);
    std::vector<DropVerdict> acted;
    for (uint64_t tick = 0; tick <= seconds * 10; ++tick) {
        uint64_t ts = kT0 + tick * (kSec / 10);
        counts.n_evts += 100;
        counts.n_drops += drops_per_second / 10;
        counts.n_drops_buffer_total += drops_per_second / 10;
        counts.n_drops_buffer_exit[3] += drops_per_second / 10; // open
        DropVerdict v = monitor.on_event(ts, [&] { return counts; });
        if (v.act) {
            acted.push_back(v);
        }
    }
    return acted;
}

TEST(DropMonitorTest, RateLimitedByTheTokenBucket) {
    DropConfig config;
    config.threshold = 0.01;
    config.rate = 0.1; // one action per 10 s, burst 1
    auto acted = drive(config, 60, 500);
    // Checks happen about once per second; the first takes the initial token, then one per
    // 10 s of event time.
    ASSERT_GE(acted.size(), 6u);
    ASSERT_LE(acted.size(), 7u);
    for (size_t i = 1; i < acted.size(); ++i) {
        EXPECT_GE(acted[i].ts_ns - acted[i - 1].ts_ns, 10 * kSec - kSec / 10);
    }
    EXPECT_TRUE(acted[0].log);
    EXPECT_TRUE(acted[0].alert);
    EXPECT_FALSE(acted[0].exit);
    EXPECT_GT(acted[0].delta.n_drops, 0u);
    EXPECT_EQ(acted[0].delta.n_drops, acted[0].delta.n_drops_buffer_exit[3]);
}

TEST(DropMonitorTest, BelowThresholdDoesNothing) {
    DropConfig config;
    config.threshold = 0.1;
    EXPECT_TRUE(drive(config, 20, 50).empty());   // 5 % of the events
    EXPECT_FALSE(drive(config, 20, 500).empty()); // 50 %
}

TEST(DropMonitorTest, SimulatedDropsActWithoutRealOnes) {
    DropConfig config;
    config.simulate_drops = true;
    config.threshold = 0.9; // ignored when simulating
    config.rate = 1;
    auto acted = drive(config, 5, 0);
    ASSERT_FALSE(acted.empty());
    EXPECT_EQ(acted[0].delta.n_drops, 1u);
}

TEST(DropMonitorTest, AlertTextAndFieldsLikeFalco) {
    DropVerdict v;
    v.delta.n_evts = 1000;
    v.delta.n_drops = 12;
    v.delta.n_drops_buffer_total = 12;
    v.delta.n_drops_buffer_exit[1] = 12;
    EXPECT_EQ(v.message(),
              "Falco internal: syscall event drop. 12 system calls dropped in last second.");
    std::string fields = v.output_fields_json(true);
    EXPECT_EQ(fields,
              "{\"ebpf_enabled\":\"1\",\"n_drops\":\"12\","
              "\"n_drops_buffer_clone_fork_exit\":\"0\",\"n_drops_buffer_close_exit\":\"0\","
              "\"n_drops_buffer_connect_exit\":\"0\",\"n_drops_buffer_dir_file_exit\":\"0\","
              "\"n_drops_buffer_execve_exit\":\"12\",\"n_drops_buffer_open_exit\":\"0\","
              "\"n_drops_buffer_other_interest_exit\":\"0\",\"n_drops_buffer_proc_exit\":\"0\","
              "\"n_drops_buffer_total\":\"12\",\"n_drops_bug\":\"0\",\"n_drops_page_faults\":\"0\","
              "\"n_drops_scratch_map\":\"0\",\"n_evts\":\"1000\"}");
}

TEST(PublicationTest, ReaderSeesConsistentCopies) {
    // The writer keeps every word equal to its generation; a torn read would mix two.
    Publication pub(64, 0);
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        for (uint64_t gen = 1; !stop.load(); ++gen) {
            pub.publish(gen, [gen](auto set) {
                for (size_t i = 0; i < 64; ++i) {
                    set(i, gen);
                }
            });
        }
    });
    std::vector<uint64_t> copy(64);
    uint64_t torn = 0;
    uint64_t reads = 0;
    while (pub.generation() < 20000) {
        pub.read(copy);
        ++reads;
        for (uint64_t w : copy) {
            torn += w != copy[0] ? 1 : 0;
        }
    }
    stop = true;
    writer.join();
    EXPECT_EQ(torn, 0u);
    EXPECT_GT(reads, 0u);
}

TEST(PublicationTest, DueOncePerPeriodOfEventTime) {
    Publication pub(1, 100 * 1000000ULL);
    EXPECT_TRUE(pub.due(kT0));
    pub.publish(kT0, [](auto set) { set(0, 7); });
    EXPECT_FALSE(pub.due(kT0 + 50 * 1000000ULL));
    EXPECT_TRUE(pub.due(kT0 + 100 * 1000000ULL));
    EXPECT_TRUE(pub.due(kT0 - 1)) << "a clock that went back publishes";
    uint64_t v = 0;
    pub.read(std::span<uint64_t>(&v, 1));
    EXPECT_EQ(v, 7u);
}

} // namespace
} // namespace kestrel::metrics
