#pragma once
// A real Prometheus (Debian's `prometheus`) started by a test on loopback, with its own config
// and storage in a temporary directory, scraping given targets every second. Stopped (SIGTERM,
// then waited for) and its directory removed when the object goes away: no process is left.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kestrel::e2e {

// A free TCP port on 127.0.0.1 (the kernel's pick, released again for the caller to bind).
int free_loopback_port();

struct ScrapeTarget {
    std::string address; // "127.0.0.1:8765"
    std::string scheme = "http";
    std::string ca_file; // https: the CA (here: the self-signed certificate) to verify with
};

class PrometheusServer {
  public:
    explicit PrometheusServer(const std::vector<ScrapeTarget>& targets);
    ~PrometheusServer();
    PrometheusServer(const PrometheusServer&) = delete;
    PrometheusServer& operator=(const PrometheusServer&) = delete;

    // Waits for /-/ready; false (with `log()` explaining) if Prometheus exited or never got
    // ready within the generous deadline.
    bool wait_ready();
    // The `data.result` array of an instant query (/api/v1/query); nullopt on any failure.
    std::optional<nlohmann::json> query(const std::string& promql);
    // The target health as Prometheus reports it (/api/v1/targets).
    std::optional<nlohmann::json> targets();
    [[nodiscard]] std::string log() const;
    [[nodiscard]] int port() const { return port_; }

  private:
    std::optional<nlohmann::json> get_json(const std::string& path);

    std::string dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

} // namespace kestrel::e2e
