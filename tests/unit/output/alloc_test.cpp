// Steady state allocates nothing anywhere on the alert path: the hot path's claim/fill/commit,
// the dispatcher's copy into each sink's queue, the worker's rendering of the JSON line.
// Its own binary: it replaces the global operator new to count allocations in every thread.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "../alloc_counter.hpp"
#include "output/outputs.hpp"
#include "test_alerts.hpp"

namespace kestrel::output {
namespace {

class CountingSink final : public Sink {
  public:
    [[nodiscard]] std::string_view name() const override { return "count"; }
    void deliver(const eval::Alert& /*alert*/, std::string_view line) override {
        bytes += line.size();
        counters().delivered.fetch_add(1, std::memory_order_relaxed);
    }
    uint64_t bytes = 0;
};

TEST(outputAlloc, SteadyStateAllocatesNothing) {
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::make_unique<CountingSink>());
    sinks.push_back(std::make_unique<CountingSink>());
    OutputsOptions options;
    options.capacity = 64;
    options.format.json_output = true;
    options.format.time_format_iso_8601 = true;
    Outputs outputs(std::move(sinks), options);
    auto rule = testing::test_rule(rules::Priority::kWarning);
    const std::string message(300, 'x');

    uint64_t total = 0;
    auto run = [&](int n, uint64_t base) {
        for (int i = 0; i < n; ++i) {
            eval::Alert* slot = nullptr;
            while ((slot = outputs.claim()) == nullptr) {
                std::this_thread::yield(); // a drop (counted); the test retries
            }
            slot->rule = rule;
            slot->wall_ns = base + static_cast<uint64_t>(i);
            slot->data.assign(message);
            slot->message_len = static_cast<uint32_t>(message.size());
            outputs.commit();
        }
        total += static_cast<uint64_t>(n);
        for (size_t s = 0; s < outputs.sink_count(); ++s) {
            // A sink queue that fills drops (also without allocating): count both.
            const SinkCounters& c = outputs.sink(s).counters();
            while (c.delivered.load() + c.dropped.load() < total) {
                std::this_thread::yield();
            }
        }
    };
    run(1000, 0); // every slot of every queue used once: buffers at their working size
    const uint64_t before = alloc_counter::allocations();
    run(10000, 1'000'000);
    const uint64_t after = alloc_counter::allocations();
    outputs.shutdown();
    EXPECT_EQ(after - before, 0u);
}

} // namespace
} // namespace kestrel::output
