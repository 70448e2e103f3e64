#pragma once
// Publication: how the hot path shares its counters with the metrics thread without ever
// blocking, locking or allocating.
//
// The hot-path thread owns its counters as plain integers (state::Counters, per-rule match
// counts, the events it processed) and keeps incrementing them unsynchronized. Every
// `period_ns` of its own clock (the timestamp of the event it is handling, which it already
// has; no clock read) it copies them into a Publication: a seqlock over a fixed array of 64-bit
// words. The writer bumps the sequence to odd, stores the words, bumps it to even; it never
// waits for anyone. A reader copies the words and retries if the sequence was odd or moved
// meanwhile. All accesses are atomics (relaxed for the words, release/acquire on the
// sequence), so there is no data race in the C++ sense, and the cost on the hot path is one
// comparison per event plus, once per period, one store per word.
//
// Published values lag by at most one period (default 100 ms, well under Falco's 100 ms
// minimum metrics interval... and any scrape interval).

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>

namespace kestrel::metrics {

class Publication {
  public:
    Publication(size_t words, uint64_t period_ns)
        : words_(std::make_unique<std::atomic<uint64_t>[]>(words)), size_(words),
          period_ns_(period_ns) {}

    [[nodiscard]] size_t size() const { return size_; }

    // Writer (one thread): true when `now_ns` is a period past the last publication. Cheap
    // enough to call per event. A clock that goes backwards (replay of another capture)
    // publishes at once.
    [[nodiscard]] bool due(uint64_t now_ns) const {
        return now_ns < last_ns_ || now_ns - last_ns_ >= period_ns_;
    }

    // Writer: publishes fill(set) where set(index, value) stores one word.
    template <typename Fill> void publish(uint64_t now_ns, Fill&& fill) {
        last_ns_ = now_ns;
        uint64_t seq = seq_.load(std::memory_order_relaxed);
        seq_.store(seq + 1, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_release);
        auto set = [this](size_t index, uint64_t value) {
            if (index < size_) {
                words_[index].store(value, std::memory_order_relaxed);
            }
        };
        fill(set);
        seq_.store(seq + 2, std::memory_order_release);
    }

    // Reader (any thread): a consistent copy of the words into `out` (out.size() words at
    // most). Never blocks the writer; retries while a publication is in progress.
    void read(std::span<uint64_t> out) const {
        size_t n = out.size() < size_ ? out.size() : size_;
        for (unsigned attempt = 0;; ++attempt) {
            uint64_t before = seq_.load(std::memory_order_acquire);
            if ((before & 1) == 0) {
                for (size_t i = 0; i < n; ++i) {
                    out[i] = words_[i].load(std::memory_order_relaxed);
                }
                std::atomic_thread_fence(std::memory_order_acquire);
                if (seq_.load(std::memory_order_relaxed) == before) {
                    return;
                }
            }
            if (attempt > 64) {
                std::this_thread::yield();
            }
        }
    }

    // Publications so far (even sequence / 2): lets a reader tell whether anything was ever
    // published.
    [[nodiscard]] uint64_t generation() const { return seq_.load(std::memory_order_acquire) / 2; }

  private:
    std::unique_ptr<std::atomic<uint64_t>[]> words_;
    size_t size_;
    uint64_t period_ns_;
    uint64_t last_ns_ = 0; // writer only
    std::atomic<uint64_t> seq_{0};
};

} // namespace kestrel::metrics
