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
// Internal messages (Falco's handle_msg: the metrics snapshot, the syscall drop alert) come
// from other threads, a few per second at most. They take a second entry, post_internal(): a
// small mutex-protected queue that the dispatcher drains beside the hot path's, so they reach
// every sink as rule alerts do while the hot path's queue stays single-producer and lock-free.
//
// Threads: claim()/commit() on the one hot-path thread; post_internal() from any thread;
// request_reopen() anywhere, including a signal handler; shutdown() and the destructor on the
// thread that created the Outputs; counters and sinks readable from any thread (metrics).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
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

// Internal messages waiting for the dispatcher. The dispatcher never blocks on a sink, so this
// fills only if it is starved for seconds; then they are dropped and counted.
inline constexpr size_t kInternalQueueCapacity = 256;

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

    // Any thread: queues an internal message already rendered (`line`, without newline, text or
    // JSON as the sinks' format says) for every sink. `rule` gives the sinks its priority
    // (syslog severity) and name. Returns false when it was dropped: the internal queue full
    // or the outputs shut down; counted in queue_drops() (Falco counts its internal messages
    // in outputs_queue_num_drops too: one queue carries both) and in internal_drops().
    bool post_internal(std::shared_ptr<const eval::AlertRule> rule, uint64_t wall_ns,
                       std::string line);

    // SIGUSR1: every sink reopens (files, programs) before its next alert.
    void request_reopen() { reopen_.fetch_add(1, std::memory_order_relaxed); }

    // Drains every queue within the drain budget, flushes and closes the sinks. Idempotent.
    ShutdownReport shutdown();

    // Metrics. outputs_queue_num_drops: alerts the hot path could not queue.
    [[nodiscard]] uint64_t queue_drops() const {
        return queue_drops_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] uint64_t queued_total() const { return queued_.load(std::memory_order_relaxed); }
    // Internal messages queued / dropped (post_internal).
    [[nodiscard]] uint64_t internal_posted() const {
        return internal_posted_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] uint64_t internal_drops() const {
        return internal_drops_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] size_t queue_capacity() const { return queue_.capacity(); }
    [[nodiscard]] size_t sink_count() const { return workers_.size(); }
    // Valid until shutdown() returns (a sink abandoned there is leaked, never freed).
    [[nodiscard]] const Sink& sink(size_t i) const { return workers_[i]->sink(); }

  private:
    void dispatch(uint32_t reopen_seen, uint32_t reopen_all_seen);
    // Dispatcher: hands the internal messages queued so far to the workers; `last` closes the
    // internal queue first (shutdown), so nothing can be left in it unseen.
    void dispatch_internal(bool last);

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

    std::mutex internal_mutex_;
    std::deque<QueuedAlert> internal_;       // guarded by internal_mutex_
    bool internal_closed_ = false;           // guarded by internal_mutex_
    std::deque<QueuedAlert> internal_batch_; // dispatcher only
    std::atomic<bool> internal_pending_{false};
    std::atomic<uint64_t> internal_posted_{0};
    std::atomic<uint64_t> internal_drops_{0};
};

// Process-wide SIGUSR1 request (async-signal-safe: one atomic increment). Every Outputs picks it
// up within its idle wake interval (100 ms) and reopens its sinks.
void request_reopen_all();

} // namespace kestrel::output
