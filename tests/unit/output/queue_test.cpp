// The alert queue, dispatcher and sink workers: bounded, never blocking the producer, order kept,
// every drop counted, shutdown bounded even with a sink that never returns on its own.

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "output/outputs.hpp"
#include "output/ring.hpp"
#include "test_alerts.hpp"

namespace kestrel::output {
namespace {

using testing::fill_alert;
using testing::test_rule;

// Records every line; optionally blocks in deliver() until released or told to stop.
class RecordingSink final : public Sink {
  public:
    explicit RecordingSink(std::string name, bool block = false)
        : name_(std::move(name)), block_(block) {}
    [[nodiscard]] std::string_view name() const override { return name_; }
    void deliver(const eval::Alert& alert, std::string_view line) override {
        entered_.store(true);
        while (block_ && !released_.load() && !stop_requested()) {
            std::this_thread::yield();
        }
        if (stop_requested() && block_ && !released_.load()) {
            counters().failed.fetch_add(1);
            counters().dropped.fetch_add(1);
            return;
        }
        std::lock_guard<std::mutex> lock(mu_);
        lines_.emplace_back(line);
        sources_.push_back(alert.rule ? alert.rule->source : "");
        counters().delivered.fetch_add(1);
    }
    void flush() override { flushes_.fetch_add(1); }
    void reopen() override { reopens_.fetch_add(1); }

    std::vector<std::string> lines() {
        std::lock_guard<std::mutex> lock(mu_);
        return lines_;
    }
    // The rule source of each delivered alert, parallel to lines().
    std::vector<std::string> sources() {
        std::lock_guard<std::mutex> lock(mu_);
        return sources_;
    }
    std::atomic<bool> entered_{false};
    std::atomic<bool> released_{false};
    std::atomic<int> flushes_{0};
    std::atomic<int> reopens_{0};

  private:
    std::string name_;
    bool block_;
    std::mutex mu_;
    std::vector<std::string> lines_;
    std::vector<std::string> sources_;
};

// A sink that ignores stop requests entirely: shutdown must leave it behind.
class StuckSink final : public Sink {
  public:
    [[nodiscard]] std::string_view name() const override { return "stuck"; }
    void deliver(const eval::Alert& /*alert*/, std::string_view /*line*/) override {
        entered.store(true);
        while (!release.load()) {
            std::this_thread::yield();
        }
    }
    std::atomic<bool> entered{false};
    std::atomic<bool> release{false};
};

OutputsOptions options(size_t capacity) {
    OutputsOptions o;
    o.capacity = capacity;
    o.format.time_format_iso_8601 = true; // no local time zone in the expected lines
    o.drain_budget = std::chrono::milliseconds(200);
    o.stop_grace = std::chrono::milliseconds(200);
    return o;
}

bool push(Outputs& outputs, const std::shared_ptr<const eval::AlertRule>& rule, int i) {
    eval::Alert* slot = outputs.claim();
    if (slot == nullptr) {
        return false;
    }
    fill_alert(*slot, rule, "alert " + std::to_string(i), 1'000'000'000ULL * 86400 + i);
    outputs.commit();
    return true;
}

TEST(outputRing, FullRingRefusesAndKeepsOrder) {
    SpscRing<int> ring(3);
    for (int i = 0; i < 3; ++i) {
        int* slot = ring.claim();
        ASSERT_NE(slot, nullptr);
        *slot = i;
        ring.commit();
    }
    EXPECT_EQ(ring.claim(), nullptr);
    EXPECT_EQ(ring.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        int* front = ring.front();
        ASSERT_NE(front, nullptr);
        EXPECT_EQ(*front, i);
        ring.pop();
    }
    EXPECT_EQ(ring.front(), nullptr);
    EXPECT_NE(ring.claim(), nullptr); // space again
}

TEST(outputQueue, EveryAlertDeliveredInOrderToEverySink) {
    auto a = std::make_unique<RecordingSink>("a");
    auto b = std::make_unique<RecordingSink>("b");
    RecordingSink* pa = a.get();
    RecordingSink* pb = b.get();
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::move(a));
    sinks.push_back(std::move(b));
    Outputs outputs(std::move(sinks), options(4096));
    auto rule = test_rule(rules::Priority::kWarning);
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(push(outputs, rule, i));
    }
    ShutdownReport report = outputs.shutdown();
    EXPECT_TRUE(report.drained);
    for (RecordingSink* sink : {pa, pb}) {
        std::vector<std::string> lines = sink->lines();
        ASSERT_EQ(lines.size(), 1000u);
        EXPECT_EQ(lines[0], "1970-01-02T00:00:00.000000000+0000: Warning alert 0");
        EXPECT_EQ(lines[999], "1970-01-02T00:00:00.000000999+0000: Warning alert 999");
        for (int i = 0; i < 1000; ++i) {
            ASSERT_NE(lines[i].find("alert " + std::to_string(i)), std::string::npos) << i;
        }
        EXPECT_EQ(sink->counters().delivered.load(), 1000u);
        EXPECT_EQ(sink->counters().dropped.load(), 0u);
        EXPECT_GE(sink->flushes_.load(), 1);
        EXPECT_EQ(sink->latency().snapshot().count, 1000u);
        EXPECT_EQ(sink->queue_latency().snapshot().count, 1000u);
    }
    EXPECT_EQ(outputs.queue_drops(), 0u);
    EXPECT_EQ(outputs.queued_total(), 1000u);
}

TEST(outputQueue, BlockedSinkDropsForItselfOnlyAndNeverBlocksTheProducer) {
    auto slow = std::make_unique<RecordingSink>("slow", /*block=*/true);
    auto fast = std::make_unique<RecordingSink>("fast");
    RecordingSink* ps = slow.get();
    RecordingSink* pf = fast.get();
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::move(slow));
    sinks.push_back(std::move(fast));
    Outputs outputs(std::move(sinks), options(8));
    auto rule = test_rule(rules::Priority::kError);
    // The producer never waits: each push either queues or counts a drop at once. Pushing in
    // rounds that wait for the fast sink keeps the main queue from filling.
    uint64_t pushed = 0;
    for (int i = 0; i < 200; ++i) {
        if (push(outputs, rule, i)) {
            ++pushed;
        }
        while (pf->counters().delivered.load() + outputs.queue_drops() <
               static_cast<uint64_t>(i + 1)) {
            std::this_thread::yield();
        }
    }
    // Its worker takes the first alert when the scheduler lets it (a loaded host may not have
    // run it yet); the alert stays in its slot while deliver() holds it.
    while (!ps->entered_.load()) {
        std::this_thread::yield();
    }
    EXPECT_EQ(pf->counters().delivered.load(), pushed);
    // The slow sink's 8 slots hold the alert in deliver() and 7 more; the rest were dropped.
    EXPECT_EQ(ps->counters().dropped.load(), pushed - 8);

    ShutdownReport report = outputs.shutdown(); // the blocked sink honours its stop request
    EXPECT_FALSE(report.drained);
    EXPECT_EQ(report.abandoned_sinks, 0u);
    EXPECT_EQ(ps->counters().delivered.load(), 0u);
    EXPECT_EQ(ps->counters().dropped.load(), pushed); // nothing lost silently
}

TEST(outputQueue, FullMainQueueDropsAndCounts) {
    // No dispatcher progress is guaranteed between the pushes, but the queue holds at most 2:
    // with 1000 pushes in a row, some are refused, each counted once.
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::make_unique<RecordingSink>("a", /*block=*/true));
    Outputs outputs(std::move(sinks), options(2));
    auto rule = test_rule(rules::Priority::kError);
    uint64_t queued = 0;
    for (int i = 0; i < 1000; ++i) {
        queued += push(outputs, rule, i) ? 1 : 0;
    }
    EXPECT_EQ(queued + outputs.queue_drops(), 1000u);
    EXPECT_EQ(outputs.queued_total(), queued);
    outputs.shutdown();
    const SinkCounters& c = outputs.sink(0).counters();
    EXPECT_EQ(c.delivered.load() + c.dropped.load(), queued);
}

TEST(outputQueue, SinkIgnoringStopIsLeftBehindWithoutDeadlock) {
    auto stuck = std::make_unique<StuckSink>();
    StuckSink* ps = stuck.get();
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::move(stuck));
    auto outputs = std::make_unique<Outputs>(std::move(sinks), options(4));
    auto rule = test_rule(rules::Priority::kError);
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(push(*outputs, rule, i));
    }
    while (!ps->entered.load()) {
        std::this_thread::yield();
    }
    ShutdownReport report = outputs->shutdown();
    EXPECT_FALSE(report.drained);
    EXPECT_EQ(report.abandoned_sinks, 1u);
    // The alert it is stuck on and the two queued behind it.
    EXPECT_EQ(outputs->sink(0).counters().dropped.load(), 3u);
    outputs.reset();    // safe: the stuck worker was leaked, not destroyed
    ps->release = true; // let the leaked thread finish before the test binary exits
}

TEST(outputQueue, ReopenReachesEverySink) {
    auto a = std::make_unique<RecordingSink>("a");
    RecordingSink* pa = a.get();
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::move(a));
    Outputs outputs(std::move(sinks), options(8));
    outputs.request_reopen();
    while (pa->reopens_.load() == 0) {
        std::this_thread::yield();
    }
    request_reopen_all(); // the SIGUSR1 path
    while (pa->reopens_.load() == 1) {
        std::this_thread::yield();
    }
    outputs.shutdown();
    EXPECT_EQ(pa->reopens_.load(), 2);
}

std::shared_ptr<const eval::AlertRule> internal_rule() {
    auto rule = std::make_shared<eval::AlertRule>();
    rule->name = "Falco internal: metrics snapshot";
    rule->source = "internal";
    rule->priority = rules::Priority::kInformational;
    return rule;
}

TEST(outputQueue, InternalMessagesFromManyThreadsReachEverySinkBesideTheHotPath) {
    auto a = std::make_unique<RecordingSink>("a");
    auto b = std::make_unique<RecordingSink>("b");
    RecordingSink* pa = a.get();
    RecordingSink* pb = b.get();
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::move(a));
    sinks.push_back(std::move(b));
    Outputs outputs(std::move(sinks), options(4096));
    // 4 threads x 50 internal messages (fewer than kInternalQueueCapacity: none can be
    // dropped) while this thread, the hot path, queues 100 rule alerts.
    constexpr int kThreads = 4;
    constexpr int kEach = 50;
    static_assert(kThreads * kEach <= static_cast<int>(kInternalQueueCapacity));
    std::vector<std::thread> posters;
    for (int t = 0; t < kThreads; ++t) {
        posters.emplace_back([&outputs, t] {
            for (int i = 0; i < kEach; ++i) {
                EXPECT_TRUE(outputs.post_internal(
                    internal_rule(), 1, "internal " + std::to_string(t) + " " + std::to_string(i)));
            }
        });
    }
    auto rule = test_rule(rules::Priority::kWarning);
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(push(outputs, rule, i));
    }
    for (auto& poster : posters) {
        poster.join();
    }
    outputs.shutdown();
    EXPECT_EQ(outputs.internal_posted(), static_cast<uint64_t>(kThreads * kEach));
    EXPECT_EQ(outputs.internal_drops(), 0u);
    EXPECT_EQ(outputs.queue_drops(), 0u);
    for (RecordingSink* sink : {pa, pb}) {
        std::vector<std::string> lines = sink->lines();
        std::vector<std::string> sources = sink->sources();
        ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kEach + 100));
        // Each producer's order is kept; internal lines are delivered exactly as rendered.
        std::vector<int> next(kThreads, 0);
        int rule_alerts = 0;
        for (size_t i = 0; i < lines.size(); ++i) {
            if (sources[i] == "internal") {
                int t = lines[i][9] - '0';
                ASSERT_TRUE(t >= 0 && t < kThreads) << lines[i];
                EXPECT_EQ(lines[i],
                          "internal " + std::to_string(t) + " " + std::to_string(next[t]++));
            } else {
                EXPECT_NE(lines[i].find("alert " + std::to_string(rule_alerts++)),
                          std::string::npos);
            }
        }
        EXPECT_EQ(rule_alerts, 100);
        EXPECT_EQ(sink->counters().delivered.load(), lines.size());
        // The latency histograms measure event -> alert: internal messages have no event.
        EXPECT_EQ(sink->latency().snapshot().count, 100u);
    }
}

TEST(outputQueue, InternalMessagesBeyondTheQueueOrAfterShutdownAreCounted) {
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::make_unique<RecordingSink>("a"));
    Outputs outputs(std::move(sinks), options(8));
    // In a tight loop the dispatcher may or may not keep up: each post is queued or counted.
    uint64_t posted = 0;
    for (int i = 0; i < 2000; ++i) {
        posted += outputs.post_internal(internal_rule(), 1, "m") ? 1 : 0;
    }
    EXPECT_EQ(posted + outputs.internal_drops(), 2000u);
    EXPECT_EQ(outputs.queue_drops(), outputs.internal_drops()); // Falco's one counter
    outputs.shutdown();
    const SinkCounters& c = outputs.sink(0).counters();
    EXPECT_EQ(c.delivered.load() + c.dropped.load(), posted);
    const uint64_t drops = outputs.internal_drops();
    EXPECT_FALSE(outputs.post_internal(internal_rule(), 1, "too late"));
    EXPECT_EQ(outputs.internal_drops(), drops + 1);
    EXPECT_EQ(outputs.queue_drops(), drops + 1);
}

TEST(outputHistogram, LogScaleBuckets) {
    EXPECT_EQ(LatencyHistogram::bucket_of(0), 0u);
    EXPECT_EQ(LatencyHistogram::bucket_of(1000), 0u);
    EXPECT_EQ(LatencyHistogram::bucket_of(1001), 1u);
    EXPECT_EQ(LatencyHistogram::bucket_of(2000), 1u);
    EXPECT_EQ(LatencyHistogram::bucket_of(2001), 2u);
    EXPECT_EQ(LatencyHistogram::bucket_of(UINT64_MAX), LatencyHistogram::kBuckets - 1);
    LatencyHistogram h;
    for (int i = 0; i < 99; ++i) {
        h.record(1500); // <= 2 us
    }
    h.record(3'000'000); // <= 4.096 ms
    auto s = h.snapshot();
    EXPECT_EQ(s.count, 100u);
    EXPECT_EQ(s.quantile_upper_ns(0.5), 2000u);
    EXPECT_EQ(s.quantile_upper_ns(1.0), 4'096'000u);
}

} // namespace
} // namespace kestrel::output
