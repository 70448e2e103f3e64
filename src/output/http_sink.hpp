#pragma once
// HttpSink: Falco's `http_output` (falco-compat.md §6; Falco's outputs_http.cpp), plus what
// Falco lacks: bounded retries with exponential backoff, then an on-disk spool (spool.hpp) that
// is re-sent in order, before any newer alert, once the endpoint answers again.
//
// Threads: deliver() runs on the sink's worker (sink.hpp). A second thread owned by the sink,
// the drainer, re-sends the spool, so spooled alerts go out as soon as the endpoint is back
// even when no new alert arrives. Order holds because deliver() posts directly only while the
// spool is empty, and appends to the spool otherwise: the spool is only ever emptied by the
// drainer after its last post succeeded, and only ever filled by deliver() after its own post.
// counters() may be read from any thread. Counters: delivered = accepted (2xx); failed = each
// failed POST (retries and drainer probes included); retried = alerts that did not get through
// on their first attempt and were retried or spooled; dropped = alerts given up on (spool full
// or unwritable, or a status refusing the body itself).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "base/result.hpp"
#include "output/sink.hpp"
#include "output/spool.hpp"

namespace kestrel::output {

// The `http_output` keys. Falco's keys keep Falco's defaults; the Kestrel ones are marked.
struct HttpOptions {
    std::string url; // may be quoted ("..." or '...'), as Falco allows
    std::string user_agent = "falcosecurity/falco";
    bool json_output = false;               // Content-Type application/json, else text/plain
    bool insecure = false;                  // no peer or host name verification
    std::string ca_cert;                    // CA file; wins over ca_bundle and ca_path
    std::string ca_bundle;                  // CA file, when ca_cert is empty
    std::string ca_path = "/etc/ssl/certs"; // CA directory, when both files are empty
    bool mtls = false;                      // present client_cert/client_key
    std::string client_cert = "/etc/ssl/certs/client.crt";
    std::string client_key = "/etc/ssl/certs/client.key";
    bool echo = false;                     // the endpoint's response bodies go to stdout
    bool compress_uploads = false;         // ask for a compressed response (Falco: TE)
    bool keep_alive = false;               // TCP keep-alive probes on the reused connection
    uint32_t max_consecutive_timeouts = 5; // accepted; Kestrel retries every failure (below)
    // Kestrel keys.
    uint32_t max_retries = 3;        // further attempts before an alert is spooled
    uint32_t retry_backoff_ms = 100; // first wait; doubles, capped at retry_max_backoff
    uint32_t retry_max_backoff_ms = 5000;
    uint32_t timeout_ms = 10000; // one POST, connection included
    std::string spool_dir = "/var/spool/kestrel/http";
    uint64_t spool_max_bytes = 64ULL << 20;
};

class HttpSink final : public Sink {
  public:
    // Opens the spool and prepares the libcurl handle. Errors name the key at fault.
    static base::Result<std::unique_ptr<HttpSink>> create(HttpOptions options);
    // Waits up to kCloseDrain for the drainer to empty the spool when the endpoint answers and
    // the sink was not stopped; what is left stays in the spool for the next start.
    ~HttpSink() override;
    static constexpr std::chrono::seconds kCloseDrain{5};
    HttpSink(const HttpSink&) = delete;
    HttpSink& operator=(const HttpSink&) = delete;

    [[nodiscard]] std::string_view name() const override { return "http"; }
    void deliver(const eval::Alert& alert, std::string_view line) override;

    // For tests and metrics: alerts waiting in the spool.
    [[nodiscard]] uint64_t spooled() const;

    // What one POST came to.
    enum class PostResult {
        kOk,       // 2xx
        kFailed,   // no answer, TLS failure, timeout, or a status worth retrying (5xx, 429, ...)
        kRejected, // a status saying this body will never be accepted (400, 413, 415, 422)
        kStopped,  // aborted: shutting down
    };

  private:
    struct Curl; // the libcurl handle and its headers
    explicit HttpSink(HttpOptions options);

    PostResult post(std::string_view body);
    bool aborting() const;
    // Waits `ms`, returning early (false) when aborting.
    bool pause(uint32_t ms);
    // Appends to the spool (mu_ held); false: dropped (full or unwritable), counted and logged.
    bool spool_locked(std::string_view line);
    void drain_loop();
    void note_failure(PostResult result);

    HttpOptions options_;
    std::unique_ptr<Curl> curl_;
    std::mutex post_mu_; // the libcurl handle (deliver and drainer never overlap; cheap insurance)

    mutable std::mutex mu_; // spool_, the backoff state, closing_
    std::condition_variable cv_;
    std::unique_ptr<Spool> spool_;
    std::chrono::steady_clock::time_point next_probe_{};
    uint32_t probe_backoff_ms_ = 0;
    bool closing_ = false;
    std::atomic<bool> abort_{false}; // closing_, readable by libcurl's progress callback
    bool endpoint_down_ = false;     // logged once per outage
    bool spool_full_ = false;        // logged once per overflow burst
    uint64_t burst_dropped_ = 0;
    std::thread drainer_;
};

} // namespace kestrel::output
