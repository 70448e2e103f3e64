#include "daemon/web_endpoints.hpp"

#include <fmt/format.h>

#include "base/log.hpp"
#include "base/time.hpp"
#include "metrics/registry.hpp"
#include "web/versions.hpp"

namespace kestrel::daemon {

void EngineHealth::started(uint64_t monotonic_ns, bool beats) {
    last_beat_ns_.store(monotonic_ns, std::memory_order_relaxed);
    beats_.store(beats, std::memory_order_relaxed);
    phase_.store(1, std::memory_order_release);
}

void EngineHealth::stopped() { phase_.store(2, std::memory_order_release); }

web::Health EngineHealth::check(uint64_t monotonic_now_ns) const {
    int phase = phase_.load(std::memory_order_acquire);
    if (phase == 0) {
        return {false, "the engine is starting"};
    }
    if (phase == 2) {
        return {false, "the engine has stopped"};
    }
    uint64_t last = last_beat_ns_.load(std::memory_order_relaxed);
    if (beats_.load(std::memory_order_relaxed) && monotonic_now_ns > last &&
        monotonic_now_ns - last > kStallNs) {
        return {false, fmt::format("the event loop has not turned for {} s",
                                   (monotonic_now_ns - last) / 1000000000ULL)};
    }
    return {true, ""};
}

EngineHealth& engine_health() {
    static EngineHealth health;
    return health;
}

void MetricsSlot::attach(metrics::Registry* registry) {
    std::lock_guard<std::mutex> lock(mutex_);
    registry_ = registry;
}

std::string MetricsSlot::render(bool* available) {
    std::lock_guard<std::mutex> lock(mutex_);
    *available = registry_ != nullptr;
    return registry_ != nullptr ? registry_->prometheus_text() : std::string();
}

MetricsSlot& metrics_slot() {
    static MetricsSlot slot;
    return slot;
}

std::unique_ptr<web::Server> start_web_endpoints(const Config& config, bool metrics_enabled) {
    const WebserverConfig& web_config = config.webserver;
    if (!web_config.enabled) {
        return nullptr;
    }
    web::Handlers handlers;
    handlers.health = [] { return engine_health().check(base::monotonic_ns()); };
    handlers.versions_json = web::versions_json();
    if (web_config.prometheus_metrics_enabled && metrics_enabled) {
        handlers.metrics = [](bool* available) { return metrics_slot().render(available); };
    } else if (web_config.prometheus_metrics_enabled) {
        KES_LOG_WARN("webserver.prometheus_metrics_enabled is on but metrics.enabled is off: "
                     "/metrics is not served (set both, as in Falco)");
    }
    auto server = web::Server::start(web_config.options, std::move(handlers));
    if (!server.ok()) {
        // Detection matters more than the endpoints: keep watching, say loudly why they're gone.
        KES_LOG_ERROR("{}; continuing without the web server", server.error().to_string());
        return nullptr;
    }
    const std::string& address = web_config.options.listen_address;
    bool ipv6 = address.find(':') != std::string::npos;
    KES_LOG_INFO("webserver: listening on {}://{}{}{}:{}", (*server)->tls() ? "https" : "http",
                 ipv6 ? "[" : "", address, ipv6 ? "]" : "", (*server)->port());
    return std::move(*server);
}

} // namespace kestrel::daemon
