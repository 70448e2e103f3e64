// The alert outputs: where internal messages go, and as a metrics source Falco's
// outputs_queue_num_drops and Kestrel's per-output delivery counters and event-to-delivery
// latency histograms.
#include "daemon/engine_metrics.hpp"
#include "output/histogram.hpp"
#include "output/outputs.hpp"

namespace kestrel::daemon {

void EngineMetrics::watch_outputs(output::Outputs& outputs) {
    internal_.attach(&outputs); // the drop alert needs them even without metrics.enabled
    if (!service_) {
        return;
    }
    MetricsSources& sources = service_->sources();
    sources.outputs_queue_drops = [&outputs] { return outputs.queue_drops(); };
    sources.sinks = [&outputs](std::vector<metrics::SinkDelivery>* out) {
        for (size_t i = 0; i < outputs.sink_count(); ++i) {
            const output::Sink& sink = outputs.sink(i);
            const output::SinkCounters& c = sink.counters();
            out->push_back({std::string(sink.name()), c.delivered.load(std::memory_order_relaxed),
                            c.failed.load(std::memory_order_relaxed),
                            c.retried.load(std::memory_order_relaxed),
                            c.dropped.load(std::memory_order_relaxed)});
        }
    };
    sources.alert_latency = [&outputs](std::vector<metrics::LatencyHistogram>* out) {
        using H = output::LatencyHistogram;
        for (size_t i = 0; i < outputs.sink_count(); ++i) {
            const output::Sink& sink = outputs.sink(i);
            H::Snapshot snap = sink.latency().snapshot();
            metrics::LatencyHistogram h;
            h.output = std::string(sink.name());
            // The last bucket is the overflow: it becomes +Inf.
            for (size_t b = 0; b + 1 < H::kBuckets; ++b) {
                h.bounds_seconds.push_back(static_cast<double>(H::upper_bound_ns(b)) / 1e9);
            }
            h.counts.assign(snap.buckets.begin(), snap.buckets.end());
            h.sum_seconds = static_cast<double>(snap.sum_ns) / 1e9;
            out->push_back(std::move(h));
        }
    };
}

} // namespace kestrel::daemon
