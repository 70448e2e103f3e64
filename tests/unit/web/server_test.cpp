#include "web/server.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "web/versions.hpp"

namespace kestrel::web {
namespace {

Options loopback(uint16_t port = 0) {
    Options options;
    options.listen_address = "127.0.0.1";
    options.listen_port = port; // 0: the kernel picks a free port
    options.threadiness = 2;
    return options;
}

Handlers healthy_handlers() {
    Handlers handlers;
    handlers.health = [] { return Health{true, ""}; };
    handlers.metrics = [](bool* /*available*/) {
        return std::string("# HELP falcosecurity_scap_n_evts_total n\n"
                           "# TYPE falcosecurity_scap_n_evts_total counter\n"
                           "falcosecurity_scap_n_evts_total 42\n");
    };
    handlers.versions_json = versions_json();
    return handlers;
}

std::unique_ptr<Server> start_or_die(const Options& options, Handlers handlers) {
    auto server = Server::start(options, std::move(handlers));
    EXPECT_TRUE(server.ok()) << server.error().to_string();
    return server.ok() ? std::move(*server) : nullptr;
}

TEST(WebServer, HealthzIsFalcosBodyWhenHealthy) {
    auto server = start_or_die(loopback(), healthy_handlers());
    ASSERT_TRUE(server);
    ASSERT_NE(server->port(), 0);
    httplib::Client client("127.0.0.1", server->port());
    auto res = client.Get("/healthz");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, R"({"status": "ok"})");
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
}

TEST(WebServer, HealthzIs503WithTheReasonWhenUnhealthy) {
    Handlers handlers = healthy_handlers();
    handlers.health = [] { return Health{false, "no event for 10 s \"stalled\""}; };
    auto server = start_or_die(loopback(), handlers);
    ASSERT_TRUE(server);
    httplib::Client client("127.0.0.1", server->port());
    auto res = client.Get("/healthz");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503);
    auto body = nlohmann::json::parse(res->body);
    EXPECT_EQ(body["status"], "unavailable");
    EXPECT_EQ(body["reason"], "no event for 10 s \"stalled\"");
}

TEST(WebServer, HealthFollowsTheCallbackOnEveryRequest) {
    std::atomic<bool> ok{false};
    Handlers handlers = healthy_handlers();
    handlers.health = [&ok] { return Health{ok.load(), "not yet"}; };
    auto server = start_or_die(loopback(), handlers);
    ASSERT_TRUE(server);
    httplib::Client client("127.0.0.1", server->port());
    EXPECT_EQ(client.Get("/healthz")->status, 503);
    ok = true;
    EXPECT_EQ(client.Get("/healthz")->status, 200);
}

TEST(WebServer, CustomHealthzEndpointIsMatchedLiterally) {
    Options options = loopback();
    options.healthz_endpoint = "/k8s/health.z";
    auto server = start_or_die(options, healthy_handlers());
    ASSERT_TRUE(server);
    httplib::Client client("127.0.0.1", server->port());
    EXPECT_EQ(client.Get("/k8s/health.z")->status, 200);
    EXPECT_EQ(client.Get("/k8s/healthXz")->status, 404); // '.' is not a regex wildcard
    EXPECT_EQ(client.Get("/healthz")->status, 404);
}

TEST(WebServer, MetricsUsePrometheusTextContentType) {
    auto server = start_or_die(loopback(), healthy_handlers());
    ASSERT_TRUE(server);
    httplib::Client client("127.0.0.1", server->port());
    auto res = client.Get("/metrics");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4");
    EXPECT_NE(res->body.find("falcosecurity_scap_n_evts_total 42\n"), std::string::npos);
}

TEST(WebServer, MetricsAre503UntilTheirSourceIsAvailable) {
    std::atomic<bool> up{false};
    Handlers handlers = healthy_handlers();
    handlers.metrics = [&up](bool* available) {
        *available = up.load();
        return std::string(up.load() ? "a_total 1\n" : "");
    };
    auto server = start_or_die(loopback(), handlers);
    ASSERT_TRUE(server);
    httplib::Client client("127.0.0.1", server->port());
    EXPECT_EQ(client.Get("/metrics")->status, 503);
    up = true;
    auto res = client.Get("/metrics");
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "a_total 1\n");
}

TEST(WebServer, MetricsAre404WhenNotEnabled) {
    Handlers handlers = healthy_handlers();
    handlers.metrics = nullptr;
    auto server = start_or_die(loopback(), handlers);
    ASSERT_TRUE(server);
    httplib::Client client("127.0.0.1", server->port());
    EXPECT_EQ(client.Get("/metrics")->status, 404);
    EXPECT_EQ(client.Get("/healthz")->status, 200);
}

TEST(WebServer, VersionsHasFalcosKeys) {
    auto server = start_or_die(loopback(), healthy_handlers());
    ASSERT_TRUE(server);
    httplib::Client client("127.0.0.1", server->port());
    auto res = client.Get("/versions");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    auto doc = nlohmann::json::parse(res->body);
    for (const char* key : {"falco_version", "libs_version", "plugin_api_version",
                            "driver_api_version", "driver_schema_version", "default_driver_version",
                            "engine_version", "engine_version_semver", "kestrel_version"}) {
        EXPECT_TRUE(doc.contains(key)) << key;
        EXPECT_TRUE(doc[key].is_string()) << key;
    }
    EXPECT_EQ(doc["falco_version"], kFalcoCompatVersion);
    // Falco writes the engine version's minor number alone, and the full semver separately.
    std::string semver = doc["engine_version_semver"];
    EXPECT_EQ(semver, "0." + doc["engine_version"].get<std::string>() + ".0");
}

TEST(WebServer, ServesConcurrentClients) {
    auto server = start_or_die(loopback(), healthy_handlers());
    ASSERT_TRUE(server);
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 4; ++i) {
        clients.emplace_back([&] {
            httplib::Client client("127.0.0.1", server->port());
            for (int j = 0; j < 25; ++j) {
                auto res = client.Get("/metrics");
                if (res && res->status == 200) {
                    ++ok;
                }
            }
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    EXPECT_EQ(ok.load(), 100);
}

TEST(WebServer, BusyPortIsAnErrorNamingAddressAndPort) {
    auto first = start_or_die(loopback(), healthy_handlers());
    ASSERT_TRUE(first);
    auto second = Server::start(loopback(first->port()), healthy_handlers());
    ASSERT_FALSE(second.ok());
    std::string message = second.error().to_string();
    EXPECT_NE(message.find("127.0.0.1:" + std::to_string(first->port())), std::string::npos)
        << message;
}

TEST(WebServer, RejectsAddressesThatAreNotIps) {
    Options options = loopback();
    options.listen_address = "localhost";
    auto server = Server::start(options, healthy_handlers());
    ASSERT_FALSE(server.ok());
    EXPECT_NE(server.error().to_string().find("is not a valid IP address"), std::string::npos);
    EXPECT_TRUE(is_ip_address("::1"));
    EXPECT_TRUE(is_ip_address("0.0.0.0"));
    EXPECT_FALSE(is_ip_address("327.0.0.1"));
    EXPECT_FALSE(is_ip_address("127. 0.0.1"));
}

TEST(WebServer, ListensOnIpv6Loopback) {
    Options options = loopback();
    options.listen_address = "::1";
    auto server = Server::start(options, healthy_handlers());
    if (!server.ok()) {
        GTEST_SKIP() << "no IPv6 loopback here: " << server.error().to_string();
    }
    httplib::Client client("::1", (*server)->port());
    auto res = client.Get("/healthz");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
}

TEST(WebServer, StopRightAfterStartReturnsAndFreesThePort) {
    for (int i = 0; i < 20; ++i) {
        auto server = start_or_die(loopback(), healthy_handlers());
        ASSERT_TRUE(server);
        uint16_t port = server->port();
        server->stop();
        server->stop(); // idempotent
        // The port is free again: a new server can take it.
        auto again = start_or_die(loopback(port), healthy_handlers());
        ASSERT_TRUE(again);
    }
}

// A temporary directory holding a self-signed certificate for 127.0.0.1 and its key in one
// PEM file, as Falco's webserver.ssl_certificate expects.
class TlsFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/kestrel-web-tls-XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        dir_ = pattern;
        std::string key = dir_ + "/key.pem";
        cert_ = dir_ + "/cert.pem";
        pem_ = dir_ + "/falco.pem";
        std::string command =
            "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
            "-addext subjectAltName=IP:127.0.0.1 -keyout " +
            key + " -out " + cert_ + " >/dev/null 2>&1 && cat " + key + " " + cert_ + " > " + pem_;
        ASSERT_EQ(std::system(command.c_str()), 0) << command;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string dir_;
    std::string cert_;
    std::string pem_;
};

TEST_F(TlsFixture, ServesHttpsWithTheConfiguredPem) {
    Options options = loopback();
    options.ssl_enabled = true;
    options.ssl_certificate = pem_;
    auto server = start_or_die(options, healthy_handlers());
    ASSERT_TRUE(server);
    EXPECT_TRUE(server->tls());

    httplib::SSLClient client("127.0.0.1", server->port());
    client.set_ca_cert_path(cert_.c_str());
    client.enable_server_certificate_verification(true);
    auto res = client.Get("/metrics");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4");
    EXPECT_EQ(client.Get("/healthz")->body, R"({"status": "ok"})");

    // Plain HTTP to the TLS port gets no HTTP answer.
    httplib::Client plain("127.0.0.1", server->port());
    auto refused = plain.Get("/healthz");
    EXPECT_TRUE(!refused || refused->status != 200);
}

TEST_F(TlsFixture, MissingOrKeylessCertificateIsAnErrorNamingTheFile) {
    Options options = loopback();
    options.ssl_enabled = true;
    options.ssl_certificate = dir_ + "/absent.pem";
    auto missing = Server::start(options, healthy_handlers());
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().to_string().find(options.ssl_certificate), std::string::npos);

    options.ssl_certificate = cert_; // a certificate without its private key
    auto keyless = Server::start(options, healthy_handlers());
    ASSERT_FALSE(keyless.ok());
    EXPECT_NE(keyless.error().to_string().find(cert_), std::string::npos);
    EXPECT_NE(keyless.error().to_string().find("private key"), std::string::npos);
}

} // namespace
} // namespace kestrel::web
