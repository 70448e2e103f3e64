#pragma once
// Kestrel's embedded HTTP(S) server: Falco's `webserver` endpoints (/healthz, /versions,
// /metrics) on cpp-httplib. It runs on its own threads (one listener plus a pool of
// `threadiness` workers); the handlers it calls are the caller's and must be thread-safe. They
// never reach into the hot path's data: the daemon hands in closures over published,
// synchronized state (atomics, metrics snapshots).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace kestrel::web {

// Falco's (and Prometheus's) content type for the text exposition format 0.0.4.
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4";
inline constexpr std::string_view kJsonContentType = "application/json";

struct Options {
    std::string listen_address = "127.0.0.1"; // an IPv4 or IPv6 address
    uint16_t listen_port = 8765;              // 0: any free port (see Server::port())
    uint32_t threadiness = 0;                 // worker threads; 0: one per CPU, as in Falco
    std::string healthz_endpoint = "/healthz";
    bool ssl_enabled = false;
    std::string ssl_certificate; // one PEM file holding the private key and the certificate
};

struct Health {
    bool ok = false;
    std::string reason; // why not ok, shown in the 503 body
};

struct Handlers {
    // Required. Answered as 200 {"status": "ok"} (Falco's body) or 503 with the reason.
    std::function<Health()> health;
    // The Prometheus text exposition. Empty function: /metrics is not served (404), as in Falco
    // when metrics or webserver.prometheus_metrics_enabled is off. Setting `*available` false
    // answers 503 (the numbers' source is not up yet, or is gone).
    std::function<std::string(bool* available)> metrics;
    // The /versions document, served as is.
    std::string versions_json;
};

class Server {
  public:
    // Binds (errors name the address, port or certificate) and starts serving in the background.
    static base::Result<std::unique_ptr<Server>> start(const Options& options, Handlers handlers);

    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // The bound port (the chosen one when Options::listen_port was 0).
    [[nodiscard]] uint16_t port() const { return port_; }
    [[nodiscard]] bool tls() const { return tls_; }

    // Stops accepting, finishes requests in flight and joins every thread. Idempotent.
    void stop();

  private:
    struct Impl;
    Server(std::unique_ptr<Impl> impl, uint16_t port, bool tls);

    std::unique_ptr<Impl> impl_;
    uint16_t port_ = 0;
    bool tls_ = false;
};

// True when `text` is a numeric IPv4 or IPv6 address (Falco rejects anything else).
bool is_ip_address(std::string_view text);

} // namespace kestrel::web
