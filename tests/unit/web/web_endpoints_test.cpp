// The daemon's side of the web server: engine health, the metrics slot, and starting the
// server from the configuration (loopback, ephemeral port).
#include "daemon/web_endpoints.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include "metrics/registry.hpp"

namespace kestrel::daemon {
namespace {

constexpr uint64_t kSec = 1000ULL * 1000 * 1000;

TEST(EngineHealth, StartingRunningStalledStopped) {
    EngineHealth health;
    web::Health h = health.check(100 * kSec);
    EXPECT_FALSE(h.ok);
    EXPECT_NE(h.reason.find("starting"), std::string::npos);

    health.started(100 * kSec, /*beats=*/true);
    EXPECT_TRUE(health.check(101 * kSec).ok);
    health.beat(104 * kSec);
    EXPECT_TRUE(health.check(108 * kSec).ok);

    h = health.check(104 * kSec + EngineHealth::kStallNs + kSec);
    EXPECT_FALSE(h.ok);
    EXPECT_NE(h.reason.find("has not turned for 6 s"), std::string::npos) << h.reason;

    health.beat(120 * kSec);
    EXPECT_TRUE(health.check(120 * kSec).ok);
    health.stopped();
    h = health.check(120 * kSec);
    EXPECT_FALSE(h.ok);
    EXPECT_NE(h.reason.find("stopped"), std::string::npos);
}

TEST(EngineHealth, ReplayIsHealthyWhileRunningWithoutBeats) {
    EngineHealth health;
    health.started(100 * kSec, /*beats=*/false);
    EXPECT_TRUE(health.check(1000 * kSec).ok);
    health.stopped();
    EXPECT_FALSE(health.check(1000 * kSec).ok);
}

TEST(MetricsSlot, RendersTheAttachedRegistryOnly) {
    MetricsSlot slot;
    bool available = true;
    EXPECT_EQ(slot.render(&available), "");
    EXPECT_FALSE(available);

    metrics::Registry registry(metrics::Options{},
                               [](metrics::Collection& c, metrics::Registry::Purpose) {
                                   c.host.hostname = "unit";
                                   c.kernel.emplace();
                                   c.kernel->n_evts = 1234;
                               });
    slot.attach(&registry);
    std::string text = slot.render(&available);
    EXPECT_TRUE(available);
    EXPECT_NE(text.find("falcosecurity_scap_n_evts_total 1234"), std::string::npos) << text;
    slot.detach();
    slot.render(&available);
    EXPECT_FALSE(available);
}

Config loopback_config() {
    Config config;
    config.webserver.options.listen_port = 0;
    config.webserver.options.threadiness = 1;
    return config;
}

TEST(StartWebEndpoints, DisabledMeansNoServer) {
    Config config = loopback_config();
    config.webserver.enabled = false;
    EXPECT_EQ(start_web_endpoints(config, true), nullptr);
}

TEST(StartWebEndpoints, MetricsNeedBothSwitches) {
    Config config = loopback_config();
    config.webserver.prometheus_metrics_enabled = true;
    auto without_metrics = start_web_endpoints(config, /*metrics_enabled=*/false);
    ASSERT_NE(without_metrics, nullptr);
    httplib::Client a("127.0.0.1", without_metrics->port());
    EXPECT_EQ(a.Get("/metrics")->status, 404);

    auto with_metrics = start_web_endpoints(config, /*metrics_enabled=*/true);
    ASSERT_NE(with_metrics, nullptr);
    httplib::Client b("127.0.0.1", with_metrics->port());
    // Served, but nothing is attached to the process's slot here: 503 until the engine attaches.
    EXPECT_EQ(b.Get("/metrics")->status, 503);

    config.webserver.prometheus_metrics_enabled = false;
    auto off = start_web_endpoints(config, /*metrics_enabled=*/true);
    ASSERT_NE(off, nullptr);
    httplib::Client c("127.0.0.1", off->port());
    EXPECT_EQ(c.Get("/metrics")->status, 404);
}

TEST(StartWebEndpoints, HealthzAnswersFromTheProcessEngineHealth) {
    Config config = loopback_config();
    auto server = start_web_endpoints(config, false);
    ASSERT_NE(server, nullptr);
    httplib::Client client("127.0.0.1", server->port());
    EXPECT_EQ(client.Get("/healthz")->status, 503); // the engine has not started
    EXPECT_EQ(client.Get("/versions")->status, 200);
}

TEST(StartWebEndpoints, APortInUseIsLoggedAndKestrelGoesOn) {
    Config config = loopback_config();
    auto first = start_web_endpoints(config, false);
    ASSERT_NE(first, nullptr);
    config.webserver.options.listen_port = first->port();
    EXPECT_EQ(start_web_endpoints(config, false), nullptr);
}

} // namespace
} // namespace kestrel::daemon
