#pragma once
// Falco's `metrics.interval`: a Prometheus time duration ("15m", "1h30m", "500ms"; units
// y w d h m s ms, each at most once, in that order; whitespace ignored). Like Falco 0.44,
// anything else (including a bare number, accepted by Falco < 0.36 as milliseconds) parses
// to 0, which the minimum-interval check then rejects.

#include <cstdint>
#include <string_view>

namespace kestrel::metrics {

uint64_t parse_prometheus_duration_ms(std::string_view text);

// Falco's message for an interval under 100 ms (or unparsable).
inline constexpr std::string_view kIntervalError =
    "Metrics interval must have a minimum value of 100ms and reflect a Prometheus compliant "
    "time duration format: https://prometheus.io/docs/prometheus/latest/querying/basics/"
    "#time-durations. ";
inline constexpr uint64_t kMinIntervalMs = 100;

} // namespace kestrel::metrics
