#pragma once
// Falco's internal messages (falco_outputs::handle_msg): the metrics snapshot and the syscall
// drop alert are not rule matches; they carry a fixed rule name, source "internal", a message,
// and typed output_fields. Falco renders them differently from rule alerts, and so does this:
//
//   JSON  {"hostname":..,"output":"<message>","output_fields":{..},"priority":..,"rule":..,
//          "source":"internal","time":"<ISO 8601 UTC>"}        (no tags; output = message)
//   text  <HH:MM:SS.nnnnnnnnn local>: <Priority> <message> (k1=v1 k2=v2 ...)
//         (each value as JSON prints it, strings quoted: handle_msg's dump(); keys sorted)

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "metrics/model.hpp"

namespace kestrel::metrics {

// Falco's priority enum values used by internal messages.
inline constexpr int kPriorityInformational = 6;
inline constexpr int kPriorityDebug = 7;

inline constexpr std::string_view kSnapshotRule = "Falco internal: metrics snapshot";
inline constexpr std::string_view kSnapshotMessage = "Falco metrics snapshot";

struct InternalAlert {
    uint64_t wall_ns = 0;
    std::string rule;
    int priority = kPriorityInformational;
    std::string message;
    std::vector<std::pair<std::string, Value>> fields; // sorted by key

    // The `Falco internal: metrics snapshot` alert of a snapshot (zero values filtered as
    // output_fields_json does).
    static InternalAlert from_snapshot(const Snapshot& snapshot, bool include_empty_values);
};

struct InternalFormat {
    bool json_output = false;
    std::string hostname;
};

// One line, without newline.
std::string render_internal_alert(const InternalAlert& alert, const InternalFormat& format);

std::string_view falco_priority_name(int priority);

} // namespace kestrel::metrics
