#include "daemon/event_pipeline.hpp"

namespace kestrel::daemon {

EventPipeline::EventPipeline(RulesEngine& engine, state::Tables& tables, output::Outputs& outputs)
    : engine_(engine), tables_(tables), outputs_(outputs) {}

EventPipeline::~EventPipeline() { flush(); }

void EventPipeline::flush() {
    // Caught up (or done): the latest counters are published even if no period has passed.
    if (metrics_ != nullptr && events_ != published_events_) {
        metrics_->publish(last_wall_ns_, events_, tables_.counters());
        published_events_ = events_;
    }
}

} // namespace kestrel::daemon
