// HTTP output figures (printed, never asserted), each with its baseline in the same run:
//   1. alerts/s through HttpSink::deliver() to a cpp-httplib receiver on 127.0.0.1, against a
//      bare libcurl loop posting the same bodies on one reused handle;
//   2. the spool: append rate and front+pop rate (offset persisted per pop), against write() of
//      the same bytes to one file;
//   3. after an outage: how fast the drainer re-sends N spooled alerts once the receiver is back.
// Usage: http_output_bench [alerts]   (default 20000)

#include <curl/curl.h>
#include <fcntl.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "output/http_sink.hpp"
#include "output/spool.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A typical Falco JSON alert line (about 700 bytes).
std::string body(int i) {
    return R"json({"hostname":"node-1","output":"13:05:11.123456789: Warning Sensitive file opened for reading by non-trusted program (file=/etc/shadow gparent=systemd ggparent=<NA> gggparent=<NA> evt_type=openat user=root user_uid=0 user_loginuid=-1 process=cat proc_exepath=/usr/bin/cat parent=bash command=cat /etc/shadow terminal=34816 container_id=host container_name=host)","output_fields":{"container.id":"host","container.name":"host","evt.time":1717160711123456789,"evt.type":"openat","fd.name":"/etc/shadow","proc.cmdline":"cat /etc/shadow","proc.exepath":"/usr/bin/cat","proc.name":"cat","proc.pname":"bash","user.loginuid":-1,"user.name":"root","user.uid":0},"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","tags":["T1555","container","filesystem","host","maturity_stable","mitre_credential_access"],"time":"2024-05-31T13:05:11.123456789Z","seq":)json" +
           std::to_string(i) + "}";
}

class Receiver {
  public:
    bool start(int port = 0) {
        server_ = std::make_unique<httplib::Server>();
        server_->set_tcp_nodelay(true);
        server_->Post("/alerts", [this](const httplib::Request&, httplib::Response& res) {
            received_.fetch_add(1, std::memory_order_relaxed);
            res.status = 200;
        });
        port_ = port == 0 ? server_->bind_to_any_port("127.0.0.1")
                          : (server_->bind_to_port("127.0.0.1", port) ? port : -1);
        thread_ = std::thread([this] { server_->listen_after_bind(); });
        while (!server_->is_running()) {
            std::this_thread::yield();
        }
        return port_ > 0;
    }
    void stop() {
        server_->stop();
        thread_.join();
    }
    [[nodiscard]] std::string url() const {
        return "http://127.0.0.1:" + std::to_string(port_) + "/alerts";
    }
    [[nodiscard]] int port() const { return port_; }
    std::atomic<uint64_t> received_{0};

  private:
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    int port_ = 0;
};

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

double bare_curl_rate(const std::string& url, const std::vector<std::string>& bodies) {
    CURL* h = curl_easy_init();
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    const auto t0 = Clock::now();
    for (const std::string& b : bodies) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(b.size()));
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, b.data());
        curl_easy_perform(h);
    }
    const double rate = static_cast<double>(bodies.size()) / seconds_since(t0);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    return rate;
}

kestrel::output::HttpOptions options(const std::string& url, const std::string& spool) {
    kestrel::output::HttpOptions o;
    o.url = url;
    o.json_output = true;
    o.keep_alive = true;
    o.spool_dir = spool;
    o.max_retries = 0;
    o.retry_backoff_ms = 5;
    o.retry_max_backoff_ms = 5;
    o.spool_max_bytes = 1ULL << 30;
    return o;
}

} // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 20000;
    std::string tmpl = (fs::temp_directory_path() / "kestrel-http-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
        return 1;
    }
    const std::string root = tmpl;
    std::vector<std::string> bodies;
    for (int i = 0; i < n; ++i) {
        bodies.push_back(body(i));
    }
    const kestrel::eval::Alert alert;
    std::printf("http output bench: %d alerts of %zu bytes\n", n, bodies[0].size());

    // 1. Posts.
    Receiver rx;
    rx.start();
    const double bare = bare_curl_rate(rx.url(), bodies);
    double sink_rate = 0;
    {
        auto sink = kestrel::output::HttpSink::create(options(rx.url(), root + "/s1"));
        if (!sink.ok()) {
            std::fprintf(stderr, "%s\n", sink.error().to_string().c_str());
            return 1;
        }
        const auto t0 = Clock::now();
        for (const std::string& b : bodies) {
            (*sink)->deliver(alert, b);
        }
        sink_rate = n / seconds_since(t0);
    }
    const double bare_after = bare_curl_rate(rx.url(), bodies); // the order must not matter
    std::printf("  posts/s: bare libcurl loop %.0f before / %.0f after (baseline), "
                "HttpSink::deliver %.0f (%.2fx the mean)\n",
                bare, bare_after, sink_rate, 2 * sink_rate / (bare + bare_after));

    // 2. The spool.
    {
        const std::string file = root + "/plain";
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        auto t0 = Clock::now();
        for (const std::string& b : bodies) {
            if (::write(fd, b.data(), b.size()) < 0) {
                return 1;
            }
        }
        const double plain = n / seconds_since(t0);
        ::close(fd);
        auto spool = kestrel::output::Spool::open({.dir = root + "/s2", .max_bytes = 1ULL << 30});
        t0 = Clock::now();
        for (const std::string& b : bodies) {
            (void)(*spool)->append(b);
        }
        const double append = n / seconds_since(t0);
        std::string rec;
        t0 = Clock::now();
        while ((*spool)->front(rec)) {
            (*spool)->pop_front();
        }
        const double drain = n / seconds_since(t0);
        std::printf("  spool records/s: write() %.0f (baseline), append %.0f (%.2fx), "
                    "front+pop %.0f (%.2fx)\n",
                    plain, append, append / plain, drain, drain / plain);
    }

    // 3. An outage: everything spooled, then the receiver comes back.
    {
        const int port = rx.port();
        rx.stop();
        auto sink = kestrel::output::HttpSink::create(options(rx.url(), root + "/s3"));
        for (const std::string& b : bodies) {
            (*sink)->deliver(alert, b);
        }
        const uint64_t spooled = (*sink)->spooled();
        Receiver back;
        back.start(port);
        const auto t0 = Clock::now();
        while ((*sink)->spooled() != 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        const double resend = static_cast<double>(spooled) / seconds_since(t0);
        std::printf("  after an outage: %llu spooled, re-sent at %.0f alerts/s (%.2fx the bare "
                    "loop), %llu received, %llu dropped\n",
                    static_cast<unsigned long long>(spooled), resend, resend / bare,
                    static_cast<unsigned long long>(back.received_.load()),
                    static_cast<unsigned long long>((*sink)->counters().dropped.load()));
        back.stop();
    }
    fs::remove_all(root);
    return 0;
}
