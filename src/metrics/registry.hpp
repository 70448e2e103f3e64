#pragma once
// Registry: the one object the rest of Kestrel talks to. The daemon builds it with the
// toggles and a `fill` callback that copies the current numbers into a Collection (from the
// hot path's published counters, the probe's maps, the collectors of this module); the
// snapshot thread and the web server call collect_*() / prometheus_text().
//
// Thread-safety: every method may be called from any thread except the hot path; calls are
// serialized by an internal mutex (a scrape and a snapshot never interleave, so the rate
// state stays consistent). `fill` runs under that mutex on the caller's thread: it must read
// hot-path data only through a Publication (publish.hpp), never directly.

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "metrics/model.hpp"
#include "metrics/snapshot.hpp"

namespace kestrel::metrics {

// Owning storage behind Inputs' pointers and spans, reused between collections.
struct Collection {
    AgentInfo agent;
    HostInfo host;
    uint64_t now_ns = 0;
    uint64_t num_evts = 0;
    uint64_t outputs_queue_num_drops = 0;
    std::optional<ResourceUsage> resource;
    std::vector<NamedCounter> state;
    std::optional<KernelCounters> kernel;
    std::vector<ProgramRun> programs;
    bool rules_known = false;
    uint64_t rules_matches_total = 0;
    std::vector<RuleMatches> rules;
    bool rules_timed = false;
    std::vector<SyscallCount> syscalls;
    std::vector<SinkDelivery> sinks;
    std::vector<LatencyHistogram> alert_latency;

    [[nodiscard]] Inputs inputs() const;
};

class Registry {
  public:
    // Which collection `fill` is asked for: the Prometheus one may skip what only snapshots
    // show; both get the same fields otherwise.
    enum class Purpose { kSnapshot, kPrometheus };
    using Fill = std::function<void(Collection&, Purpose)>;

    Registry(Options options, Fill fill);

    [[nodiscard]] const Options& options() const { return options_; }

    // The Prometheus exposition of the current numbers (text format 0.0.4).
    std::string prometheus_text();
    // A snapshot for the `Falco internal: metrics snapshot` alert and metrics.output_file;
    // advances the rates (`*_prev`, `*_rate_sec`) like Falco's per-interval collection.
    Snapshot take_snapshot();
    // Without advancing the rates (tests, /metrics debugging).
    Snapshot peek(Purpose purpose);

  private:
    Options options_;
    Fill fill_;
    std::mutex mutex_;
    Collection collection_;
    RateTracker rates_;
};

} // namespace kestrel::metrics
