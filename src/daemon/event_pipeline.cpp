#include "daemon/event_pipeline.hpp"

#include <cstdio>

namespace kestrel::daemon {
namespace {

// Alerts are written in batches of about this size unless -U asks for every alert at once.
constexpr size_t kFlushBytes = 64 * 1024;

} // namespace

EventPipeline::EventPipeline(RulesEngine& engine, state::Tables& tables, bool unbuffered)
    : engine_(engine), tables_(tables), unbuffered_(unbuffered) {
    // Room for a full batch plus the alert that crosses the threshold: no growth per event.
    out_.reserve(2 * kFlushBytes);
}

EventPipeline::~EventPipeline() { flush(); }

void EventPipeline::emit_alerts() {
    if (unbuffered_ || out_.size() >= kFlushBytes) {
        flush();
    }
}

void EventPipeline::flush() {
    // Caught up (or done): the latest counters are published even if no period has passed.
    if (metrics_ != nullptr && events_ != published_events_) {
        metrics_->publish(last_wall_ns_, events_, tables_.counters());
        published_events_ = events_;
    }
    if (out_.empty()) {
        return;
    }
    std::fwrite(out_.data(), 1, out_.size(), stdout);
    out_.clear();
    std::fflush(stdout);
}

} // namespace kestrel::daemon
