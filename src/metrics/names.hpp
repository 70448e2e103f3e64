#pragma once
// Falco's naming rules (falco-compat.md §8.2): how a libs metric name becomes a Prometheus
// family, how rule and file names become snapshot keys, and the memory conversions.

#include <cstdint>
#include <string>
#include <string_view>

#include "metrics/model.hpp"

namespace kestrel::metrics {

// Falco's sanitize_rule_name: every character outside [a-zA-Z0-9_:] becomes '_', runs of '_'
// become one, and one trailing '_' is dropped ("Read sensitive file (x)" -> "Read_sensitive_
// file_x"). Used for `falco.rules.<rule>` and `falco.sha256_rules_file.<file>`.
std::string sanitize_name(std::string_view name);

// The Prometheus suffix of a unit: kCount -> "total", kNsCount -> "nanoseconds_total" ...
std::string_view unit_suffix(Unit unit);

// "falcosecurity_<subsystem>_<name>_<unit suffix>", with libs' rules: the unit words Falco's
// names carry (_kb _bytes _mb _perc _percentage _ratio _ns _ts _sec _total) are removed
// wherever they occur, '.' and other invalid characters become '_', then the suffix of
// `unit` is appended. `unit` is the unit after the Prometheus conversion (kBytes, kRatio).
//   ("scap", "sys_exit.run_time_ns", kNsCount) -> falcosecurity_scap_sys_exit_run_time_
//                                                 nanoseconds_total
std::string prometheus_family(std::string_view subsystem, std::string_view name, Unit unit);

// Prometheus' own rule for label names: [a-zA-Z_][a-zA-Z0-9_]*, others become '_'.
std::string sanitize_label_name(std::string_view name);

// libs' convert_memory to megabytes: rounded to one decimal.
double kib_to_mb(uint64_t kib);
double bytes_to_mb(uint64_t bytes);

} // namespace kestrel::metrics
