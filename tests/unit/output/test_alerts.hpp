#pragma once
// Alerts for output tests, built by hand (the formatter has its own tests).

#include <memory>
#include <string>

#include "eval/alert.hpp"

namespace kestrel::output::testing {

inline std::shared_ptr<const eval::AlertRule> test_rule(rules::Priority priority) {
    auto rule = std::make_shared<eval::AlertRule>();
    rule->name = "test rule";
    rule->source = "syscall";
    rule->priority = priority;
    rule->tags = {"a", "b"};
    rule->hostname = "host";
    return rule;
}

// An alert whose message is `message`, at event time `wall_ns`.
inline void fill_alert(eval::Alert& alert, std::shared_ptr<const eval::AlertRule> rule,
                       std::string_view message, uint64_t wall_ns) {
    alert.rule = std::move(rule);
    alert.wall_ns = wall_ns;
    alert.data.assign(message);
    alert.message_len = static_cast<uint32_t>(message.size());
    alert.fields.clear();
}

} // namespace kestrel::output::testing
