#pragma once
// Ruleset: the compiled, selected rules of one load, indexed by event type, evaluated on the
// hot-path thread. Built on the control thread (compile() allocates freely), then handed over;
// evaluate() never allocates, throws or logs.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "eval/program.hpp"
#include "rules/ruleset.hpp"

namespace kestrel::eval {

// One `rules:` entry of falco.yaml: `- enable: {rule: "Write below*"}` or `- disable: {tag: x}`.
// Applied in order after each rule's own `enabled`. The daemon maps its RuleSelection onto this.
struct RuleSelection {
    bool enable = true;
    bool by_tag = false;
    std::string pattern; // rule name with `*` wildcards, or a tag (exact)
};

enum class RuleMatching : uint8_t { kFirst, kAll };

struct RulesetOptions {
    // Rules less severe than this are not loaded (Falco's `priority`).
    rules::Priority min_priority = rules::Priority::kDebug;
    RuleMatching matching = RuleMatching::kFirst;
    std::vector<RuleSelection> selection;
    // Owned by the caller, outliving the Ruleset; may be null (proc.*/fd.* mostly absent).
    const state::Tables* state = nullptr;
    // Per-rule evaluation counts and sampled evaluation time (Rule::evaluations, timed_ticks).
    bool time_rules = false;
};

// With RulesetOptions::time_rules, one event in kTimingSample has every rule it meets timed
// (TickClock); the others only count evaluations. Which events: a multiplicative hash of the
// event's sequence number, so a stream that repeats with a period cannot hide a rule.
inline constexpr uint64_t kTimingSample = 64;
// A timed evaluation longer than this is left out: the clock is wall time, and at that length
// the thread was preempted or interrupted meanwhile; scaled by kTimingSample, one such sample
// would outweigh thousands of real ones. (No condition takes that long: RE2 is linear and
// fields are bounded.)
inline constexpr uint64_t kMaxTimedEvaluationNs = 250 * 1000;

struct Rule {
    const rules::CompiledRule* source = nullptr; // owned by the CompiledRuleset given to compile()
    uint32_t root = 0;
    uint64_t matches = 0;
    // time_rules only. evaluations: every time the index handed an event to this rule and its
    // condition ran. timed_ticks: TickClock ticks spent in the sampled evaluations, so
    // timed_ticks * kTimingSample estimates the whole (estimated_eval_ns()).
    uint64_t evaluations = 0;
    uint64_t timed_ticks = 0;

    // Nanoseconds spent evaluating this rule, estimated from the sample; never decreases.
    [[nodiscard]] uint64_t estimated_eval_ns(double ns_per_tick) const {
        return static_cast<uint64_t>(static_cast<double>(timed_ticks) *
                                     static_cast<double>(kTimingSample) * ns_per_tick);
    }
};

struct Match {
    const Rule& rule;
    const event::View& evt;
};

struct SkippedRule {
    std::string name;
    std::string reason;
};

struct RulesetStats {
    uint64_t events = 0;
    uint64_t rules_met = 0; // sum over events of the rules the index handed the event to
    uint64_t matches = 0;
    uint64_t unknown_types = 0; // events whose type is outside the index
};

bool wildcard_match(std::string_view pattern, std::string_view text);

class Ruleset {
  public:
    // `compiled` must outlive the Ruleset (rules point at their CompiledRule).
    static base::Result<Ruleset> compile(const rules::CompiledRuleset& compiled,
                                         RulesetOptions options);

    Ruleset(Ruleset&&) = default;
    Ruleset& operator=(Ruleset&&) = default;

    // Evaluates one event; calls on_match(const Match&) for each matching rule (only the first
    // with RuleMatching::kFirst). Returns the number of matches.
    template <typename F> size_t evaluate(const event::View& evt, F&& on_match) {
        return evaluate_impl(evt, &call<F>, &on_match);
    }
    size_t evaluate(const event::View& evt) { return evaluate_impl(evt, nullptr, nullptr); }

    [[nodiscard]] const std::vector<Rule>& rules() const { return rules_; }
    // RulesetOptions::time_rules: Rule::evaluations and timed_ticks are kept.
    [[nodiscard]] bool timed() const { return time_rules_; }
    [[nodiscard]] const std::vector<SkippedRule>& skipped() const { return skipped_; }
    [[nodiscard]] const RulesetStats& stats() const { return stats_; }
    [[nodiscard]] const Program& program() const { return program_; }
    // Rules the index hands an event of this type to.
    [[nodiscard]] size_t rules_for_type(uint16_t type) const {
        return type < index_.size() ? index_[type].size() : 0;
    }
    void set_state(const state::Tables* state) { state_ = state; }

  private:
    using Thunk = void (*)(void*, const Match&);
    template <typename F> static void call(void* f, const Match& m) {
        (*static_cast<std::remove_reference_t<F>*>(f))(m);
    }
    Ruleset() = default;
    size_t evaluate_impl(const event::View& evt, Thunk thunk, void* fn);
    // The candidates loop; kCount: count evaluations, kTime: time each one (TickClock).
    template <bool kCount, bool kTime>
    size_t run_candidates(const std::vector<uint32_t>& candidates, EvalContext& ctx,
                          const event::View& evt, Thunk thunk, void* fn);

    Program program_;
    std::vector<Rule> rules_;
    std::vector<std::vector<uint32_t>> index_; // event id -> rule indexes, in evaluation order
    std::vector<SkippedRule> skipped_;
    RuleMatching matching_ = RuleMatching::kFirst;
    bool time_rules_ = false;
    uint64_t max_timed_ticks_ = 0; // kMaxTimedEvaluationNs in TickClock ticks
    const state::Tables* state_ = nullptr;
    uint64_t epoch_ = 0;
    RulesetStats stats_;
};

} // namespace kestrel::eval
