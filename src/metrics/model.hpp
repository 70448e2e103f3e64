#pragma once
// The metric model: every value Kestrel publishes, carrying both of Falco's names for it, so
// that the snapshot alert / output_file (falco-compat.md §8.1) and the Prometheus exposition
// (§8.2) are two renderings of one list and can never disagree.
//
//   field   "scap.n_drops_buffer_open_exit"          (snapshot output_fields key)
//   family  "falcosecurity_scap_n_drops_buffer_total" labels {dir="exit",drop="open"}
//
// Either side may be absent: rates and strings are snapshot-only, `_info` metrics and the
// deprecated enter-drop series are Prometheus-only.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kestrel::metrics {

enum class Kind : uint8_t { kCounter, kGauge };

// libs' metrics_v2 units (metric_value_unit): they decide the Prometheus suffix and the
// memory conversions of both renderings.
enum class Unit : uint8_t {
    kCount,
    kRatio,
    kPerc,
    kBytes,
    kKibibytes,
    kMegabytes,
    kNs,
    kSeconds,
    kNsCount,
    kSecondsCount,
    kTimestampNs,
};

// One value as it is printed: integers stay integers (Falco's JSON has 660, not 660.0).
struct Value {
    enum class Type : uint8_t { kUint, kInt, kDouble, kString };
    Type type = Type::kUint;
    uint64_t u = 0;
    int64_t i = 0;
    double d = 0;
    std::string s;

    static Value of_uint(uint64_t v) { return Value{Type::kUint, v, 0, 0, {}}; }
    static Value of_int(int64_t v) { return Value{Type::kInt, 0, v, 0, {}}; }
    static Value of_double(double v) { return Value{Type::kDouble, 0, 0, v, {}}; }
    static Value of_string(std::string v) { return Value{Type::kString, 0, 0, 0, std::move(v)}; }

    // Falco leaves zero numbers out of a snapshot unless include_empty_values (strings: never).
    [[nodiscard]] bool is_zero() const;
    [[nodiscard]] double as_double() const;
};

// Prometheus labels, in the order given; the encoder sorts them by name as Falco does.
using Labels = std::vector<std::pair<std::string, std::string>>;

struct Metric {
    // Snapshot side: the full dotted output_fields key; empty when not in snapshots.
    std::string field;
    Value field_value;
    // Shown even when zero with include_empty_values off (Falco's n_evts, n_drops, rates...).
    bool always = false;

    // Prometheus side: the family name; empty when not exported.
    std::string family;
    Labels labels;
    Value sample; // numeric
    Kind kind = Kind::kGauge;
    // HELP text after the family name; empty means Falco's "https://falco.org/docs/metrics/".
    std::string help;
};

// A Prometheus histogram (Kestrel's own: alert latency). `counts[i]` counts observations
// <= bounds[i] and > bounds[i-1] (not cumulative); counts.size() == bounds.size() + 1, the
// last one being the +Inf bucket.
struct Histogram {
    std::string family; // without _bucket/_sum/_count
    std::string help;
    Labels labels;
    std::vector<double> bounds;
    std::vector<uint64_t> counts;
    double sum = 0;
};

// What one collection produced, in publication order.
struct Snapshot {
    uint64_t ts_ns = 0; // wall clock, the snapshot's evt.time
    std::vector<Metric> metrics;
    std::vector<Histogram> histograms;
};

} // namespace kestrel::metrics
