#pragma once
// SpscRing: a bounded single-producer single-consumer queue of preallocated slots. The producer
// claims the next free slot, fills it in place (reusing the slot's buffers: no allocation once
// every slot has been used) and commits it; the consumer reads the oldest committed slot in
// place and pops it. claim() never blocks: a full ring returns nullptr and the caller counts
// the drop. Lock-free; indices only grow (64 bits do not wrap in practice).
//
// Threads: exactly one producer thread (claim/commit) and one consumer thread (front/pop);
// size() from anywhere (approximate while both run).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

#include "output/notifier.hpp"

namespace kestrel::output {

template <typename T> class SpscRing {
  public:
    explicit SpscRing(size_t capacity) : slots_(capacity == 0 ? 1 : capacity) {}
    SpscRing(const SpscRing&) = delete;
    SpscRing& operator=(const SpscRing&) = delete;

    // Producer: the slot to fill next, or nullptr when the ring is full.
    T* claim() {
        const uint64_t head = head_.load(std::memory_order_relaxed);
        if (head - tail_cache_ >= slots_.size()) {
            tail_cache_ = tail_.load(std::memory_order_acquire);
            if (head - tail_cache_ >= slots_.size()) {
                return nullptr;
            }
        }
        return &slots_[head % slots_.size()];
    }
    // Producer: publishes the slot returned by the last claim() and wakes the consumer.
    void commit() {
        head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
        notifier_.notify();
    }

    // Consumer: the oldest committed slot, or nullptr when empty.
    T* front() {
        const uint64_t tail = tail_.load(std::memory_order_relaxed);
        if (tail == head_cache_) {
            head_cache_ = head_.load(std::memory_order_acquire);
            if (tail == head_cache_) {
                return nullptr;
            }
        }
        return &slots_[tail % slots_.size()];
    }
    // Consumer: releases the slot returned by front() to the producer.
    void pop() {
        tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }

    [[nodiscard]] size_t size() const {
        const uint64_t tail = tail_.load(std::memory_order_acquire);
        const uint64_t head = head_.load(std::memory_order_acquire);
        return head >= tail ? static_cast<size_t>(head - tail) : 0;
    }
    [[nodiscard]] size_t capacity() const { return slots_.size(); }

    // The consumer sleeps on this (read epoch() before front()).
    [[nodiscard]] Notifier& notifier() { return notifier_; }

  private:
    static constexpr size_t kLine = 64;
    std::vector<T> slots_;
    alignas(kLine) std::atomic<uint64_t> head_{0}; // written by the producer
    uint64_t tail_cache_ = 0;                      // producer's last view of tail_
    alignas(kLine) std::atomic<uint64_t> tail_{0}; // written by the consumer
    uint64_t head_cache_ = 0;                      // consumer's last view of head_
    alignas(kLine) Notifier notifier_;
};

} // namespace kestrel::output
