#pragma once
// The two renderings of a Snapshot.
//
// prometheus_text(): the text exposition format 0.0.4 (content type
// "text/plain; version=0.0.4"), families in first-appearance order. Unlike Falco, which
// repeats `# HELP`/`# TYPE` before every labelled sample (rejected by `promtool check
// metrics` and by strict parsers), each family gets one HELP and one TYPE line followed by all
// its samples. Label values are escaped (Falco leaves a `"` in a rule name unescaped).
//
// output_fields_json(): the snapshot's `output_fields` object, keys sorted as nlohmann's
// std::map sorts them (Falco's JSON), zero numbers left out unless include_empty_values
// (metrics marked `always` stay). metrics_file_line() wraps it as one line of
// `metrics.output_file`: {"output_fields":{...},"sample":N}.

#include <cstdint>
#include <string>

#include "base/json_escape.hpp"
#include "metrics/model.hpp"

namespace kestrel::metrics {

inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4";

std::string prometheus_text(const Snapshot& snapshot);

std::string output_fields_json(const Snapshot& snapshot, bool include_empty_values);

std::string metrics_file_line(const Snapshot& snapshot, bool include_empty_values, uint64_t sample);

// JSON helpers shared with the drop alert: a string literal with JSON escapes (base's, as
// nlohmann writes it), and a number as nlohmann prints it (doubles keep a ".0": 94.0).
using base::append_json_string;
void append_json_value(std::string& out, const Value& value);

} // namespace kestrel::metrics
