#include "metrics/names.hpp"

#include <cmath>

namespace kestrel::metrics {
namespace {

bool is_name_char(char c, bool allow_colon) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (allow_colon && c == ':');
}

// Appends `c`, never producing two '_' in a row.
void push_collapsed(std::string& out, char c) {
    if (c == '_' && !out.empty() && out.back() == '_') {
        return;
    }
    out.push_back(c);
}

// The unit words libs removes before appending the Prometheus unit (its regex
// "(_kb|_bytes|_mb|_perc|_percentage|_ratio|_ns|_ts|_sec|_total)", POSIX leftmost-longest:
// "_percentage" wins over "_perc").
size_t unit_word_at(std::string_view s, size_t pos) {
    constexpr std::string_view kWords[] = {"_percentage", "_bytes", "_ratio", "_total", "_perc",
                                           "_sec",        "_kb",    "_mb",    "_ns",    "_ts"};
    for (std::string_view word : kWords) { // longest first
        if (s.substr(pos, word.size()) == word) {
            return word.size();
        }
    }
    return 0;
}

} // namespace

std::string sanitize_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        push_collapsed(out, is_name_char(c, true) ? c : '_');
    }
    if (!out.empty() && out.back() == '_') {
        out.pop_back();
    }
    return out;
}

std::string_view unit_suffix(Unit unit) {
    switch (unit) {
    case Unit::kCount:
        return "total";
    case Unit::kRatio:
        return "ratio";
    case Unit::kPerc:
        return "percentage";
    case Unit::kBytes:
        return "bytes";
    case Unit::kKibibytes:
        return "kibibytes";
    case Unit::kMegabytes:
        return "megabytes";
    case Unit::kNs:
        return "nanoseconds";
    case Unit::kSeconds:
        return "seconds";
    case Unit::kNsCount:
        return "nanoseconds_total";
    case Unit::kSecondsCount:
        return "seconds_total";
    case Unit::kTimestampNs:
        return "timestamp_nanoseconds";
    }
    return "total";
}

std::string prometheus_family(std::string_view subsystem, std::string_view name, Unit unit) {
    std::string raw = "falcosecurity_";
    raw += subsystem;
    raw += '_';
    raw += name;
    raw += '_';
    std::string out;
    out.reserve(raw.size() + 24);
    for (size_t i = 0; i < raw.size();) {
        if (size_t skip = unit_word_at(raw, i); skip > 0) {
            i += skip;
            continue;
        }
        push_collapsed(out, is_name_char(raw[i], true) ? raw[i] : '_');
        ++i;
    }
    if (out.empty() || out.back() != '_') {
        out.push_back('_');
    }
    out += unit_suffix(unit);
    return out;
}

std::string sanitize_label_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        out.push_back(is_name_char(c, false) ? c : '_');
    }
    if (out.empty() || (out[0] >= '0' && out[0] <= '9')) {
        out.insert(out.begin(), '_');
    }
    return out;
}

double kib_to_mb(uint64_t kib) {
    return std::round(static_cast<double>(kib) * 1024.0 / 1024.0 / 1024.0 * 10.0) / 10.0;
}

double bytes_to_mb(uint64_t bytes) {
    return std::round(static_cast<double>(bytes) / 1024.0 / 1024.0 * 10.0) / 10.0;
}

} // namespace kestrel::metrics
