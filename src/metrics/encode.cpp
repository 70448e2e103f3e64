#include "metrics/encode.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

namespace kestrel::metrics {
namespace {

constexpr std::string_view kFalcoHelp = "https://falco.org/docs/metrics/";

void append_prom_number(std::string& out, const Value& value) {
    switch (value.type) {
    case Value::Type::kUint:
        fmt::format_to(std::back_inserter(out), "{}", value.u);
        return;
    case Value::Type::kInt:
        fmt::format_to(std::back_inserter(out), "{}", value.i);
        return;
    case Value::Type::kDouble:
        if (std::isnan(value.d)) {
            out += "NaN";
        } else if (std::isinf(value.d)) {
            out += value.d > 0 ? "+Inf" : "-Inf";
        } else {
            fmt::format_to(std::back_inserter(out), "{}", value.d);
        }
        return;
    case Value::Type::kString:
        out += '0'; // never a sample; the builder does not give strings a family
        return;
    }
}

void append_label_value(std::string& out, std::string_view text) {
    for (char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
}

void append_labels(std::string& out, const Labels& labels, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
    if (labels.empty() && extra_name.empty()) {
        return;
    }
    std::vector<const std::pair<std::string, std::string>*> sorted;
    sorted.reserve(labels.size());
    for (const auto& label : labels) {
        sorted.push_back(&label);
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    out += '{';
    bool first = true;
    for (const auto* label : sorted) {
        if (!first) {
            out += ',';
        }
        first = false;
        out += label->first;
        out += "=\"";
        append_label_value(out, label->second);
        out += '"';
    }
    if (!extra_name.empty()) {
        if (!first) {
            out += ',';
        }
        out += extra_name;
        out += "=\"";
        out += extra_value;
        out += '"';
    }
    out += '}';
}

void append_header(std::string& out, std::string_view family, std::string_view help,
                   std::string_view type) {
    out += "# HELP ";
    out += family;
    out += ' ';
    out += help.empty() ? kFalcoHelp : help;
    out += "\n# TYPE ";
    out += family;
    out += ' ';
    out += type;
    out += '\n';
}

std::string format_bound(double bound) { return fmt::format("{}", bound); }

void append_histogram(std::string& out, const Histogram& h) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < h.counts.size(); ++i) {
        cumulative += h.counts[i];
        std::string le = i < h.bounds.size() ? format_bound(h.bounds[i]) : std::string("+Inf");
        out += h.family;
        out += "_bucket";
        append_labels(out, h.labels, "le", le);
        fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
    }
    out += h.family;
    out += "_sum";
    append_labels(out, h.labels);
    out += ' ';
    append_prom_number(out, Value::of_double(h.sum));
    out += '\n';
    out += h.family;
    out += "_count";
    append_labels(out, h.labels);
    fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
}

} // namespace

std::string prometheus_text(const Snapshot& snapshot) {
    // Families in first-appearance order, each with its samples in order.
    std::vector<std::string_view> order;
    std::unordered_map<std::string_view, std::vector<const Metric*>> samples;
    for (const Metric& m : snapshot.metrics) {
        if (m.family.empty()) {
            continue;
        }
        auto [it, inserted] = samples.try_emplace(m.family);
        if (inserted) {
            order.push_back(m.family);
        }
        it->second.push_back(&m);
    }
    std::string out;
    out.reserve(order.size() * 160);
    for (std::string_view family : order) {
        const auto& list = samples[family];
        const Metric& head = *list.front();
        append_header(out, family, head.help, head.kind == Kind::kCounter ? "counter" : "gauge");
        for (const Metric* m : list) {
            out += family;
            append_labels(out, m->labels);
            out += ' ';
            append_prom_number(out, m->sample);
            out += '\n';
        }
    }
    std::vector<std::string_view> histogram_order;
    std::unordered_map<std::string_view, std::vector<const Histogram*>> histograms;
    for (const Histogram& h : snapshot.histograms) {
        auto [it, inserted] = histograms.try_emplace(h.family);
        if (inserted) {
            histogram_order.push_back(h.family);
        }
        it->second.push_back(&h);
    }
    for (std::string_view family : histogram_order) {
        const auto& list = histograms[family];
        append_header(out, family, list.front()->help, "histogram");
        for (const Histogram* h : list) {
            append_histogram(out, *h);
        }
    }
    return out;
}

void append_json_value(std::string& out, const Value& value) {
    switch (value.type) {
    case Value::Type::kUint:
        fmt::format_to(std::back_inserter(out), "{}", value.u);
        return;
    case Value::Type::kInt:
        fmt::format_to(std::back_inserter(out), "{}", value.i);
        return;
    case Value::Type::kDouble: {
        if (!std::isfinite(value.d)) {
            out += "null"; // nlohmann's rendering of NaN and infinities
            return;
        }
        size_t start = out.size();
        fmt::format_to(std::back_inserter(out), "{}", value.d);
        std::string_view printed(out.data() + start, out.size() - start);
        if (printed.find_first_of(".e") == std::string_view::npos) {
            out += ".0";
        }
        return;
    }
    case Value::Type::kString:
        append_json_string(out, value.s);
        return;
    }
}

std::string output_fields_json(const Snapshot& snapshot, bool include_empty_values) {
    // Later assignments win, as with Falco's output_fields[key] = value.
    std::map<std::string_view, const Value*> fields;
    for (const Metric& m : snapshot.metrics) {
        if (m.field.empty()) {
            continue;
        }
        if (!include_empty_values && !m.always && m.field_value.is_zero()) {
            continue;
        }
        fields[m.field] = &m.field_value;
    }
    std::string out = "{";
    bool first = true;
    for (const auto& [key, value] : fields) {
        if (!first) {
            out += ',';
        }
        first = false;
        append_json_string(out, key);
        out += ':';
        append_json_value(out, *value);
    }
    out += '}';
    return out;
}

std::string metrics_file_line(const Snapshot& snapshot, bool include_empty_values,
                              uint64_t sample) {
    std::string out = "{\"output_fields\":";
    out += output_fields_json(snapshot, include_empty_values);
    fmt::format_to(std::back_inserter(out), ",\"sample\":{}}}", sample);
    return out;
}

bool Value::is_zero() const {
    switch (type) {
    case Type::kUint:
        return u == 0;
    case Type::kInt:
        return i == 0;
    case Type::kDouble:
        return d == 0;
    case Type::kString:
        return false;
    }
    return false;
}

double Value::as_double() const {
    switch (type) {
    case Type::kUint:
        return static_cast<double>(u);
    case Type::kInt:
        return static_cast<double>(i);
    case Type::kDouble:
        return d;
    case Type::kString:
        return 0;
    }
    return 0;
}

} // namespace kestrel::metrics
