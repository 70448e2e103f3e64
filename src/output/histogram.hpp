#pragma once
// LatencyHistogram: event→delivery latency of one sink, in fixed log-scale buckets (powers of
// two from 1 µs to about 16.8 s, then one overflow bucket). Recorded by the sink's worker,
// read by any thread (metrics) without locks: each bucket is an independent relaxed counter,
// so a snapshot taken during a record may be off by that one sample, never torn.

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace kestrel::output {

class LatencyHistogram {
  public:
    // Bucket i holds latencies in (upper_bound_ns(i-1), upper_bound_ns(i)]; the last one holds
    // everything above 2^24 µs.
    static constexpr size_t kBuckets = 26;

    static constexpr uint64_t upper_bound_ns(size_t i) {
        return i + 1 >= kBuckets ? UINT64_MAX : uint64_t{1000} << i;
    }

    static constexpr size_t bucket_of(uint64_t ns) {
        if (ns <= 1000) {
            return 0;
        }
        const auto b = static_cast<size_t>(std::bit_width((ns - 1) / 1000));
        return b < kBuckets ? b : kBuckets - 1;
    }

    void record(uint64_t ns) {
        buckets_[bucket_of(ns)].fetch_add(1, std::memory_order_relaxed);
        sum_ns_.fetch_add(ns, std::memory_order_relaxed);
        count_.fetch_add(1, std::memory_order_relaxed);
    }

    struct Snapshot {
        std::array<uint64_t, kBuckets> buckets{}; // per bucket, not cumulative
        uint64_t count = 0;
        uint64_t sum_ns = 0;

        // The upper bound of the bucket holding the q-quantile (0 < q <= 1); 0 when empty.
        [[nodiscard]] uint64_t quantile_upper_ns(double q) const {
            uint64_t total = 0;
            for (uint64_t b : buckets) {
                total += b;
            }
            if (total == 0) {
                return 0;
            }
            const auto rank = static_cast<uint64_t>(q * static_cast<double>(total) + 0.5);
            uint64_t seen = 0;
            for (size_t i = 0; i < kBuckets; ++i) {
                seen += buckets[i];
                if (seen >= rank && seen > 0) {
                    return upper_bound_ns(i);
                }
            }
            return UINT64_MAX;
        }
    };

    [[nodiscard]] Snapshot snapshot() const {
        Snapshot s;
        for (size_t i = 0; i < kBuckets; ++i) {
            s.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
        }
        s.count = count_.load(std::memory_order_relaxed);
        s.sum_ns = sum_ns_.load(std::memory_order_relaxed);
        return s;
    }

  private:
    std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
    std::atomic<uint64_t> sum_ns_{0};
    std::atomic<uint64_t> count_{0};
};

} // namespace kestrel::output
