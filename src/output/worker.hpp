#pragma once
// SinkWorker: one sink, its own bounded queue of alert copies, and the thread that renders each
// alert's line (text or JSON) and delivers it. Internal to Outputs.
//
// Threads: offer()/request_reopen()/begin_drain() from the dispatcher, abandon() and the
// accessors from the thread running shutdown, everything else on the worker's own thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "eval/alert.hpp"
#include "output/ring.hpp"
#include "output/sink.hpp"

namespace kestrel::output {

// One queue slot: the alert and when it was queued (CLOCK_MONOTONIC ns). An internal message
// (Outputs::post_internal) arrives rendered already: `line` is delivered as is, and it stays
// out of the latency histograms (they measure event -> alert, and it has no event).
struct QueuedAlert {
    eval::Alert alert;
    uint64_t enqueued_ns = 0;
    bool prerendered = false;
    std::string line; // prerendered only; empty (no allocation) for rule alerts
};

class SinkWorker {
  public:
    SinkWorker(std::unique_ptr<Sink> sink, size_t capacity, const eval::OutputOptions& format);
    SinkWorker(const SinkWorker&) = delete;
    SinkWorker& operator=(const SinkWorker&) = delete;
    ~SinkWorker();

    void start();

    // Dispatcher: copies the alert into a free slot (the slot's buffers are reused: no
    // allocation in steady state). A full queue drops the alert, counted in dropped.
    void offer(const QueuedAlert& alert);
    void request_reopen();
    // No more offers: the worker exits once its queue is empty and the sink flushed.
    void begin_drain();

    // Shutdown: the drain budget is over; the sink stops waiting and the rest is dropped.
    void abandon() {
        sink_->request_stop();
        ring_.notifier().notify();
    }
    [[nodiscard]] bool exited() const { return exited_.load(std::memory_order_acquire); }
    // Joins the thread if it exited; otherwise detaches it and returns false: the caller must
    // then leak this worker (never destroy it), so that a sink stuck in a system call can never
    // hold up the process's exit.
    bool join_or_leak();

    [[nodiscard]] Sink& sink() { return *sink_; }
    [[nodiscard]] size_t queued() const { return ring_.size(); }

  private:
    void run();
    void deliver(QueuedAlert& item);

    std::unique_ptr<Sink> sink_;
    SpscRing<QueuedAlert> ring_;
    eval::OutputOptions format_;
    std::string line_; // rendering buffer, reused
    std::thread thread_;
    std::atomic<bool> reopen_{false};
    std::atomic<bool> draining_{false};
    std::atomic<bool> exited_{false};
    std::atomic<bool> leaked_{false};
};

} // namespace kestrel::output
