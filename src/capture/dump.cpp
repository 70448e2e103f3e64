#include "capture/dump.hpp"

#include <string>

#include <fmt/format.h>

#include "base/time.hpp"
#include "capture/probe.hpp"
#include "capture/ring_reader.hpp"
#include "event/json.hpp"
#include "event/view.hpp"

namespace kestrel::capture {
namespace {

constexpr size_t kOutBuffer = 1 << 20;

void write_summary(const DropCounters& c, uint64_t misses, uint64_t printed,
                   const event::DecodeCounters& decode_errors) {
    std::string s = fmt::format(
        "kestrel --dump: {} events printed; probe: n_evts {}, n_drops {} "
        "(buffer {} [open {}, execve {}, connect {}, proc {}], scratch_map "
        "{}, bug {}), program runs skipped {}, truncated params {}; decode errors {}",
        printed, c.n_evts, c.n_drops(), c.n_drops_buffer_total, c.n_drops_buffer_open_exit,
        c.n_drops_buffer_execve_exit, c.n_drops_buffer_connect_exit, c.n_drops_buffer_proc_exit,
        c.n_drops_scratch_map, c.n_drops_bug, misses, c.n_drops_truncated, decode_errors.total());
    for (size_t i = 0; i < decode_errors.counts.size(); ++i) {
        if (decode_errors.counts[i] != 0) {
            s += fmt::format(" [{} {}]",
                             event::decode_error_name(static_cast<event::DecodeError>(i)),
                             decode_errors.counts[i]);
        }
    }
    s += '\n';
    std::fputs(s.c_str(), stderr);
}

} // namespace

base::Status run_dump(const LiveOptions& opts, std::FILE* out, const std::atomic<bool>& stop) {
    ProbeOptions probe_opts;
    probe_opts.cpus_for_each_buffer = opts.cpus_for_each_buffer;
    probe_opts.buf_size_preset = opts.buf_size_preset;
    auto probe = Probe::start(probe_opts);
    if (!probe.ok()) {
        return probe.error();
    }
    auto reader = RingReader::create((*probe)->ring_fds(), (*probe)->ring_size());
    if (!reader.ok()) {
        return reader.error();
    }

    const int64_t wall_offset = base::boot_to_wall_offset_ns();
    event::DecodeCounters decode_errors;
    uint64_t printed = 0;
    std::string buf;
    buf.reserve(kOutBuffer + 64 * 1024);
    auto flush = [&] {
        if (!buf.empty()) {
            std::fwrite(buf.data(), 1, buf.size(), out);
            buf.clear();
        }
        std::fflush(out);
    };

    while (!stop.load(std::memory_order_relaxed)) {
        size_t n = reader->drain([&](std::span<const uint8_t> record) {
            auto view = event::decode(record, &decode_errors);
            if (!view.ok()) {
                return; // counted by decode()
            }
            event::append_json_line(buf, *view, wall_offset);
            buf += '\n';
            ++printed;
            if (buf.size() >= kOutBuffer) {
                std::fwrite(buf.data(), 1, buf.size(), out);
                buf.clear();
            }
        });
        if (n == 0) {
            flush(); // idle: show what we have
            auto woken = reader->wait(opts.poll_timeout_ms);
            if (!woken.ok()) {
                flush();
                return woken.error();
            }
        }
    }
    // Whatever the rings still hold when asked to stop.
    reader->drain([&](std::span<const uint8_t> record) {
        auto view = event::decode(record, &decode_errors);
        if (view.ok()) {
            event::append_json_line(buf, *view, wall_offset);
            buf += '\n';
            ++printed;
        }
    });
    flush();

    auto counters = (*probe)->counters();
    if (!counters.ok()) {
        return counters.error();
    }
    uint64_t misses = 0;
    if (auto stats = (*probe)->program_stats(); stats.ok()) {
        for (const auto& p : *stats) {
            misses += p.recursion_misses;
        }
    }
    write_summary(*counters, misses, printed, decode_errors);
    return base::Ok{};
}

} // namespace kestrel::capture
