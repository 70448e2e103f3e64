// The rule index, rule_matching, priority threshold, enable/disable selection, memoization.

#include "eval/tick_clock.hpp"
#include "eval_test_util.hpp"

namespace kestrel::eval {
namespace {

using namespace testing;

TEST(evalRuleset, IndexKeepsOpenRulesAwayFromExecve) {
    auto l = load({{"open_rule", "evt.type = openat and fd.name startswith /etc"},
                   {"exec_rule", "evt.type in (execve, execveat) and proc.name = bash"}});
    auto& rs = *l.ruleset;
    EXPECT_EQ(rs.rules_for_type(KES_EVT_OPENAT), 1U);
    EXPECT_EQ(rs.rules_for_type(KES_EVT_EXECVE), 1U);
    EXPECT_EQ(rs.rules_for_type(KES_EVT_CONNECT), 0U);
    auto ex = execve("/bin/bash", "bash");
    uint64_t before = rs.program().checks_evaluated();
    EXPECT_EQ(matches(rs, ex->view), std::vector<std::string>{"exec_rule"});
    auto c = connect("1.1.1.1", 1, "2.2.2.2", 2);
    EXPECT_TRUE(matches(rs, c->view).empty());
    // The openat rule's checks never ran for the execve or the connect.
    EXPECT_LE(rs.program().checks_evaluated() - before, 2U);
    EXPECT_EQ(rs.stats().events, 2U);
    EXPECT_EQ(rs.stats().rules_met, 1U);
}

TEST(evalRuleset, FirstVersusAll) {
    std::vector<RuleSpec> specs = {{"a", "evt.type = openat and fd.name startswith /etc"},
                                   {"b", "evt.type = openat and proc.name = cat"},
                                   {"c", "evt.type = openat and proc.name = vi"}};
    auto e = openat("/etc/passwd", KES_O_RDONLY);
    auto first = load(specs);
    EXPECT_EQ(matches(*first.ruleset, e->view), std::vector<std::string>{"a"});
    RulesetOptions o;
    o.matching = RuleMatching::kAll;
    auto all = load(specs, std::move(o));
    EXPECT_EQ(matches(*all.ruleset, e->view), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(all.ruleset->rules()[0].matches, 1U);
    EXPECT_EQ(all.ruleset->rules()[2].matches, 0U);
}

TEST(evalRuleset, PriorityThreshold) {
    RuleSpec crit{"crit", "evt.type = openat", "CRITICAL"};
    RuleSpec warn{"warn", "evt.type = openat", "WARNING"};
    RuleSpec dbg{"dbg", "evt.type = openat", "DEBUG"};
    RulesetOptions o;
    o.min_priority = rules::Priority::kWarning;
    auto l = load({crit, warn, dbg}, std::move(o));
    ASSERT_EQ(l.ruleset->rules().size(), 2U);
    EXPECT_EQ(l.ruleset->rules()[0].source->name, "crit");
    EXPECT_EQ(l.ruleset->rules()[1].source->name, "warn");
}

TEST(evalRuleset, SelectionAppliedInOrder) {
    RuleSpec a{"Write below etc", "evt.type = openat", "WARNING", "[filesystem]"};
    RuleSpec b{"Write below root", "evt.type = openat", "WARNING", "[filesystem, mitre]"};
    RuleSpec c{"Read sensitive", "evt.type = openat", "WARNING", "[mitre]", "false"};
    auto names = [](const Loaded& l) {
        std::vector<std::string> out;
        for (const auto& r : l.ruleset->rules()) {
            out.push_back(r.source->name);
        }
        return out;
    };
    RulesetOptions o1;
    o1.selection = {{false, false, "Write below*"}};
    EXPECT_EQ(names(load({a, b, c}, std::move(o1))), std::vector<std::string>{});
    RulesetOptions o2;
    o2.selection = {{false, true, "filesystem"}, {true, false, "*root"}, {true, true, "mitre"}};
    EXPECT_EQ(names(load({a, b, c}, std::move(o2))),
              (std::vector<std::string>{"Write below root", "Read sensitive"}));
    RulesetOptions o3;
    o3.selection = {{true, false, "*"}, {false, false, "Write below etc"}};
    EXPECT_EQ(names(load({a, b, c}, std::move(o3))),
              (std::vector<std::string>{"Write below root", "Read sensitive"}));
}

TEST(evalRuleset, WildcardMatch) {
    EXPECT_TRUE(wildcard_match("*", "anything"));
    EXPECT_TRUE(wildcard_match("Write*etc", "Write below etc"));
    EXPECT_FALSE(wildcard_match("Write*etc", "Write below etc2"));
    EXPECT_TRUE(wildcard_match("*below*", "Write below etc"));
    EXPECT_FALSE(wildcard_match("below", "Write below etc"));
}

TEST(evalRuleset, SharedMacroIsEvaluatedOncePerEvent) {
    std::string prelude =
        "- macro: sensitive\n  condition: (fd.name startswith /etc and proc.name = cat)\n";
    RulesetOptions o;
    o.matching = RuleMatching::kAll;
    auto l = load({{"r1", "evt.type = openat and sensitive and fd.num = 1"},
                   {"r2", "evt.type = openat and sensitive and fd.num = 3"},
                   {"r3", "evt.type = openat and sensitive and fd.num = 4"}},
                  std::move(o), prelude);
    auto& rs = *l.ruleset;
    EXPECT_GE(rs.program().memo_count(), 2U); // evt.type = openat and the macro
    auto e = openat("/etc/passwd", KES_O_RDONLY, 3);
    uint64_t before = rs.program().checks_evaluated();
    EXPECT_EQ(matches(rs, e->view), std::vector<std::string>{"r2"});
    // evt.type once, the macro's two checks once, three fd.num checks: 6, not 12.
    EXPECT_EQ(rs.program().checks_evaluated() - before, 6U);
    // The next event gets fresh values (epoch bump, not a stale memo).
    auto e2 = openat("/tmp/x", KES_O_RDONLY, 3);
    EXPECT_TRUE(matches(rs, e2->view).empty());
}

TEST(evalRuleset, FieldExtractedOncePerEvent) {
    RulesetOptions o;
    o.matching = RuleMatching::kAll;
    auto l = load({{"r1", "evt.type = openat and fd.name startswith /etc"},
                   {"r2", "evt.type = openat and fd.name endswith passwd"}},
                  std::move(o));
    // One slot each for evt.type and fd.name, shared by both rules.
    EXPECT_EQ(l.ruleset->program().slot_count(), 2U);
    auto e = openat("/etc/passwd", KES_O_RDONLY);
    EXPECT_EQ(l.ruleset->evaluate(e->view), 2U);
}

TEST(evalRuleset, UnsupportedTransformerSkipsTheRuleWithAReason) {
    Loaded l;
    l.loader->load_content(
        rules_yaml({{"ok", "evt.type = openat"},
                    {"bad", "evt.type = openat and concat(proc.name, fd.name) = x"}},
                   ""),
        "t.yaml");
    if (!l.loader->successful()) {
        GTEST_SKIP() << "loader rejects concat here";
    }
    auto rs = Ruleset::compile(l.loader->ruleset(), {});
    ASSERT_TRUE(rs.ok());
    EXPECT_EQ(rs->rules().size(), 1U);
    ASSERT_EQ(rs->skipped().size(), 1U);
    EXPECT_EQ(rs->skipped()[0].name, "bad");
}

} // namespace
} // namespace kestrel::eval

namespace kestrel::eval {
namespace {

using namespace testing;

TEST(evalRuleset, TimedRulesCountEveryEvaluationAndSampleTheirTime) {
    std::vector<RuleSpec> specs = {{"a", "evt.type = openat and fd.name startswith /etc"},
                                   {"b", "evt.type = openat and proc.name = cat"},
                                   {"x", "evt.type in (execve, execveat) and proc.name = bash"}};
    RulesetOptions o;
    o.time_rules = true;
    auto timed = load(specs, std::move(o));
    auto& rs = *timed.ruleset;
    auto hit = openat("/etc/passwd", KES_O_RDONLY); // a matches: rule_matching first stops there
    auto miss = openat("/tmp/x", KES_O_RDONLY);     // a and b run, neither matches
    constexpr uint64_t kEvents = 64 * 40;
    for (uint64_t i = 0; i < kEvents; ++i) {
        rs.evaluate(i % 2 == 0 ? hit->view : miss->view);
    }
    EXPECT_EQ(rs.rules()[0].evaluations, kEvents);
    EXPECT_EQ(rs.rules()[1].evaluations, kEvents / 2); // only after the misses
    EXPECT_EQ(rs.rules()[2].evaluations, 0U);          // never handed an openat
    // One event in 64 is timed: some time was sampled for the rules that ran, none for the
    // other; the estimate only grows.
    const double ns_per_tick = TickClock::ns_per_tick();
    EXPECT_GT(ns_per_tick, 0.0);
    EXPECT_GT(rs.rules()[0].timed_ticks, 0U);
    EXPECT_GT(rs.rules()[1].timed_ticks, 0U);
    EXPECT_EQ(rs.rules()[2].timed_ticks, 0U);
    const uint64_t before = rs.rules()[0].estimated_eval_ns(ns_per_tick);
    EXPECT_GT(before, 0U);
    for (uint64_t i = 0; i < 640; ++i) {
        rs.evaluate(hit->view);
    }
    EXPECT_GE(rs.rules()[0].estimated_eval_ns(ns_per_tick), before);
}

TEST(evalRuleset, UntimedRulesetCountsNothing) {
    auto plain = load({{"a", "evt.type = openat"}});
    auto e = openat("/etc/passwd", KES_O_RDONLY);
    for (int i = 0; i < 200; ++i) {
        plain.ruleset->evaluate(e->view);
    }
    EXPECT_EQ(plain.ruleset->rules()[0].matches, 200U);
    EXPECT_EQ(plain.ruleset->rules()[0].evaluations, 0U);
    EXPECT_EQ(plain.ruleset->rules()[0].timed_ticks, 0U);
}

} // namespace
} // namespace kestrel::eval
