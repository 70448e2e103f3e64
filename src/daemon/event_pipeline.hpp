#pragma once
// The per-event step every engine shares (replay and live): the event updates the state first,
// then the rules see it against that state, then its alerts go out. One place, so that replaying
// a capture and watching the host evaluate exactly the same way.
//
// Owning thread: the hot-path thread. on_event() neither allocates in steady state (the alert
// buffer keeps its capacity), nor logs, nor throws.

#include <cstdint>
#include <string>

#include "daemon/metrics_service.hpp"
#include "daemon/rules_engine.hpp"
#include "event/view.hpp"
#include "state/tables.hpp"

namespace kestrel::daemon {

class EventPipeline {
  public:
    // Alerts go to `outputs` (the queue off the hot path), which must outlive the pipeline.
    EventPipeline(RulesEngine& engine, state::Tables& tables, output::Outputs& outputs);
    EventPipeline(const EventPipeline&) = delete;
    EventPipeline& operator=(const EventPipeline&) = delete;
    ~EventPipeline();

    // Applies `evt` to the state and, when `evaluate`, runs the rules on it. `wall_ns` is the
    // event's wall-clock time (live events carry boot time: the caller converts). Records kept
    // for state tracking only (a capture writer's state_only) pass evaluate = false.
    void on_event(const event::View& evt, uint64_t wall_ns, bool evaluate = true) {
        tables_.apply(evt);
        last_wall_ns_ = wall_ns;
        // Metrics readers get a copy of the counters every EngineCounters::kPeriodNs of event
        // time: one comparison per event.
        if (metrics_ != nullptr && metrics_->due(wall_ns)) {
            metrics_->publish(wall_ns, events_, tables_.counters());
        }
        if (!evaluate) {
            return;
        }
        ++events_;
        engine_.process(evt, wall_ns, &tables_, outputs_);
    }

    // Caught up (idle moments, end of run): publishes the latest counters for metrics. Alerts
    // need no flush: the sinks' workers deliver them as soon as they are queued.
    void flush();

    [[nodiscard]] uint64_t events() const { return events_; }
    // Where the counters are published for metrics (null: nowhere); must outlive the pipeline.
    void set_metrics(EngineCounters* metrics) { metrics_ = metrics; }
    [[nodiscard]] uint64_t alerts() const { return engine_.alerts(); }

  private:
    RulesEngine& engine_;
    state::Tables& tables_;
    output::Outputs& outputs_;
    uint64_t events_ = 0;
    EngineCounters* metrics_ = nullptr;
    uint64_t last_wall_ns_ = 0;
    // None yet: the first flush publishes even before any event, so an idle host still shows
    // its initial state (threads and fds from /proc or the capture) in the metrics.
    uint64_t published_events_ = UINT64_MAX;
};

} // namespace kestrel::daemon
