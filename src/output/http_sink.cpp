#include "output/http_sink.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "base/log.hpp"

namespace kestrel::output {
namespace {

using Clock = std::chrono::steady_clock;

// Falco strips one level of quotes around the URL (users write `url: "'http://...'"`).
std::string unquote_url(std::string url) {
    if (url.size() >= 2 && (url.front() == '"' || url.front() == '\'') &&
        url.back() == url.front()) {
        std::string out;
        for (size_t i = 1; i + 1 < url.size(); ++i) {
            if (url[i] == '\\' && i + 2 < url.size()) {
                ++i;
            }
            out.push_back(url[i]);
        }
        return out;
    }
    return url;
}

// Falco leaves the response to libcurl's default writer (stdout) when echo is on.
size_t echo_body(char* data, size_t size, size_t count, void* /*user*/) {
    size_t n = std::fwrite(data, size, count, stdout);
    std::fflush(stdout);
    return n * size;
}

size_t discard_body(char* /*data*/, size_t size, size_t count, void* /*user*/) {
    return size * count;
}

bool readable(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

} // namespace

struct HttpSink::Curl {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    char error[CURL_ERROR_SIZE] = {};
    std::string why; // what the last failed post came to

    Curl() = default;
    Curl(const Curl&) = delete;
    Curl& operator=(const Curl&) = delete;
    ~Curl() {
        if (easy != nullptr) {
            curl_easy_cleanup(easy);
        }
        curl_slist_free_all(headers);
    }
};

HttpSink::HttpSink(HttpOptions options) : options_(std::move(options)) {}

base::Result<std::unique_ptr<HttpSink>> HttpSink::create(HttpOptions options) {
    options.url = unquote_url(std::move(options.url));
    if (options.url.empty()) {
        return base::make_error(base::ErrorCode::kInvalidArgument, "http_output.url is empty");
    }
    if (!options.ca_cert.empty() && !readable(options.ca_cert)) {
        return base::make_error(base::ErrorCode::kNotFound,
                                "http_output.ca_cert: cannot read " + options.ca_cert);
    }
    if (options.mtls) {
        for (const auto& [key, path] : {std::pair{"client_cert", &options.client_cert},
                                        std::pair{"client_key", &options.client_key}}) {
            if (!readable(*path)) {
                return base::make_error(base::ErrorCode::kNotFound,
                                        fmt::format("http_output.{}: cannot read {}", key, *path));
            }
        }
    }
    static std::once_flag curl_init;
    std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

    std::unique_ptr<HttpSink> sink(new HttpSink(std::move(options)));
    const HttpOptions& o = sink->options_;
    auto spool = Spool::open({.dir = o.spool_dir, .max_bytes = o.spool_max_bytes});
    if (!spool.ok()) {
        return std::move(spool).with_context("http_output.spool_dir").error();
    }
    sink->spool_ = std::move(spool).value();
    if (!sink->spool_->empty()) {
        KES_LOG_INFO("http output: {} alerts left in the spool {} by a previous run; re-sending "
                     "them first",
                     sink->spool_->records(), o.spool_dir);
    }

    auto curl = std::make_unique<Curl>();
    curl->easy = curl_easy_init();
    if (curl->easy == nullptr) {
        return base::make_error(base::ErrorCode::kInternal, "http_output: curl_easy_init failed");
    }
    curl->headers =
        curl_slist_append(curl->headers, o.json_output ? "Content-Type: application/json"
                                                       : "Content-Type: text/plain");
    // libcurl would otherwise wait for `100 Continue` before bodies over 1 KiB.
    curl->headers = curl_slist_append(curl->headers, "Expect:");
    CURL* h = curl->easy;
    CURLcode rc = CURLE_OK;
    auto set = [&rc](CURLcode r) { rc = rc == CURLE_OK ? r : rc; };
    set(curl_easy_setopt(h, CURLOPT_URL, o.url.c_str()));
    set(curl_easy_setopt(h, CURLOPT_USERAGENT, o.user_agent.c_str()));
    set(curl_easy_setopt(h, CURLOPT_HTTPHEADER, curl->headers));
    set(curl_easy_setopt(h, CURLOPT_POST, 1L));
    set(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl->error));
    // Worker threads: no SIGALRM for resolver timeouts.
    set(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L));
    set(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.timeout_ms)));
    set(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout_ms)));
    if (o.insecure) {
        set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L));
        set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L));
    }
    if (o.mtls) {
        set(curl_easy_setopt(h, CURLOPT_SSLCERT, o.client_cert.c_str()));
        set(curl_easy_setopt(h, CURLOPT_SSLKEY, o.client_key.c_str()));
    }
    if (!o.ca_cert.empty()) {
        set(curl_easy_setopt(h, CURLOPT_CAINFO, o.ca_cert.c_str()));
    } else if (!o.ca_bundle.empty()) {
        set(curl_easy_setopt(h, CURLOPT_CAINFO, o.ca_bundle.c_str()));
    } else {
        set(curl_easy_setopt(h, CURLOPT_CAPATH, o.ca_path.c_str()));
    }
    set(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, o.echo ? echo_body : discard_body));
    if (o.compress_uploads) {
        // Falco's meaning, kept for its receivers: ask the server for a compressed response
        // (libcurl's TE request); the alert body itself goes out uncompressed.
        set(curl_easy_setopt(h, CURLOPT_TRANSFER_ENCODING, 1L));
    }
    if (o.keep_alive) {
        // As Falco: the handle (and its connection) is reused for every post regardless;
        // keep_alive adds TCP keep-alive probes so an idle connection survives NAT/LB timeouts.
        set(curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L));
    }
    // Lets shutdown abort a post in flight instead of waiting out timeout_ms.
    set(curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L));
    set(curl_easy_setopt(h, CURLOPT_XFERINFODATA, sink.get()));
    set(curl_easy_setopt(
        h, CURLOPT_XFERINFOFUNCTION,
        +[](void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> int {
            return static_cast<const HttpSink*>(self)->aborting() ? 1 : 0;
        }));
    if (rc != CURLE_OK) {
        return base::make_error(base::ErrorCode::kInvalidArgument,
                                fmt::format("http_output: libcurl: {}", curl_easy_strerror(rc)));
    }
    sink->curl_ = std::move(curl);
    sink->drainer_ = std::thread([s = sink.get()] { s->drain_loop(); });
    return sink;
}

HttpSink::~HttpSink() {
    {
        std::unique_lock lock(mu_);
        // A clean shutdown (not stopped) while the endpoint answers: let the drainer finish the
        // spool, within a bound, so a replay that saw a short outage ends with nothing left.
        const auto until = Clock::now() + kCloseDrain;
        while (drainer_.joinable() && !spool_->empty() && !endpoint_down_ && !stop_requested() &&
               Clock::now() < until) {
            cv_.wait_for(lock, std::chrono::milliseconds(20));
        }
        closing_ = true;
        abort_.store(true);
    }
    cv_.notify_all();
    if (drainer_.joinable()) {
        drainer_.join();
    }
}

bool HttpSink::aborting() const { return abort_.load() || stop_requested(); }

uint64_t HttpSink::spooled() const {
    std::lock_guard lock(mu_);
    return spool_->records();
}

HttpSink::PostResult HttpSink::post(std::string_view body) {
    std::lock_guard lock(post_mu_);
    CURL* h = curl_->easy;
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_->error[0] = '\0';
    const CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
        return PostResult::kStopped;
    }
    if (rc != CURLE_OK) {
        curl_->why = curl_->error[0] != '\0' ? curl_->error : curl_easy_strerror(rc);
        return PostResult::kFailed;
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
        return PostResult::kOk;
    }
    curl_->why = fmt::format("HTTP status {}", status);
    // Statuses about the body itself: re-sending it cannot help, and holding it would block
    // every later alert behind it in the spool.
    if (status == 400 || status == 413 || status == 415 || status == 422) {
        return PostResult::kRejected;
    }
    return PostResult::kFailed;
}

void HttpSink::note_failure(PostResult result) {
    std::string why;
    {
        std::lock_guard lock(post_mu_);
        why = curl_->why;
    }
    if (result == PostResult::kRejected) {
        KES_LOG_WARN("http output: {} refused an alert ({}); dropped", options_.url, why);
        return;
    }
    if (!std::exchange(endpoint_down_, true)) {
        KES_LOG_WARN("http output: POST to {} failed ({}); retrying, then spooling to {}",
                     options_.url, why, options_.spool_dir);
    }
}

bool HttpSink::pause(uint32_t ms) {
    // Slices: stop_requested() is a flag without a wake-up, and the wait must end on it promptly.
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    while (!aborting()) {
        const auto now = Clock::now();
        if (now >= until) {
            return true;
        }
        std::this_thread::sleep_for(
            std::min<Clock::duration>(until - now, std::chrono::milliseconds(20)));
    }
    return false;
}

bool HttpSink::spool_locked(std::string_view line) {
    const Spool::AppendResult r = spool_->append(line);
    if (r == Spool::AppendResult::kOk) {
        if (std::exchange(spool_full_, false)) {
            KES_LOG_WARN("http output: spool {} accepts alerts again; {} dropped while it could "
                         "not",
                         options_.spool_dir, std::exchange(burst_dropped_, 0));
        }
        cv_.notify_one();
        return true;
    }
    counters().dropped.fetch_add(1, std::memory_order_relaxed);
    ++burst_dropped_;
    if (!std::exchange(spool_full_, true)) {
        if (r == Spool::AppendResult::kFull) {
            KES_LOG_ERROR("http output: spool {} is full ({} of {} bytes): dropping alerts until "
                          "{} takes the spooled ones",
                          options_.spool_dir, spool_->bytes(), options_.spool_max_bytes,
                          options_.url);
        } else {
            KES_LOG_ERROR("http output: cannot spool: {}; dropping alerts", spool_->last_error());
        }
    }
    return false;
}

void HttpSink::deliver(const eval::Alert& /*alert*/, std::string_view line) {
    {
        std::lock_guard lock(mu_);
        // Spooled alerts go first: this one queues behind them. Stopping: keep it for next start.
        if (!spool_->empty() || stop_requested()) {
            if (spool_locked(line)) {
                counters().retried.fetch_add(1, std::memory_order_relaxed);
            }
            return;
        }
    }
    SinkCounters& c = counters();
    uint32_t backoff = options_.retry_backoff_ms;
    bool retried = false;
    for (uint32_t attempt = 0;; ++attempt) {
        const PostResult r = post(line);
        if (r == PostResult::kOk) {
            c.delivered.fetch_add(1, std::memory_order_relaxed);
            std::lock_guard lock(mu_);
            if (std::exchange(endpoint_down_, false)) {
                KES_LOG_INFO("http output: {} answers again", options_.url);
            }
            return;
        }
        if (r == PostResult::kStopped) {
            break;
        }
        c.failed.fetch_add(1, std::memory_order_relaxed);
        {
            std::lock_guard lock(mu_);
            note_failure(r);
        }
        if (r == PostResult::kRejected) {
            c.dropped.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        if (attempt >= options_.max_retries) {
            break;
        }
        if (!std::exchange(retried, true)) {
            c.retried.fetch_add(1, std::memory_order_relaxed);
        }
        if (!pause(backoff)) {
            break;
        }
        backoff = std::min(backoff * 2, options_.retry_max_backoff_ms);
    }
    std::lock_guard lock(mu_);
    if (spool_locked(line) && !retried) {
        c.retried.fetch_add(1, std::memory_order_relaxed);
    }
    // Retries just failed: the drainer's first probe waits one backoff step.
    probe_backoff_ms_ = options_.retry_backoff_ms;
    next_probe_ = Clock::now() + std::chrono::milliseconds(probe_backoff_ms_);
}

void HttpSink::drain_loop() {
    SinkCounters& c = counters();
    std::string record;
    uint64_t resent = 0;
    std::unique_lock lock(mu_);
    while (true) {
        cv_.wait(lock, [&] { return closing_ || (!spool_->empty() && !stop_requested()); });
        if (closing_) {
            return;
        }
        if (Clock::now() < next_probe_) {
            cv_.wait_until(lock, next_probe_, [&] { return closing_; });
            continue;
        }
        if (!spool_->front(record)) {
            const uint64_t before = spool_->records();
            KES_LOG_ERROR("http output: {}; skipping it", spool_->last_error());
            spool_->pop_front();
            c.dropped.fetch_add(before - spool_->records(), std::memory_order_relaxed);
            continue;
        }
        lock.unlock();
        const PostResult r = post(record);
        lock.lock();
        if (r == PostResult::kStopped) {
            continue;
        }
        if (r == PostResult::kFailed) {
            c.failed.fetch_add(1, std::memory_order_relaxed);
            note_failure(r);
            probe_backoff_ms_ = probe_backoff_ms_ == 0 ? options_.retry_backoff_ms
                                                       : std::min(probe_backoff_ms_ * 2,
                                                                  options_.retry_max_backoff_ms);
            next_probe_ = Clock::now() + std::chrono::milliseconds(probe_backoff_ms_);
            continue;
        }
        if (r == PostResult::kOk) {
            c.delivered.fetch_add(1, std::memory_order_relaxed);
            ++resent;
            if (std::exchange(endpoint_down_, false)) {
                KES_LOG_INFO("http output: {} answers again; re-sending the spool", options_.url);
            }
        } else {
            c.failed.fetch_add(1, std::memory_order_relaxed);
            c.dropped.fetch_add(1, std::memory_order_relaxed);
            note_failure(r);
        }
        probe_backoff_ms_ = 0;
        spool_->pop_front();
        if (spool_->empty()) {
            KES_LOG_INFO("http output: spool {} empty; {} alerts re-sent", options_.spool_dir,
                         std::exchange(resent, 0));
        }
    }
}

} // namespace kestrel::output
