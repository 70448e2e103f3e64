#include "prometheus_server.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <httplib.h>

namespace kestrel::e2e {

int free_loopback_port() {
    int sock = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    int port = -1;
    if (bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    close(sock);
    return port;
}

PrometheusServer::PrometheusServer(const std::vector<ScrapeTarget>& targets) {
    char pattern[] = "/tmp/kestrel-e2e-prometheus-XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
        return;
    }
    dir_ = pattern;
    port_ = free_loopback_port();
    std::ofstream config(dir_ + "/prometheus.yml");
    // One job per target so each can have its own scheme and TLS settings.
    config << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
           << "scrape_configs:\n";
    for (size_t i = 0; i < targets.size(); ++i) {
        const ScrapeTarget& t = targets[i];
        config << "  - job_name: kestrel" << i << "\n    scrape_timeout: 1s\n"
               << "    scheme: " << t.scheme << "\n";
        if (!t.ca_file.empty()) {
            config << "    tls_config:\n      ca_file: " << t.ca_file << "\n";
        }
        config << "    static_configs:\n      - targets: ['" << t.address << "']\n";
    }
    config.close();

    std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port_);
    std::string config_flag = "--config.file=" + dir_ + "/prometheus.yml";
    std::string storage = "--storage.tsdb.path=" + dir_ + "/data";
    std::string log_path = dir_ + "/prometheus.log";
    pid_ = fork();
    if (pid_ == 0) {
        int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        execlp("prometheus", "prometheus", config_flag.c_str(), storage.c_str(), listen.c_str(),
               "--web.enable-lifecycle", "--log.level=info", static_cast<char*>(nullptr));
        _exit(127);
    }
}

PrometheusServer::~PrometheusServer() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        // Prometheus flushes its head block on SIGTERM; give it time, then insist.
        for (int i = 0; i < 300; ++i) {
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    if (!dir_.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
}

bool PrometheusServer::wait_ready() {
    if (pid_ <= 0) {
        return false;
    }
    // A deadline only against a hang: Prometheus is usually ready in well under a second.
    for (int i = 0; i < 600; ++i) {
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        httplib::Client client("127.0.0.1", port_);
        auto res = client.Get("/-/ready");
        if (res && res->status == 200) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

std::optional<nlohmann::json> PrometheusServer::get_json(const std::string& path) {
    httplib::Client client("127.0.0.1", port_);
    auto res = client.Get(path.c_str());
    if (!res || res->status != 200) {
        return std::nullopt;
    }
    auto doc = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || doc.value("status", "") != "success") {
        return std::nullopt;
    }
    return doc["data"];
}

std::optional<nlohmann::json> PrometheusServer::query(const std::string& promql) {
    auto data = get_json("/api/v1/query?query=" + httplib::detail::encode_query_param(promql));
    if (!data || !data->contains("result")) {
        return std::nullopt;
    }
    return (*data)["result"];
}

std::optional<nlohmann::json> PrometheusServer::targets() { return get_json("/api/v1/targets"); }

std::string PrometheusServer::log() const {
    std::ifstream in(dir_ + "/prometheus.log");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

} // namespace kestrel::e2e
