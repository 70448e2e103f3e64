// Steady state of ScapReader::next() does not allocate per event: the record buffer, the
// parameter list and the per-thread enter storage are reused. Counted with a replaced global
// operator new (this test is its own executable so that the counter sees nothing else). Also
// prints the conversion rate of the largest corpus capture (a figure, not an assertion).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "../alloc_counter.hpp"
#include "capture/scap/reader.hpp"
#include "scap_test_util.hpp"

namespace kestrel::capture::scap {
namespace {

// The event blocks of a capture, twice: during the second pass every thread is known and every
// buffer has its working size, which is what a long replay looks like.
TEST(scapAlloc, NoAllocationPerEventInSteadyState) {
    const auto raw = testing::load_raw(testing::corpus("falco/psp/run_as_user_0_container.scap"));
    ASSERT_FALSE(raw.empty());
    size_t first_event = 0;
    for (size_t off = 0; off + 8 <= raw.size();) {
        uint32_t type = 0;
        uint32_t len = 0;
        std::memcpy(&type, raw.data() + off, 4);
        std::memcpy(&len, raw.data() + off + 4, 4);
        if (type == kBlockEventV2) {
            first_event = off;
            break;
        }
        off += len;
    }
    ASSERT_NE(first_event, 0U);
    auto twice = raw;
    twice.insert(twice.end(), raw.begin() + static_cast<long>(first_event), raw.end());

    auto reader = ScapReader::open_memory(twice);
    ASSERT_TRUE(reader.ok());
    ScapRecord rec;
    const uint64_t per_pass = 4143;
    while ((*reader)->stats().event_blocks < per_pass) {
        auto more = (*reader)->next(&rec);
        ASSERT_TRUE(more.ok() && *more);
    }
    const uint64_t before = alloc_counter::allocations();
    const uint64_t records_before = (*reader)->stats().records + (*reader)->stats().foreign;
    while (true) {
        auto more = (*reader)->next(&rec);
        ASSERT_TRUE(more.ok());
        if (!*more) {
            break;
        }
    }
    const uint64_t allocations = alloc_counter::allocations() - before;
    const uint64_t delivered =
        (*reader)->stats().records + (*reader)->stats().foreign - records_before;
    EXPECT_EQ((*reader)->stats().event_blocks, 2 * per_pass);
    std::printf("second pass: %llu records and foreign events, %llu allocations\n",
                static_cast<unsigned long long>(delivered),
                static_cast<unsigned long long>(allocations));
    // The only allowed ones: map entries (node, enter bytes, parameter list) of threads whose
    // procexit erased them during the first pass and that come back in the replayed events; a
    // dozen here, against thousands of events.
    EXPECT_LE(allocations, 16U);
}

TEST(scapAlloc, ConversionRate) {
    const auto raw = testing::load_raw(testing::corpus("falco/psp/run_as_user_0_container.scap"));
    const auto start = std::chrono::steady_clock::now();
    uint64_t events = 0;
    constexpr int kRounds = 20;
    for (int round = 0; round < kRounds; ++round) {
        auto reader = ScapReader::open_memory(raw);
        ASSERT_TRUE(reader.ok());
        ScapRecord rec;
        while (true) {
            auto more = (*reader)->next(&rec);
            ASSERT_TRUE(more.ok());
            if (!*more) {
                break;
            }
        }
        events += (*reader)->stats().event_blocks;
    }
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%llu scap events in %.3f s: %.0f events/s (metadata parsing included)\n",
                static_cast<unsigned long long>(events), s, static_cast<double>(events) / s);
}

} // namespace
} // namespace kestrel::capture::scap
