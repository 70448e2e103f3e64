#pragma once
// The daemon's side of the web server: what /healthz and /metrics read, and starting the
// server from the `webserver` block.
//
// The engine loops (live, replay) publish their state into the process's EngineHealth; the
// owner of the metrics Registry attaches it to the MetricsSlot for as long as it lives. The web
// server's threads only ever read those two objects (atomics, a mutex that the hot path never
// takes), so a scrape neither races with nor stalls the hot path.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "daemon/config.hpp"
#include "web/server.hpp"

namespace kestrel::metrics {
class Registry;
}

namespace kestrel::daemon {

class EngineHealth {
  public:
    // The live loop turns at least every few milliseconds (ring poll timeout); a loop silent
    // for this long is stuck, whatever the host is doing.
    static constexpr uint64_t kStallNs = 5ULL * 1000 * 1000 * 1000;

    // The engine is set up (probe attached and initial state loaded, or capture opened).
    // `beats`: the loop calls beat() at least every few ms (live), so silence means a stall.
    // Replay reads as fast as it can with no such promise: running is healthy.
    void started(uint64_t monotonic_ns, bool beats);
    // The engine loop turned (live: once per drain/poll round). One relaxed store.
    void beat(uint64_t monotonic_ns) {
        last_beat_ns_.store(monotonic_ns, std::memory_order_relaxed);
    }
    // The engine finished (stop requested, capture fully read, or failed).
    void stopped();

    [[nodiscard]] web::Health check(uint64_t monotonic_now_ns) const;

  private:
    std::atomic<int> phase_{0}; // 0 not started, 1 running, 2 stopped
    std::atomic<uint64_t> last_beat_ns_{0};
    std::atomic<bool> beats_{false};
};

// The process's engine health (one engine per process, as in Falco).
EngineHealth& engine_health();

// Where /metrics finds the Registry. attach() when it exists, detach() before it goes; a
// scrape holds the slot's mutex while it renders, so detach() waits for it to finish.
class MetricsSlot {
  public:
    void attach(metrics::Registry* registry);
    void detach() { attach(nullptr); }
    // The exposition, or nullopt-like empty with `available` false when nothing is attached.
    std::string render(bool* available);

  private:
    std::mutex mutex_;
    metrics::Registry* registry_ = nullptr;
};

MetricsSlot& metrics_slot();

// Starts the web server when webserver.enabled. /metrics is served when both
// webserver.prometheus_metrics_enabled and metrics.enabled are on (Falco's rule).
// A server that cannot start (port taken, bad certificate) is logged as an error and Kestrel
// runs without it: returns null then, as when disabled.
std::unique_ptr<web::Server> start_web_endpoints(const Config& config, bool metrics_enabled);

} // namespace kestrel::daemon
