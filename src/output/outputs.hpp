#pragma once
// Outputs: the way alerts leave the hot path (DESIGN.md "The pipeline").
//
//   hot path ──claim/commit──▶ queue (outputs_queue.capacity slots) ──▶ dispatcher thread
//        ──copy──▶ one bounded queue + worker thread per sink ──▶ render line ──▶ deliver
//
// The hot path renders each alert straight into a preallocated slot (OutputFormatter::
// build_alert) and never blocks: with no free slot the alert is dropped and counted
// (Falco's outputs_queue_num_drops). The dispatcher copies each alert into every sink's own
// queue (a full one drops for that sink alone, counted in its SinkCounters::dropped), so a slow
// or stuck sink never delays the others or the hot path.
//
// Threads: claim()/commit() on the one hot-path thread; request_reopen() anywhere, including a
// signal handler; shutdown() and the destructor on the thread that created the Outputs;
// counters and sinks readable from any thread (metrics).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "eval/alert.hpp"
#include "output/ring.hpp"
#include "output/sink.hpp"
#include "output/worker.hpp"

namespace kestrel::output {

// Falco's outputs_queue.capacity 0 means an unbounded queue; Kestrel stays bounded and reads 0
// as this many alerts (about 16 MiB of slots at 1 KiB per alert, per queue, when all are used).
inline constexpr size_t kDefaultQueueCapacity = 16384;

struct OutputsOptions {
    size_t capacity = kDefaultQueueCapacity; // the main queue's and each sink queue's slots
    eval::OutputOptions format;              // how sinks render lines (the formatter's options)
    // SIGTERM / end of replay: how long the queues may take to drain before stuck sinks are
    // told to stop, and how long a stopped sink may then take to return.
    std::chrono::milliseconds drain_budget{5000};
    std::chrono::milliseconds stop_grace{1000};
};

// What shutdown() left undelivered.
struct ShutdownReport {
    bool drained = true;        // every queue emptied within the budget
    size_t abandoned_sinks = 0; // still stuck after the grace period: left behind
};

class Outputs {
  public:
    // Starts the dispatcher and one worker per sink.
    Outputs(std::vector<std::unique_ptr<Sink>> sinks, OutputsOptions options);
    Outputs(const Outputs&) = delete;
    Outputs& operator=(const Outputs&) = delete;
    ~Outputs(); // shutdown() if not done yet

    // Hot path: the slot to render the next alert into, or nullptr when the queue is full (the
    // alert is then dropped and counted). Each non-null claim() must be followed by commit().
    eval::Alert* claim() {
        QueuedAlert* slot = queue_.claim();
        if (slot == nullptr) {
            queue_drops_.fetch_add(1, std::memory_order_relaxed);
            return nullptr;
        }
        claimed_ = slot;
        return &slot->alert;
    }
    void commit();

    // SIGUSR1: every sink reopens (files, programs) before its next alert.
    void request_reopen() { reopen_.fetch_add(1, std::memory_order_relaxed); }

    // Drains every queue within the drain budget, flushes and closes the sinks. Idempotent.
    ShutdownReport shutdown();

    // Metrics. outputs_queue_num_drops: alerts the hot path could not queue.
    [[nodiscard]] uint64_t queue_drops() const {
        return queue_drops_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] uint64_t queued_total() const { return queued_.load(std::memory_order_relaxed); }
    [[nodiscard]] size_t queue_capacity() const { return queue_.capacity(); }
    [[nodiscard]] size_t sink_count() const { return workers_.size(); }
    // Valid until shutdown() returns (a sink abandoned there is leaked, never freed).
    [[nodiscard]] const Sink& sink(size_t i) const { return workers_[i]->sink(); }

  private:
    void dispatch(uint32_t reopen_seen, uint32_t reopen_all_seen);

    OutputsOptions options_;
    SpscRing<QueuedAlert> queue_;
    QueuedAlert* claimed_ = nullptr; // hot path only
    std::vector<std::unique_ptr<SinkWorker>> owned_;
    std::vector<SinkWorker*> workers_; // stays valid: a worker left behind is leaked, not freed
    std::thread dispatcher_;
    std::atomic<bool> closing_{false};
    std::atomic<uint32_t> reopen_{0};
    std::atomic<uint64_t> queue_drops_{0};
    std::atomic<uint64_t> queued_{0};
    bool shut_down_ = false;
};

// Process-wide SIGUSR1 request (async-signal-safe: one atomic increment). Every Outputs picks it
// up within its idle wake interval (100 ms) and reopens its sinks.
void request_reopen_all();

} // namespace kestrel::output
