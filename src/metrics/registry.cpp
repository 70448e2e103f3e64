#include "metrics/registry.hpp"

#include "metrics/encode.hpp"

namespace kestrel::metrics {

Inputs Collection::inputs() const {
    Inputs in;
    in.agent = &agent;
    in.host = &host;
    in.now_ns = now_ns;
    in.num_evts = num_evts;
    in.outputs_queue_num_drops = outputs_queue_num_drops;
    in.resource = resource ? &*resource : nullptr;
    in.state = state;
    in.kernel = kernel ? &*kernel : nullptr;
    in.programs = programs;
    in.rules_known = rules_known;
    in.rules_matches_total = rules_matches_total;
    in.rules = rules;
    in.rules_timed = rules_timed;
    in.syscalls = syscalls;
    in.sinks = sinks;
    in.alert_latency = alert_latency;
    return in;
}

Registry::Registry(Options options, Fill fill) : options_(options), fill_(std::move(fill)) {}

std::string Registry::prometheus_text() {
    return metrics::prometheus_text(peek(Purpose::kPrometheus));
}

Snapshot Registry::take_snapshot() {
    std::lock_guard lock(mutex_);
    fill_(collection_, Purpose::kSnapshot);
    return build_snapshot(collection_.inputs(), options_, &rates_);
}

Snapshot Registry::peek(Purpose purpose) {
    std::lock_guard lock(mutex_);
    fill_(collection_, purpose);
    return build_snapshot(collection_.inputs(), options_, nullptr);
}

} // namespace kestrel::metrics
