#pragma once
// A real HTTP(S) receiver for the HTTP sink tests: cpp-httplib on 127.0.0.1, recording every
// POST (headers, decoded body, the client's port), restartable on the same port to play an
// outage. TLS certificates (a CA, a server certificate for 127.0.0.1/localhost, a client
// certificate) are made by the openssl CLI at run time into a temporary directory.

#include <httplib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kestrel::output::testing {

struct Post {
    std::string body; // after Content-Encoding decoding (httplib with zlib)
    std::string content_type;
    std::string content_encoding;
    std::string content_length; // as sent: the compressed size when gzip'ed
    std::string user_agent;
    std::string te; // the TE request header (libcurl's CURLOPT_TRANSFER_ENCODING)
    int remote_port = 0;
};

struct TlsFiles {
    std::string ca_cert, server_cert, server_key, client_cert, client_key;
};

// Makes the certificates in `dir`; empty paths on failure.
inline TlsFiles make_certs(const std::string& dir) {
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    const std::string script =
        "set -e; cd '" + dir + "'; exec 2>openssl.log; " + "openssl req -x509 " + ec +
        " -keyout ca.key -out ca.crt -days 2 -subj /CN=kestrel-ca; " + "openssl req " + ec +
        " -keyout server.key -out server.csr -subj /CN=localhost; " +
        "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' "
        "> server.ext; " +
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "-out server.crt -days 2 -extfile server.ext; " +
        "openssl req " + ec + " -keyout client.key -out client.csr -subj /CN=kestrel-client; " +
        "printf 'extendedKeyUsage=clientAuth\\n' > client.ext; " +
        "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "-out client.crt -days 2 -extfile client.ext";
    if (std::system(script.c_str()) != 0) { // NOLINT(cert-env33-c): the test's own script
        return {};
    }
    return {dir + "/ca.crt", dir + "/server.crt", dir + "/server.key", dir + "/client.crt",
            dir + "/client.key"};
}

class TestServer {
  public:
    // Plain HTTP; with `tls`, HTTPS, and with `require_client_cert` also mTLS against the CA.
    explicit TestServer(const TlsFiles* tls = nullptr, bool require_client_cert = false)
        : tls_(tls), mtls_(require_client_cert) {}
    ~TestServer() { stop(); }

    // Starts listening (port 0: any free port; else that port, for a restart).
    bool start(int port = 0) {
        if (tls_ != nullptr) {
            server_ = std::make_unique<httplib::SSLServer>(tls_->server_cert.c_str(),
                                                           tls_->server_key.c_str(),
                                                           mtls_ ? tls_->ca_cert.c_str() : nullptr);
        } else {
            server_ = std::make_unique<httplib::Server>();
        }
        server_->set_tcp_nodelay(true); // no Nagle delay between the response's writes
        server_->Post("/alerts", [this](const httplib::Request& req, httplib::Response& res) {
            {
                std::lock_guard lock(mu_);
                posts_.push_back({req.body, req.get_header_value("Content-Type"),
                                  req.get_header_value("Content-Encoding"),
                                  req.get_header_value("Content-Length"),
                                  req.get_header_value("User-Agent"), req.get_header_value("TE"),
                                  req.remote_port});
            }
            res.status = status_.load();
            res.set_content("{\"ack\":true}", "application/json");
        });
        if (port == 0) {
            port_ = server_->bind_to_any_port("127.0.0.1");
        } else if (server_->bind_to_port("127.0.0.1", port)) {
            port_ = port;
        } else {
            return false;
        }
        // bind_to_* already listen(): connections queue in the backlog until the thread accepts.
        thread_ = std::thread([this] { server_->listen_after_bind(); });
        // stop() is a no-op until the accept loop runs: wait for it, or a quick stop() hangs.
        while (!server_->is_running()) {
            std::this_thread::yield();
        }
        return port_ > 0;
    }

    void stop() {
        if (server_) {
            server_->stop();
            thread_.join();
            server_.reset();
        }
    }

    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] std::string url() const {
        return (tls_ != nullptr ? "https://127.0.0.1:" : "http://127.0.0.1:") +
               std::to_string(port_) + "/alerts";
    }
    void respond_with(int status) { status_.store(status); }
    std::vector<Post> posts() const {
        std::lock_guard lock(mu_);
        return posts_;
    }
    std::vector<std::string> bodies() const {
        std::vector<std::string> out;
        for (const Post& p : posts()) {
            out.push_back(p.body);
        }
        return out;
    }

  private:
    const TlsFiles* tls_;
    bool mtls_;
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    int port_ = 0;
    std::atomic<int> status_{200};
    mutable std::mutex mu_;
    std::vector<Post> posts_;
};

} // namespace kestrel::output::testing
