#include "daemon/replay.hpp"

#include <cstdio>
#include <string>

#include "base/log.hpp"
#include "capture/scap/reader.hpp"
#include "daemon/capture_state.hpp"
#include "daemon/rules_engine.hpp"
#include "event/view.hpp"
#include "state/tables.hpp"

namespace kestrel::daemon {
namespace {

// Alerts are written in batches unless -U asks for every alert to leave at once.
constexpr size_t kFlushBytes = 64 * 1024;

void write_out(std::string& out) {
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
}

} // namespace

int run_replay(const Config& config, const RunOptions& options, const std::atomic<bool>& stop) {
    auto engine = RulesEngine::load(config);
    if (!engine.ok()) {
        KES_LOG_ERROR("{}", engine.error().to_string());
        return 1;
    }
    const std::string& path = config.engine.replay_capture_file;
    auto reader = capture::scap::ScapReader::open(path);
    if (!reader.ok()) {
        KES_LOG_ERROR("cannot replay {}: {}", path, reader.error().to_string());
        return 1;
    }

    // The capture's process/fd/user lists give the state the capture started from; its events
    // then keep it current, exactly as live events do.
    state::Tables tables;
    load_capture_state(**reader, tables);

    capture::scap::ScapRecord record;
    event::DecodeCounters decode_errors;
    std::string out;
    uint64_t events = 0;
    while (!stop.load(std::memory_order_relaxed)) {
        auto more = (*reader)->next(&record);
        if (!more.ok()) {
            write_out(out);
            KES_LOG_ERROR("cannot replay {}: {}", path, more.error().to_string());
            return 1;
        }
        if (!*more) {
            break;
        }
        if (record.kind != capture::scap::ScapRecord::Kind::kEvent) {
            continue;
        }
        auto view = event::decode(record.record(), &decode_errors);
        if (!view.ok()) {
            continue; // counted in decode_errors
        }
        tables.apply(*view);
        if (record.state_only) {
            continue; // kept by the writer for state tracking, not for rules
        }
        ++events;
        // Capture records carry epoch nanoseconds already (see capture/scap/README.md).
        (*engine)->process(*view, view->ts_ns(), &tables, out);
        if (options.unbuffered || out.size() >= kFlushBytes) {
            write_out(out);
            std::fflush(stdout);
        }
    }
    write_out(out);
    std::fflush(stdout);

    const auto& stats = (*reader)->stats();
    KES_LOG_INFO("replayed {}: {} events evaluated, {} alerts; {} events of types Kestrel does "
                 "not model yet, {} undecodable records",
                 path, events, (*engine)->alerts(), stats.foreign, decode_errors.total());
    return 0;
}

} // namespace kestrel::daemon
