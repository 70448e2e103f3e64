#include "daemon/outputs.hpp"

#include "base/log.hpp"

namespace kestrel::daemon {

base::Result<std::unique_ptr<output::Outputs>>
start_outputs(const Config& config, const RunOptions& options, const eval::OutputOptions& format) {
    output::OutputsConfig sinks_config = config.outputs;
    if (options.unbuffered) {
        sinks_config.buffered = false;
    }
    auto sinks = output::make_sinks(sinks_config);
    if (!sinks.ok()) {
        return sinks.error();
    }
    output::OutputsOptions queue_options;
    queue_options.capacity = output::resolve_queue_capacity(sinks_config.queue_capacity);
    queue_options.format = format;
    return std::make_unique<output::Outputs>(std::move(*sinks), std::move(queue_options));
}

void stop_outputs(output::Outputs& outputs) {
    output::ShutdownReport report = outputs.shutdown();
    KES_LOG_INFO("outputs: {} alerts queued, {} dropped with the queue full "
                 "(outputs_queue_num_drops){}",
                 outputs.queued_total(), outputs.queue_drops(),
                 report.abandoned_sinks != 0 ? "; a blocked output was abandoned" : "");
    for (size_t i = 0; i < outputs.sink_count(); ++i) {
        const output::Sink& sink = outputs.sink(i);
        const output::SinkCounters& c = sink.counters();
        auto latency = sink.queue_latency().snapshot();
        KES_LOG_INFO("output {}: {} delivered, {} failed, {} retried, {} dropped; queue to "
                     "delivery p50 <= {} us, p99 <= {} us",
                     sink.name(), c.delivered.load(), c.failed.load(), c.retried.load(),
                     c.dropped.load(), latency.quantile_upper_ns(0.5) / 1000,
                     latency.quantile_upper_ns(0.99) / 1000);
    }
}

} // namespace kestrel::daemon
