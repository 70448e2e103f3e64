#include "eval/ruleset.hpp"

#include "eval/compiler.hpp"
#include "eval/tick_clock.hpp"
#include "event/gen/events.hpp"

namespace kestrel::eval {

bool wildcard_match(std::string_view pattern, std::string_view text) {
    // Iterative `*` matching with backtracking to the last star: linear enough for rule names.
    size_t p = 0;
    size_t t = 0;
    size_t star = std::string_view::npos;
    size_t mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

base::Result<Ruleset> Ruleset::compile(const rules::CompiledRuleset& compiled,
                                       RulesetOptions options) {
    Ruleset rs;
    rs.matching_ = options.matching;
    rs.state_ = options.state;
    rs.time_rules_ = options.time_rules;
    if (rs.time_rules_) {
        const double ns_per_tick = TickClock::ns_per_tick(); // calibrated here, off the hot path
        rs.max_timed_ticks_ =
            ns_per_tick > 0 ? static_cast<uint64_t>(kMaxTimedEvaluationNs / ns_per_tick) : 0;
    }
    rs.index_.resize(KES_EVT_MAX);
    Compiler compiler(rs.program_);
    std::vector<uint32_t> roots;
    for (const auto& rule : compiled.rules) {
        // Priorities are ordered most severe first: Emergency = 0.
        if (rule.priority > options.min_priority || rule.condition == nullptr) {
            continue;
        }
        bool enabled = rule.enabled;
        for (const auto& sel : options.selection) {
            bool hit = sel.by_tag ? rule.tags.contains(sel.pattern)
                                  : wildcard_match(sel.pattern, rule.name);
            if (hit) {
                enabled = sel.enable;
            }
        }
        if (!enabled) {
            continue;
        }
        auto root = compiler.compile(*rule.condition);
        if (!root) {
            rs.skipped_.push_back({rule.name, root.error().message});
            continue;
        }
        auto idx = static_cast<uint32_t>(rs.rules_.size());
        rs.rules_.push_back(Rule{&rule, *root});
        roots.push_back(*root);
        for (const auto& e : event::all_events()) {
            if (e.id < KES_EVT_MAX && rule.event_types.contains(e.name)) {
                rs.index_[e.id].push_back(idx);
            }
        }
    }
    compiler.finish(roots);
    return rs;
}

size_t Ruleset::evaluate_impl(const event::View& evt, Thunk thunk, void* fn) {
    ++stats_.events;
    uint16_t type = evt.type();
    if (type >= index_.size()) {
        ++stats_.unknown_types;
        return 0;
    }
    const auto& candidates = index_[type];
    stats_.rules_met += candidates.size();
    if (candidates.empty()) {
        return 0;
    }
    EvalContext ctx{&evt, state_, ++epoch_, stats_.events};
    if (!time_rules_) {
        return run_candidates<false, false>(candidates, ctx, evt, thunk, fn);
    }
    // Fibonacci hashing of the sequence number: the top 6 bits are 0 for one event in 64,
    // spread evenly however the stream repeats.
    static_assert(kTimingSample == 64);
    if ((stats_.events * 0x9E3779B97F4A7C15ULL) >> 58 != 0) {
        return run_candidates<true, false>(candidates, ctx, evt, thunk, fn);
    }
    return run_candidates<true, true>(candidates, ctx, evt, thunk, fn);
}

template <bool kCount, bool kTime>
size_t Ruleset::run_candidates(const std::vector<uint32_t>& candidates, EvalContext& ctx,
                               const event::View& evt, Thunk thunk, void* fn) {
    size_t matches = 0;
    uint64_t start = kTime ? TickClock::now() : 0;
    for (uint32_t r : candidates) {
        Rule& rule = rules_[r];
        const bool hit = program_.eval(rule.root, ctx);
        if constexpr (kCount) {
            ++rule.evaluations;
        }
        if constexpr (kTime) {
            // One clock read per rule: each rule's end is the next one's start.
            const uint64_t end = TickClock::now();
            if (end - start <= max_timed_ticks_) {
                rule.timed_ticks += end - start;
            }
            start = end;
        }
        if (!hit) {
            continue;
        }
        ++rule.matches;
        ++matches;
        ++stats_.matches;
        if (thunk != nullptr) {
            thunk(fn, Match{rule, evt});
        }
        if (matching_ == RuleMatching::kFirst) {
            break;
        }
        if constexpr (kTime) {
            start = TickClock::now(); // the alert's rendering is not the next rule's cost
        }
    }
    return matches;
}

} // namespace kestrel::eval
