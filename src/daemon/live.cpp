#include "daemon/live.hpp"

#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/log.hpp"
#include "base/time.hpp"
#include "capture/dump.hpp"
#include "capture/probe.hpp"
#include "capture/ring_reader.hpp"
#include "daemon/engine_metrics.hpp"
#include "daemon/event_pipeline.hpp"
#include "daemon/event_selection.hpp"
#include "daemon/initial_state.hpp"
#include "daemon/outputs.hpp"
#include "daemon/rules_engine.hpp"
#include "daemon/web_endpoints.hpp"
#include "event/gen/events.hpp"
#include "event/view.hpp"
#include "state/proc_scan.hpp"
#include "state/tables.hpp"

namespace kestrel::daemon {
namespace {

// Records delivered between two looks at the clock for maintenance: a host that never lets the
// rings run empty still gets its housekeeping.
constexpr size_t kDrainBatch = 4096;
// The reader's poll period when no ring wakes it (the probe wakes it only past a fill mark).
constexpr int kPollTimeoutMs = 1;
constexpr uint64_t kNsPerSec = 1000ULL * 1000 * 1000;
// Wall-clock offset re-sampled this often, so that a clock step (NTP) shows in alert times.
constexpr uint64_t kClockResyncNs = 1 * kNsPerSec;
// libsinsp's thread purge interval (m_thread_purge_interval_s default): threads silent for the
// state's thread_timeout whose /proc entry is gone are removed this often.
constexpr uint64_t kPurgeIntervalNs = 1200 * kNsPerSec;
// /proc reads for threads first seen mid-stream, at most this many per maintenance round.
constexpr size_t kEnrichPerRound = 64;

// Everything the loop owns besides the hot path itself: the clocks, the periodic jobs.
class Maintenance {
  public:
    explicit Maintenance(state::Tables& tables) : tables_(tables) {
        uint64_t now = base::monotonic_ns();
        next_resync_ = now + kClockResyncNs;
        next_purge_ = now + kPurgeIntervalNs;
        unresolved_.reserve(state::Tables::kMaxUnresolved);
    }

    [[nodiscard]] int64_t wall_offset() const { return wall_offset_; }

    // Runs whatever is due. Between two events only: it may read /proc and allocate.
    void run() {
        uint64_t now = base::monotonic_ns();
        engine_health().beat(now); // /healthz: the loop turns
        if (now >= next_resync_) {
            wall_offset_ = base::boot_to_wall_offset_ns();
            next_resync_ = now + kClockResyncNs;
        }
        enrich_unresolved();
        if (now >= next_purge_) {
            tables_.purge(base::boot_clock_ns(),
                          [](int64_t tid) { return state::proc_alive(tid); });
            next_purge_ = now + kPurgeIntervalNs;
        }
    }

  private:
    // Threads first seen in an event (forked before their clone reached us, or started while the
    // /proc scan ran) start from the event header; /proc completes them. The hot path never
    // reads /proc itself (state/README.md).
    void enrich_unresolved() {
        if (unresolved_.empty()) {
            tables_.take_unresolved(unresolved_);
        }
        size_t done = 0;
        while (!unresolved_.empty() && done < kEnrichPerRound) {
            int64_t tid = unresolved_.back();
            unresolved_.pop_back();
            ++done;
            // /proc/<tid> also answers for a thread that is not its group's leader. Sockets stay
            // unresolved: resolving them reads every /proc/net table, too much per thread.
            state::ProcScanOptions options;
            options.resolve_sockets = false;
            auto snapshots = state::scan_proc_pid(tid, options);
            if (!snapshots.ok()) {
                continue; // gone already: its procexit will (or did) clean up
            }
            for (const state::ThreadSnapshot& snapshot : *snapshots) {
                if (snapshot.tid == tid) {
                    tables_.enrich(snapshot);
                }
            }
        }
    }

    state::Tables& tables_;
    int64_t wall_offset_ = base::boot_to_wall_offset_ns();
    uint64_t next_resync_ = 0;
    uint64_t next_purge_ = 0;
    std::vector<int64_t> unresolved_;
};

std::string summary_line(const EventPipeline& pipeline, const capture::DropCounters& c,
                         const event::DecodeCounters& decode_errors, const state::Counters& state) {
    // Per-category buffer drops are the metrics' job; the summary gives the totals.
    std::string line = fmt::format(
        "live: {} events evaluated, {} alerts; probe: n_evts {}, n_drops {} (buffer {}, "
        "scratch_map {}, bug {}), truncated params {}; decode errors {}; state: {} threads, {} "
        "added, {} removed, {} first seen mid-stream",
        pipeline.events(), pipeline.alerts(), c.n_evts, c.n_drops(), c.n_drops_buffer_total,
        c.n_drops_scratch_map, c.n_drops_bug, c.n_drops_truncated, decode_errors.total(),
        state.n_threads, state.n_added_threads, state.n_removed_threads, state.n_missing_thread);
    for (size_t i = 0; i < decode_errors.counts.size(); ++i) {
        if (decode_errors.counts[i] != 0) {
            line += fmt::format(" [{} {}]",
                                event::decode_error_name(static_cast<event::DecodeError>(i)),
                                decode_errors.counts[i]);
        }
    }
    return line;
}

// The event types any loaded rule can match.
rules::EventTypeSet rules_event_types(const eval::Ruleset& ruleset) {
    rules::EventTypeSet types = rules::EventTypeSet::none();
    for (const eval::Rule& rule : ruleset.rules()) {
        types = types.unite(rule.source->event_types);
    }
    return types;
}

// base_syscalls applied to the rules' event types, with Falco's messages for what it drops.
std::vector<uint16_t> select_probe_events(const BaseSyscalls& base,
                                          const rules::EventTypeSet& rules_types) {
    EventSelection selection = select_events(base, rules_types);
    if (!selection.invalid_names.empty()) {
        KES_LOG_WARN("Invalid syscall names: warning (base_syscalls override): {}",
                     fmt::join(selection.invalid_names, ", "));
    }
    if (!selection.rules_excluded.empty()) {
        KES_LOG_WARN("Loaded rules match syscalls that are not activated (e.g. were removed via "
                     "config settings such as negative base_syscalls elements): warning "
                     "(unsupported-evttype): {}",
                     fmt::join(selection.rules_excluded, ", "));
    }
    KES_LOG_DEBUG("({}) events selected in total: {}", selection.events.size(),
                  event_names(selection.events));
    return selection.events;
}

// Rules' event types this probe has no program for yet: those rules cannot fire live.
void warn_unemitted(const capture::Probe& probe, const rules::EventTypeSet& rules_types) {
    std::vector<std::string> missing;
    for (const std::string& name : rules_types.names()) {
        const event::EventInfo* info = event::find_event(name);
        if (info != nullptr && info->kind == "syscall" && !probe.emits(info->id)) {
            missing.push_back(name);
        }
    }
    if (!missing.empty()) {
        KES_LOG_WARN("the probe does not emit these event types the rules use (rules on them "
                     "cannot fire live): {}",
                     fmt::join(missing, ", "));
    }
}

// The processes, threads and fds that exist before the first event, so that rules on an
// already-running process see its ancestry, program and open files. Started after the probe:
// what changes while the iterators (or the /proc scan) run is in the rings and is applied on top.
void load_host_state(state::Tables& tables, const Config& config, IteratorPreload& iterators) {
    if (auto users = tables.users().load_files(); !users.ok()) {
        KES_LOG_WARN("users and groups not loaded: {}", users.error().to_string());
    }
    InitialStateOptions options;
    options.use_iterators = !config.engine.disable_iterators;
    options.iterate = [&iterators] { return iterators.iterate(); };
    load_initial_state(tables, options);
}

int run_rules(const Config& config, const RunOptions& options, const std::atomic<bool>& stop) {
    // The iterators' object loads (verifier) while the rules compile.
    IteratorPreload iterators(!config.engine.disable_iterators);
    auto engine = RulesEngine::load(config);
    if (!engine.ok()) {
        KES_LOG_ERROR("{}", engine.error().to_string());
        return 1;
    }
    capture::ProbeOptions probe_options;
    probe_options.cpus_for_each_buffer = config.engine.cpus_for_each_buffer;
    probe_options.buf_size_preset = config.engine.buf_size_preset;
    probe_options.snaplen = config.falco_libs.snaplen;
    rules::EventTypeSet rules_types = rules_event_types((*engine)->ruleset());
    probe_options.events = select_probe_events(config.base_syscalls, rules_types);
    auto probe = capture::Probe::start(probe_options);
    if (!probe.ok()) {
        KES_LOG_ERROR("cannot start the eBPF probe: {}", probe.error().to_string());
        return 1;
    }
    warn_unemitted(**probe, rules_types);
    auto reader = capture::RingReader::create((*probe)->ring_fds(), (*probe)->ring_size());
    if (!reader.ok()) {
        KES_LOG_ERROR("cannot map the probe's ring buffers: {}", reader.error().to_string());
        return 1;
    }

    state::Tables tables(state_config(config));
    load_host_state(tables, config, iterators);
    auto outputs = start_outputs(config, options, (*engine)->format_options());
    if (!outputs.ok()) {
        KES_LOG_ERROR("{}", outputs.error().to_string());
        return 1;
    }
    // Metrics and Falco's syscall_event_drops: after the outputs they read, before the pipeline
    // that publishes into them.
    EngineMetrics metrics(config, &(*engine)->ruleset());
    metrics.watch_probe(**probe);
    metrics.watch_outputs(**outputs);
    if (auto started = metrics.start(); !started.ok()) {
        KES_LOG_ERROR("{}", started.error().to_string());
        return 1;
    }
    EventPipeline pipeline(**engine, tables, **outputs);
    pipeline.set_metrics(metrics.counters());
    Maintenance maintenance(tables);
    event::DecodeCounters decode_errors;
    KES_LOG_INFO("{} ({} CPUs, {} ring(s) of {} MiB)", kLiveReadyMessage, (*probe)->possible_cpus(),
                 reader->ring_count(), (*probe)->ring_size() >> 20);
    engine_health().started(base::monotonic_ns(), /*beats=*/true);

    auto on_record = [&](std::span<const uint8_t> record) {
        auto view = event::decode(record, &decode_errors);
        if (!view.ok()) {
            return; // counted in decode_errors
        }
        // Probe timestamps are CLOCK_BOOTTIME; alerts show wall-clock time.
        pipeline.on_event(*view, view->ts_ns() + maintenance.wall_offset());
    };
    int code = 0;
    while (!stop.load(std::memory_order_relaxed)) {
        size_t n = reader->drain(on_record, kDrainBatch);
        if (!metrics.check_drops(base::boot_clock_ns())) {
            code = 1; // syscall_event_drops.actions: exit
            break;
        }
        if (n < kDrainBatch) {
            pipeline.flush(); // caught up: alerts leave now, not when a batch fills
            maintenance.run();
        }
        if (n == 0) {
            auto woken = reader->wait(kPollTimeoutMs);
            if (!woken.ok()) {
                KES_LOG_ERROR("reading the probe's rings failed: {}", woken.error().to_string());
                code = 1;
                break;
            }
        } else if (n == kDrainBatch) {
            maintenance.run();
        }
    }
    reader->drain(on_record); // what the rings still hold when asked to stop
    pipeline.flush();
    metrics.stop();          // it reads the outputs' counters: done before they shut down
    stop_outputs(**outputs); // SIGTERM: the queued alerts go out (bounded), files are flushed

    auto counters = (*probe)->counters();
    if (!counters.ok()) {
        KES_LOG_ERROR("cannot read the probe's counters: {}", counters.error().to_string());
        return 1;
    }
    KES_LOG_INFO("{}", summary_line(pipeline, *counters, decode_errors, tables.counters()));
    return code;
}

} // namespace

int run_live(const Config& config, const RunOptions& options, const std::atomic<bool>& stop) {
    if (options.dump) {
        capture::LiveOptions live;
        live.cpus_for_each_buffer = config.engine.cpus_for_each_buffer;
        live.buf_size_preset = config.engine.buf_size_preset;
        base::Status status = capture::run_dump(live, stdout, stop);
        if (!status.ok()) {
            KES_LOG_ERROR("live capture failed: {}", status.error().to_string());
            return 1;
        }
        return 0;
    }
    return run_rules(config, options, stop);
}

} // namespace kestrel::daemon
