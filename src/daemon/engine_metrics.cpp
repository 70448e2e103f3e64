#include "daemon/engine_metrics.hpp"

#include "base/log.hpp"
#include "base/time.hpp"
#include "daemon/web_endpoints.hpp"
#include "eval/alert.hpp"
#include "output/outputs.hpp"
#include "rules/items.hpp"

namespace kestrel::daemon {

InternalOutputs::InternalOutputs(const Config& config) {
    format_.json_output = config.json_output;
    format_.hostname = eval::resolve_hostname();
}

void InternalOutputs::deliver(metrics::InternalAlert&& alert) {
    output::Outputs* outputs = outputs_.load(std::memory_order_acquire);
    if (outputs == nullptr) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    // Falco's handle_msg: source "internal", no tags; the sinks take the priority (syslog
    // severity) from the rule. A fresh AlertRule per message: they are rare, off the hot path.
    auto rule = std::make_shared<eval::AlertRule>();
    rule->name = alert.rule;
    rule->source = "internal";
    rule->priority = static_cast<rules::Priority>(alert.priority);
    rule->hostname = format_.hostname;
    std::string line = metrics::render_internal_alert(alert, format_);
    if (outputs->post_internal(std::move(rule), alert.wall_ns, std::move(line))) {
        posted_.fetch_add(1, std::memory_order_relaxed);
    } else {
        dropped_.fetch_add(1, std::memory_order_relaxed);
    }
}

EngineMetrics::EngineMetrics(const Config& config, const eval::Ruleset* ruleset)
    : config_(config), internal_(config) {
    if (MetricsService::wanted(config)) {
        counters_ = std::make_unique<EngineCounters>(ruleset);
        service_ = std::make_unique<MetricsService>(config);
        service_->set_engine_counters(counters_.get());
        metrics_slot().attach(&service_->registry()); // /metrics serves it from now on
    }
}

EngineMetrics::~EngineMetrics() { stop(); }

base::Status EngineMetrics::start() {
    if (!service_) {
        return base::Ok{};
    }
    return service_->start(
        [this](metrics::InternalAlert&& alert) { internal_.deliver(std::move(alert)); });
}

void EngineMetrics::stop() {
    if (service_) {
        metrics_slot().detach(); // waits for a scrape in progress
        service_->stop();
    }
    internal_.attach(nullptr); // the outputs shut down after this
}

bool EngineMetrics::act_on_drops(const metrics::DropVerdict& verdict) {
    // Falco's order: log (debug level), alert, then exit.
    if (verdict.log) {
        KES_LOG_DEBUG("{}", verdict.message());
    }
    if (verdict.alert) {
        metrics::InternalAlert alert = verdict.to_alert(ebpf_);
        alert.wall_ns = base::wall_clock_ns(); // the check ran on the boot clock
        internal_.deliver(std::move(alert));
    }
    if (verdict.exit) {
        KES_LOG_ERROR("{}", verdict.message());
        KES_LOG_ERROR("Exiting.");
        return false;
    }
    return true;
}

} // namespace kestrel::daemon
