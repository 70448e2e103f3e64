#include "metrics/internal_alert.hpp"

#include <ctime>
#include <map>

#include <fmt/format.h>

#include "metrics/encode.hpp"

namespace kestrel::metrics {

std::string_view falco_priority_name(int priority) {
    constexpr std::string_view kNames[] = {"Emergency", "Alert",  "Critical",      "Error",
                                           "Warning",   "Notice", "Informational", "Debug"};
    return priority >= 0 && priority < 8 ? kNames[priority] : "Debug";
}

InternalAlert InternalAlert::from_snapshot(const Snapshot& snapshot, bool include_empty_values) {
    InternalAlert alert;
    alert.wall_ns = snapshot.ts_ns;
    alert.rule = std::string(kSnapshotRule);
    alert.priority = kPriorityInformational;
    alert.message = std::string(kSnapshotMessage);
    std::map<std::string_view, const Value*> fields; // later values win, as in Falco's JSON
    for (const Metric& m : snapshot.metrics) {
        if (!m.field.empty() && (include_empty_values || m.always || !m.field_value.is_zero())) {
            fields[m.field] = &m.field_value;
        }
    }
    alert.fields.reserve(fields.size());
    for (const auto& [key, value] : fields) {
        alert.fields.emplace_back(std::string(key), *value);
    }
    return alert;
}

std::string render_internal_alert(const InternalAlert& alert, const InternalFormat& format) {
    std::string out;
    time_t seconds = static_cast<time_t>(alert.wall_ns / 1000000000ULL);
    uint64_t nanos = alert.wall_ns % 1000000000ULL;
    struct tm tm_buf {};
    if (format.json_output) {
        gmtime_r(&seconds, &tm_buf);
        out += "{\"hostname\":";
        append_json_string(out, format.hostname);
        out += ",\"output\":";
        append_json_string(out, alert.message);
        out += ",\"output_fields\":{";
        bool first = true;
        for (const auto& [key, value] : alert.fields) {
            if (!first) {
                out += ',';
            }
            first = false;
            append_json_string(out, key);
            out += ':';
            append_json_value(out, value);
        }
        out += "},\"priority\":";
        append_json_string(out, falco_priority_name(alert.priority));
        out += ",\"rule\":";
        append_json_string(out, alert.rule);
        out += ",\"source\":\"internal\",\"time\":";
        append_json_string(out,
                           fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
                                       tm_buf.tm_year + 1900, tm_buf.tm_mon + 1, tm_buf.tm_mday,
                                       tm_buf.tm_hour, tm_buf.tm_min, tm_buf.tm_sec, nanos));
        out += '}';
        return out;
    }
    localtime_r(&seconds, &tm_buf);
    out += fmt::format("{:02}:{:02}:{:02}.{:09}: {} {} (", tm_buf.tm_hour, tm_buf.tm_min,
                       tm_buf.tm_sec, nanos, falco_priority_name(alert.priority), alert.message);
    bool first = true;
    for (const auto& [key, value] : alert.fields) {
        if (!first) {
            out += ' ';
        }
        first = false;
        out += key;
        out += '=';
        // Falco prints each value as nlohmann's dump() does: strings quoted and escaped.
        append_json_value(out, value);
    }
    out += ')';
    return out;
}

} // namespace kestrel::metrics
