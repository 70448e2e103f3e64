#pragma once
// EngineMetrics: everything an engine loop (live, replay) needs for metrics and Falco's
// syscall_event_drops, behind a few calls, so the loops stay readable:
//
//   EngineMetrics metrics(config, &engine->ruleset());
//   metrics.watch_probe(*probe);                   // live only: kernel counters, drop checks
//   pipeline.set_metrics(metrics.counters());      // hot path publishes its counters
//   metrics.start();                               // snapshot thread
//   ... loop: if (!metrics.check_drops(ts)) -> the `exit` drop action: stop, exit code 1
//
// Internal messages (the metrics snapshot, the drop alert) are rendered by InternalOutputs as
// Falco's handle_msg does and posted to every configured output (Outputs::post_internal), like
// a rule alert. As in Falco, `priority` does not filter them: it selects the rules that load.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "base/result.hpp"
#include "daemon/config.hpp"
#include "daemon/metrics_service.hpp"
#include "eval/ruleset.hpp"
#include "metrics/drops.hpp"
#include "metrics/internal_alert.hpp"

namespace kestrel::capture {
class Probe;
}
namespace kestrel::output {
class Outputs;
}

namespace kestrel::daemon {

class InternalOutputs {
  public:
    explicit InternalOutputs(const Config& config);
    // Before any deliver(); `outputs` must outlive every deliver() (EngineMetrics::stop()).
    void attach(output::Outputs* outputs) { outputs_.store(outputs, std::memory_order_release); }
    // Any thread: renders and queues the message for every output. Without outputs attached
    // (or with their queue full) it is dropped and counted.
    void deliver(metrics::InternalAlert&& alert);
    [[nodiscard]] uint64_t posted() const { return posted_.load(std::memory_order_relaxed); }
    [[nodiscard]] uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  private:
    metrics::InternalFormat format_;
    std::atomic<output::Outputs*> outputs_{nullptr};
    std::atomic<uint64_t> posted_{0};
    std::atomic<uint64_t> dropped_{0};
};

class EngineMetrics {
  public:
    EngineMetrics(const Config& config, const eval::Ruleset* ruleset);
    EngineMetrics(const EngineMetrics&) = delete;
    EngineMetrics& operator=(const EngineMetrics&) = delete;
    ~EngineMetrics();

    // What the hot path publishes into (EventPipeline::set_metrics); null without metrics.
    [[nodiscard]] EngineCounters* counters() { return counters_.get(); }
    // The Registry's owner (for /metrics); null without metrics.
    [[nodiscard]] MetricsService* service() { return service_.get(); }

    // Live: the probe's counters, program statistics and syscall counts, and the drop
    // monitor. `probe` must outlive this object.
    void watch_probe(const capture::Probe& probe);
    // The alert outputs: where internal messages go (snapshot, drop alert), and for metrics
    // their queue drops, per-output delivery counters and latency. `outputs` must outlive this
    // object (or stop() must come first).
    void watch_outputs(output::Outputs& outputs);
    [[nodiscard]] const InternalOutputs& internal_outputs() const { return internal_; }

    base::Status start();
    void stop();

    // Hot-path thread, between events. Runs Falco's drop check once per second of event time.
    // Returns false when the `exit` action fired (logged at critical level, as Falco).
    bool check_drops(uint64_t ts_ns) {
        if (!drops_) {
            return true;
        }
        metrics::DropVerdict v = drops_->on_event(ts_ns, read_drops_);
        return !v.act || act_on_drops(v);
    }

  private:
    bool act_on_drops(const metrics::DropVerdict& verdict);

    const Config& config_;
    InternalOutputs internal_;
    std::unique_ptr<EngineCounters> counters_;
    std::unique_ptr<MetricsService> service_;
    std::optional<metrics::DropMonitor> drops_;
    std::function<metrics::DropCounts()> read_drops_;
    bool ebpf_ = false;
};

} // namespace kestrel::daemon
