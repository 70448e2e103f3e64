#pragma once
// Falco's syscall_event_drops (falco-compat.md §9): once per second of event time, compare the
// kernel's event and drop counters with the previous check; when drops happened and their
// share of the events exceeds `threshold`, and the token bucket (`rate` per second, burst
// `max_burst`) has a token, take the configured actions: log, alert (the internal rule
// `Falco internal: syscall event drop`, priority Debug), or exit.
//
// Runs on the hot-path thread (Falco does it in its event loop): on_event() costs one
// comparison per event; the counters are read (a probe map lookup) once per second; the
// verdict allocates only when it acts, which the token bucket bounds to `rate` per second.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "metrics/internal_alert.hpp"
#include "metrics/snapshot.hpp"

namespace kestrel::metrics {

enum DropAction : uint8_t {
    kDropIgnore = 1,
    kDropLog = 2,
    kDropAlert = 4,
    kDropExit = 8,
};

struct DropConfig {
    double threshold = 0.1;
    uint8_t actions = kDropLog | kDropAlert; // Falco's shipped falco.yaml
    double rate = 0.03333;                   // tokens per second (one alert per 30 s)
    double max_burst = 1;
    bool simulate_drops = false;
};

// Parses `syscall_event_drops.actions` entries with Falco's rules and messages. An empty list
// means ignore.
base::Result<uint8_t> parse_drop_actions(std::span<const std::string> names);
// Falco's range check of `threshold`.
base::Status check_drop_threshold(double threshold);

// Falco's token_bucket: starts full; gains `rate` tokens per second of the caller's clock
// (event timestamps), never more than `max_tokens`.
class TokenBucket {
  public:
    void init(double rate, double max_tokens, uint64_t now_ns = 0);
    bool claim(double tokens, uint64_t now_ns);

  private:
    double rate_ = 1;
    double max_tokens_ = 1;
    double tokens_ = 1;
    uint64_t last_seen_ns_ = 0;
};

// The counters the drop check compares (a subset of KernelCounters, without allocation).
struct DropCounts {
    uint64_t n_evts = 0;
    uint64_t n_drops = 0;
    uint64_t n_drops_buffer_total = 0;
    std::array<uint64_t, kDropCategories.size()> n_drops_buffer_exit{};
    uint64_t n_drops_scratch_map = 0;
    uint64_t n_drops_page_faults = 0;
    uint64_t n_drops_bug = 0;
};

struct DropVerdict {
    bool act = false; // the actions below are to be taken now
    bool log = false;
    bool alert = false;
    bool exit = false;
    uint64_t ts_ns = 0;
    DropCounts delta; // over the last check period

    // "Falco internal: syscall event drop. 12 system calls dropped in last second."
    [[nodiscard]] std::string message() const;
    // Falco's output_fields: every value a string of decimal digits.
    [[nodiscard]] std::string output_fields_json(bool ebpf_enabled) const;
    // The `Falco internal: syscall event drop` alert (priority Debug, source internal).
    [[nodiscard]] InternalAlert to_alert(bool ebpf_enabled) const;
};

inline constexpr std::string_view kDropRule = "Falco internal: syscall event drop";

class DropMonitor {
  public:
    DropMonitor(const DropConfig& config, DropCounts initial);

    // Called for each event with its timestamp; `read()` returns the current DropCounts and
    // is called at most once per second of event time. Returns a verdict with act=true when
    // the actions are due.
    template <typename Read> DropVerdict on_event(uint64_t ts_ns, Read&& read) {
        if (next_check_ns_ == 0) {
            next_check_ns_ = ts_ns + kOneSecondNs;
        }
        if (ts_ns <= next_check_ns_) {
            return {};
        }
        next_check_ns_ = ts_ns + kOneSecondNs;
        return check(ts_ns, read());
    }

    // Occurrences of drops above the threshold, and how many of them led to actions.
    [[nodiscard]] uint64_t detected() const { return detected_; }
    [[nodiscard]] uint64_t actions_taken() const { return actions_taken_; }

  private:
    static constexpr uint64_t kOneSecondNs = 1000000000ULL;
    DropVerdict check(uint64_t ts_ns, const DropCounts& now);

    DropConfig config_;
    TokenBucket bucket_;
    DropCounts last_;
    uint64_t next_check_ns_ = 0;
    uint64_t detected_ = 0;
    uint64_t actions_taken_ = 0;
};

} // namespace kestrel::metrics
