#pragma once
// Sink: one alert destination (stdout, file, syslog, program, http). Each sink runs on its own
// worker thread, fed by its own bounded queue, so a slow sink never delays another one or the
// hot path (DESIGN.md "The pipeline"). The worker calls deliver() for one alert at a time, in
// the order the alerts were raised.
//
// Owning thread: the sink's worker for every method except counters(), which any thread may
// read (metrics).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "eval/alert.hpp"
#include "output/histogram.hpp"

namespace kestrel::output {

// Per-sink delivery counters, published to metrics (issue "metrics": per-sink counters).
struct SinkCounters {
    std::atomic<uint64_t> delivered{0}; // alerts the destination accepted
    std::atomic<uint64_t> failed{0};    // delivery attempts that failed (each retry counts)
    std::atomic<uint64_t> retried{0};   // alerts that needed more than one attempt
    std::atomic<uint64_t> dropped{0};   // alerts given up on (queue full, spool full, ...)
};

class Sink {
  public:
    virtual ~Sink() = default;

    // Falco's output name: "stdout", "file", "syslog", "program", "http".
    [[nodiscard]] virtual std::string_view name() const = 0;

    // Delivers one alert. `line` is the alert as Falco renders it for this configuration
    // (JSON when json_output is on, text otherwise), without a trailing newline. A sink may
    // block here (that only delays its own queue) but must return once `stop_requested()`
    // is true, counting what it could not deliver.
    virtual void deliver(const eval::Alert& alert, std::string_view line) = 0;

    // Pushes buffered bytes out (called when the sink's queue runs empty and at shutdown).
    virtual void flush() {}

    // SIGUSR1: reopen files (logrotate).
    virtual void reopen() {}

    [[nodiscard]] SinkCounters& counters() { return counters_; }
    [[nodiscard]] const SinkCounters& counters() const { return counters_; }

    // Event time (Alert::wall_ns) → the moment deliver() returned, recorded by the worker for
    // every alert handed to the sink (metrics: the syscall→delivery latency).
    [[nodiscard]] LatencyHistogram& latency() { return latency_; }
    [[nodiscard]] const LatencyHistogram& latency() const { return latency_; }
    // Queue entry (the hot path's commit) → the moment deliver() returned: Kestrel's own share.
    [[nodiscard]] LatencyHistogram& queue_latency() { return queue_latency_; }
    [[nodiscard]] const LatencyHistogram& queue_latency() const { return queue_latency_; }

    // Set by the worker when shutdown's drain budget is over.
    void request_stop() { stop_.store(true, std::memory_order_relaxed); }
    [[nodiscard]] bool stop_requested() const { return stop_.load(std::memory_order_relaxed); }

  private:
    SinkCounters counters_;
    LatencyHistogram latency_;
    LatencyHistogram queue_latency_;
    std::atomic<bool> stop_{false};
};

} // namespace kestrel::output
