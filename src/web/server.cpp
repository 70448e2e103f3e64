#include "web/server.hpp"

#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "base/log.hpp"

namespace kestrel::web {
namespace {

using base::ErrorCode;
using base::make_error;

// cpp-httplib routes by std::regex: a configured path such as "/health.z" must match itself only.
std::string literal_pattern(std::string_view path) {
    std::string out;
    for (char c : path) {
        if (std::strchr(R"(\^$.|?*+()[]{})", c) != nullptr) {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::string health_body(const Health& health) {
    if (health.ok) {
        return R"({"status": "ok"})"; // Falco's exact body
    }
    std::string reason;
    for (char c : health.reason) { // the reason is ours, but keep the JSON valid regardless
        if (c == '"' || c == '\\') {
            reason += '\\';
        }
        reason += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
    }
    return fmt::format(R"({{"status": "unavailable", "reason": "{}"}})", reason);
}

void install_routes(httplib::Server& server, const Options& options, const Handlers& handlers) {
    auto health = handlers.health;
    server.Get(literal_pattern(options.healthz_endpoint),
               [health](const httplib::Request&, httplib::Response& res) {
                   Health h = health ? health() : Health{false, "no health check installed"};
                   res.status = h.ok ? 200 : 503;
                   res.set_content(health_body(h), std::string(kJsonContentType));
               });
    std::string versions = handlers.versions_json;
    server.Get("/versions", [versions](const httplib::Request&, httplib::Response& res) {
        res.set_content(versions, std::string(kJsonContentType));
    });
    if (handlers.metrics) {
        auto metrics = handlers.metrics;
        server.Get("/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
            bool available = true;
            std::string text = metrics(&available);
            if (!available) {
                res.status = 503;
                res.set_content("metrics are not available yet\n", "text/plain");
                return;
            }
            res.set_content(text, std::string(kPrometheusContentType));
        });
    }
}

} // namespace

bool is_ip_address(std::string_view text) {
    std::string copy(text);
    unsigned char buffer[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, copy.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, copy.c_str(), buffer) == 1;
}

struct Server::Impl {
    std::unique_ptr<httplib::Server> http;
    std::thread listener;
    std::atomic<bool> listen_returned{false};
    bool stopped = false;
};

Server::Server(std::unique_ptr<Impl> impl, uint16_t port, bool tls)
    : impl_(std::move(impl)), port_(port), tls_(tls) {}

Server::~Server() { stop(); }

base::Result<std::unique_ptr<Server>> Server::start(const Options& options, Handlers handlers) {
    if (!is_ip_address(options.listen_address)) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("webserver listen address \"{}\" is not a valid IP address",
                                      options.listen_address));
    }
    auto impl = std::make_unique<Impl>();
    if (options.ssl_enabled) {
        // Checked first so the error says what is wrong with the file, not just "invalid".
        if (access(options.ssl_certificate.c_str(), R_OK) != 0) {
            return make_error(ErrorCode::kNotFound,
                              fmt::format("webserver.ssl_certificate '{}': {}",
                                          options.ssl_certificate, std::strerror(errno)));
        }
        // Falco reads the certificate chain and the private key from the same PEM file.
        impl->http = std::make_unique<httplib::SSLServer>(options.ssl_certificate.c_str(),
                                                          options.ssl_certificate.c_str());
        if (!impl->http->is_valid()) {
            return make_error(ErrorCode::kInvalidArgument,
                              fmt::format("webserver.ssl_certificate '{}': cannot load a "
                                          "certificate and its private key from it (one PEM file "
                                          "must hold both)",
                                          options.ssl_certificate));
        }
    } else {
        impl->http = std::make_unique<httplib::Server>();
    }

    size_t threads = options.threadiness;
    if (threads == 0) {
        threads = std::max(1U, std::thread::hardware_concurrency());
    }
    impl->http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // A scraper's idle keep-alive connection holds a worker: keep that short so stop() is
    // prompt and a handful of idle clients cannot starve the pool.
    impl->http->set_keep_alive_timeout(1);
    impl->http->set_read_timeout(5, 0);
    impl->http->set_write_timeout(5, 0);
    // httplib's default also sets SO_REUSEPORT, which would let a second Kestrel bind the same
    // port and receive half of the scrapes. SO_REUSEADDR alone keeps quick restarts working.
    impl->http->set_socket_options([](int sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    install_routes(*impl->http, options, handlers);

    errno = 0;
    int port = options.listen_port;
    if (port == 0) {
        port = impl->http->bind_to_any_port(options.listen_address);
    } else if (!impl->http->bind_to_port(options.listen_address, port)) {
        port = -1;
    }
    if (port <= 0) {
        int saved = errno;
        return make_error(ErrorCode::kIo, fmt::format("webserver: cannot listen on {}:{}{}{}",
                                                      options.listen_address, options.listen_port,
                                                      saved != 0 ? ": " : "",
                                                      saved != 0 ? std::strerror(saved) : ""));
    }

    // The server's threads (the listener and, created by it, the workers) inherit a mask with
    // every signal blocked: SIGINT/SIGTERM/SIGALRM must reach the engine's thread, whose
    // blocking waits they interrupt.
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    Impl* raw = impl.get();
    raw->listener = std::thread([raw] {
        if (!raw->http->listen_after_bind()) {
            KES_LOG_ERROR("webserver: the listening socket failed; no longer serving");
        }
        raw->listen_returned.store(true, std::memory_order_release);
    });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return std::unique_ptr<Server>(
        new Server(std::move(impl), static_cast<uint16_t>(port), options.ssl_enabled));
}

void Server::stop() {
    if (!impl_ || impl_->stopped) {
        return;
    }
    impl_->stopped = true;
    // httplib's stop() is a no-op until the listener thread has flagged itself running: wait
    // for that (or for the listener to have ended) so a quick start/stop cannot hang the join.
    while (!impl_->http->is_running() && !impl_->listen_returned.load(std::memory_order_acquire)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    impl_->http->stop();
    if (impl_->listener.joinable()) {
        impl_->listener.join();
    }
}

} // namespace kestrel::web
