#include "metrics/drops.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "metrics/encode.hpp"

namespace kestrel::metrics {

base::Result<uint8_t> parse_drop_actions(std::span<const std::string> names) {
    uint8_t actions = 0;
    for (const std::string& name : names) {
        // Falco checks each action against the ones before it, in list order.
        if (name == "ignore") {
            actions |= kDropIgnore;
        } else if (name == "log" || name == "alert") {
            if ((actions & kDropIgnore) != 0) {
                return base::make_error(
                    base::ErrorCode::kInvalidArgument,
                    fmt::format("syscall event drop action \"{}\" does not make sense with the "
                                "\"ignore\" action",
                                name));
            }
            actions |= name == "log" ? kDropLog : kDropAlert;
        } else if (name == "exit") {
            actions |= kDropExit;
        } else {
            return base::make_error(base::ErrorCode::kInvalidArgument,
                                    "available actions for syscall event drops are \"ignore\", "
                                    "\"log\", \"alert\", and \"exit\"");
        }
    }
    return actions == 0 ? uint8_t{kDropIgnore} : actions;
}

base::Status check_drop_threshold(double threshold) {
    if (threshold < 0 || threshold > 1) {
        return base::make_error(base::ErrorCode::kInvalidArgument,
                                "syscall event drops threshold must be a double in the range "
                                "[0, 1]");
    }
    return base::Ok{};
}

void TokenBucket::init(double rate, double max_tokens, uint64_t now_ns) {
    rate_ = rate;
    max_tokens_ = max_tokens;
    tokens_ = max_tokens;
    last_seen_ns_ = now_ns;
}

bool TokenBucket::claim(double tokens, uint64_t now_ns) {
    double elapsed_s =
        now_ns > last_seen_ns_ ? static_cast<double>(now_ns - last_seen_ns_) / 1e9 : 0.0;
    last_seen_ns_ = now_ns;
    tokens_ += rate_ * elapsed_s;
    if (tokens_ > max_tokens_) {
        tokens_ = max_tokens_;
    }
    if (tokens_ < tokens) {
        return false;
    }
    tokens_ -= tokens;
    return true;
}

DropMonitor::DropMonitor(const DropConfig& config, DropCounts initial)
    : config_(config), last_(initial) {
    bucket_.init(config.rate, config.max_burst);
    if (config_.simulate_drops) {
        config_.threshold = 0; // Falco: simulated drops always pass the threshold
    }
}

DropVerdict DropMonitor::check(uint64_t ts_ns, const DropCounts& now) {
    DropVerdict v;
    v.ts_ns = ts_ns;
    auto diff = [](uint64_t a, uint64_t b) { return a >= b ? a - b : 0; };
    v.delta.n_evts = diff(now.n_evts, last_.n_evts);
    v.delta.n_drops = diff(now.n_drops, last_.n_drops);
    v.delta.n_drops_buffer_total = diff(now.n_drops_buffer_total, last_.n_drops_buffer_total);
    for (size_t i = 0; i < kDropCategories.size(); ++i) {
        v.delta.n_drops_buffer_exit[i] =
            diff(now.n_drops_buffer_exit[i], last_.n_drops_buffer_exit[i]);
    }
    v.delta.n_drops_scratch_map = diff(now.n_drops_scratch_map, last_.n_drops_scratch_map);
    v.delta.n_drops_page_faults = diff(now.n_drops_page_faults, last_.n_drops_page_faults);
    v.delta.n_drops_bug = diff(now.n_drops_bug, last_.n_drops_bug);
    last_ = now;
    if (config_.simulate_drops) {
        v.delta.n_drops++;
    }
    if (v.delta.n_drops == 0) {
        return v;
    }
    // n_evts counts the dropped events too; no event at all makes the share infinite.
    double ratio = v.delta.n_evts == 0
                       ? 2.0
                       : static_cast<double>(v.delta.n_drops) / static_cast<double>(v.delta.n_evts);
    if (ratio <= config_.threshold) {
        return v;
    }
    ++detected_;
    if (!bucket_.claim(1, ts_ns)) {
        return v; // Falco logs this at debug level; the caller may count it
    }
    ++actions_taken_;
    v.act = true;
    v.log = (config_.actions & kDropLog) != 0;
    v.alert = (config_.actions & kDropAlert) != 0;
    v.exit = (config_.actions & kDropExit) != 0;
    return v;
}

std::string DropVerdict::message() const {
    return fmt::format("{}. {} system calls dropped in last second.", kDropRule, delta.n_drops);
}

InternalAlert DropVerdict::to_alert(bool ebpf_enabled) const {
    InternalAlert alert;
    alert.wall_ns = ts_ns;
    alert.rule = std::string(kDropRule);
    alert.priority = kPriorityDebug;
    alert.message = message();
    auto add = [&alert](std::string key, uint64_t value) {
        alert.fields.emplace_back(std::move(key), Value::of_string(std::to_string(value)));
    };
    add("n_evts", delta.n_evts);
    add("n_drops", delta.n_drops);
    add("n_drops_buffer_total", delta.n_drops_buffer_total);
    for (size_t i = 0; i < kDropCategories.size(); ++i) {
        add(fmt::format("n_drops_buffer_{}_exit", kDropCategories[i]),
            delta.n_drops_buffer_exit[i]);
    }
    add("n_drops_scratch_map", delta.n_drops_scratch_map);
    add("n_drops_page_faults", delta.n_drops_page_faults);
    add("n_drops_bug", delta.n_drops_bug);
    add("ebpf_enabled", ebpf_enabled ? 1 : 0);
    std::sort(alert.fields.begin(), alert.fields.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return alert;
}

std::string DropVerdict::output_fields_json(bool ebpf_enabled) const {
    std::string out = "{";
    for (const auto& [key, value] : to_alert(ebpf_enabled).fields) {
        if (out.size() > 1) {
            out += ',';
        }
        append_json_string(out, key);
        out += ':';
        append_json_value(out, value);
    }
    out += '}';
    return out;
}

} // namespace kestrel::metrics
