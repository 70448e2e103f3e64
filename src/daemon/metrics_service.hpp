#pragma once
// The daemon's side of metrics (src/metrics/README.md): who feeds the Registry, and the
// snapshot thread.
//
//   hot path ──EngineCounters::publish (every 100 ms of event time)──▶ seqlock words
//   metrics thread / web server ──Registry::fill──▶ reads those words, the probe's maps
//        (MetricsSources), /proc ──▶ Snapshot ──▶ alert + output_file / Prometheus text
//
// The hot path's only costs are EngineCounters::due() per event and one publication per
// period; everything else runs on the metrics thread or the web server's threads.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "daemon/config.hpp"
#include "eval/ruleset.hpp"
#include "metrics/bpf_stats.hpp"
#include "metrics/collectors.hpp"
#include "metrics/publish.hpp"
#include "metrics/registry.hpp"
#include "metrics/snapshot_loop.hpp"
#include "state/types.hpp"

namespace kestrel::daemon {

// What the engine loop counts, published for the metrics readers.
class EngineCounters {
  public:
    // Publication period in event time: fresh enough for any metrics interval (min 100 ms).
    static constexpr uint64_t kPeriodNs = 100ULL * 1000 * 1000;

    // `ruleset` (may be null) must outlive this object; its rules' metadata is copied now.
    explicit EngineCounters(const eval::Ruleset* ruleset);

    // Hot path.
    [[nodiscard]] bool due(uint64_t ts_ns) const { return pub_.due(ts_ns); }
    void publish(uint64_t ts_ns, uint64_t num_evts, const state::Counters& state);

    // Readers: the latest publication.
    struct Copy {
        bool published = false;
        uint64_t num_evts = 0;
        std::vector<uint64_t> state; // in state::Counters::visit() order
        uint64_t matches_total = 0;
        std::vector<uint64_t> rule_matches; // parallel to rules()
        // Parallel to rules() when timed(): evaluations and estimated evaluation ns.
        std::vector<uint64_t> rule_evaluations;
        std::vector<uint64_t> rule_evaluation_ns;
    };
    void read(Copy* out) const;

    [[nodiscard]] const std::vector<metrics::NamedCounter>& state_layout() const {
        return state_layout_;
    }
    [[nodiscard]] const std::vector<metrics::RuleMatches>& rules() const { return rules_; }
    // Whether the ruleset counts and times its rules (RulesetOptions::time_rules).
    [[nodiscard]] bool timed() const { return timed_; }

  private:
    const eval::Ruleset* ruleset_;
    bool timed_ = false;
    double ns_per_tick_ = 0;                          // eval::TickClock's factor, read once
    std::vector<metrics::NamedCounter> state_layout_; // names and kinds, values unused
    std::vector<metrics::RuleMatches> rules_;         // metadata, matches unused
    metrics::Publication pub_;
};

// Numbers the engine owns outside the hot path; each is called on the metrics/web threads.
struct MetricsSources {
    std::string engine_name; // "modern_bpf" live; "" replay (as Falco's savefile engine)
    std::function<std::optional<metrics::KernelCounters>()> kernel;
    std::function<std::vector<metrics::ProgramRun>()> programs;
    std::function<void(std::vector<metrics::SyscallCount>*)> syscalls;
    std::function<uint64_t()> outputs_queue_drops;
    std::function<void(std::vector<metrics::SinkDelivery>*)> sinks;
    std::function<void(std::vector<metrics::LatencyHistogram>*)> alert_latency;
};

class MetricsService {
  public:
    // The service for this configuration. `engine_counters` and `sources` may be set later,
    // before start().
    explicit MetricsService(const Config& config);
    MetricsService(const MetricsService&) = delete;
    MetricsService& operator=(const MetricsService&) = delete;
    ~MetricsService();

    // Whether anything reads metrics: metrics.enabled (Falco's /metrics needs it too).
    static bool wanted(const Config& config);

    void set_engine_counters(const EngineCounters* counters) { engine_ = counters; }
    MetricsSources& sources() { return sources_; }
    metrics::Registry& registry() { return *registry_; }

    // Starts the snapshot thread when metrics.enabled (alerts go to `deliver` when
    // metrics.output_rule), and turns the kernel's BPF statistics on for libbpf_stats_enabled.
    base::Status start(metrics::SnapshotLoop::Deliver deliver);
    // Stops the snapshot thread and restores the BPF statistics switch. Idempotent.
    void stop();

  private:
    void fill(metrics::Collection& c, metrics::Registry::Purpose purpose);

    const Config& config_;
    MetricsSources sources_;
    const EngineCounters* engine_ = nullptr;
    EngineCounters::Copy copy_;
    metrics::HostPaths paths_;
    metrics::AgentInfo agent_;
    metrics::HostInfo host_;
    std::unique_ptr<metrics::Registry> registry_;
    std::unique_ptr<metrics::SnapshotLoop> loop_;
    std::unique_ptr<metrics::BpfStats> bpf_stats_;
};

} // namespace kestrel::daemon
