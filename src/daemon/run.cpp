#include "daemon/run.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>

#include <unistd.h>

#include "base/log.hpp"
#include "daemon/replay.hpp"
#include "daemon/web_endpoints.hpp"
#include "output/outputs.hpp"

#ifdef KESTREL_HAVE_CAPTURE
#include "daemon/live.hpp"
#endif

namespace kestrel::daemon {
namespace {

std::atomic<bool> g_stop{false};

void request_stop(int /*signal*/) { g_stop.store(true, std::memory_order_relaxed); }

// SIGUSR1 (logrotate's postrotate): files and programs reopen, as in Falco.
void request_reopen(int /*signal*/) { output::request_reopen_all(); }

void install_stop_handlers(unsigned duration_seconds) {
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    // No SA_RESTART: a blocking wait returns EINTR so the loop sees the stop promptly.
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGALRM, &action, nullptr);
    struct sigaction reopen {};
    reopen.sa_handler = request_reopen;
    sigemptyset(&reopen.sa_mask);
    reopen.sa_flags = SA_RESTART; // a rotation must not interrupt a read (a replayed capture)
    sigaction(SIGUSR1, &reopen, nullptr);
    if (duration_seconds > 0) {
        alarm(duration_seconds);
    }
}

int run_engine(const Config& config, const RunOptions& options) {
    if (config.engine.kind == "modern_ebpf") {
#ifdef KESTREL_HAVE_CAPTURE
        return run_live(config, options, g_stop);
#else
        KES_LOG_ERROR("this build has no eBPF probe (configured with KESTREL_BUILD_BPF=OFF)");
        return 1;
#endif
    }
    if (config.engine.kind == "replay") {
        return run_replay(config, options, g_stop);
    }
    if (config.engine.kind == "nodriver") {
        KES_LOG_INFO("engine.kind=nodriver: no event source, nothing to do");
        return 0;
    }
    KES_LOG_ERROR("engine.kind={} is not supported by this version of Kestrel", config.engine.kind);
    return 1;
}

} // namespace

int run(const Config& config, const RunOptions& options) {
    install_stop_handlers(options.duration_seconds);
    // The web server runs beside whichever engine: up before it (/healthz says 503 until the
    // engine reports itself started), down after it. --dump has no rules and no metrics.
    std::unique_ptr<web::Server> web;
    if (!options.dump) {
        web = start_web_endpoints(config, config.metrics.enabled);
    }
    int code = run_engine(config, options);
    engine_health().stopped();
    return code;
}

} // namespace kestrel::daemon
