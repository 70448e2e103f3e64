// base_syscalls: which events the live probe is asked to emit (Falco's configure_interesting_sets
// semantics on Kestrel's schema events).

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/event_selection.hpp"
#include "event/gen/events.hpp"

namespace kestrel::daemon {
namespace {

bool selects(const EventSelection& s, std::string_view name) {
    const event::EventInfo* info = event::find_event(name);
    return info != nullptr &&
           std::find(s.events.begin(), s.events.end(), info->id) != s.events.end();
}

rules::EventTypeSet types(std::initializer_list<std::string_view> names) {
    rules::EventTypeSet set = rules::EventTypeSet::none();
    for (std::string_view n : names) {
        set.insert(n);
    }
    return set;
}

TEST(EventSelection, DefaultIsRulesPlusTheStateSet) {
    EventSelection s = select_events(BaseSyscalls{}, types({"openat", "mkdir"}));
    EXPECT_TRUE(selects(s, "openat"));
    EXPECT_TRUE(selects(s, "mkdir"));
    // State: processes and fds.
    EXPECT_TRUE(selects(s, "clone"));
    EXPECT_TRUE(selects(s, "execve"));
    EXPECT_TRUE(selects(s, "close"));
    EXPECT_TRUE(selects(s, "close_range"));
    EXPECT_TRUE(selects(s, "dup2"));
    EXPECT_TRUE(selects(s, "fchdir"));
    EXPECT_TRUE(selects(s, "procexit"));
    // Neither in the rules nor needed by state.
    EXPECT_FALSE(selects(s, "kill"));
    EXPECT_FALSE(selects(s, "mprotect"));
    EXPECT_TRUE(s.rules_excluded.empty());
    EXPECT_TRUE(std::is_sorted(s.events.begin(), s.events.end()));
}

TEST(EventSelection, CustomSetReplacesTheStateSet) {
    BaseSyscalls base;
    base.custom_set = {"clone", "execve", "nosuchsyscall"};
    EventSelection s = select_events(base, types({"openat"}));
    EXPECT_TRUE(selects(s, "openat"));
    EXPECT_TRUE(selects(s, "clone"));
    EXPECT_TRUE(selects(s, "execve"));
    EXPECT_FALSE(selects(s, "close"));
    EXPECT_FALSE(selects(s, "dup"));
    EXPECT_TRUE(selects(s, "procexit")) << "procexit always stays (thread table cleanup)";
    EXPECT_EQ(s.invalid_names, std::vector<std::string>{"nosuchsyscall"});
}

TEST(EventSelection, NegativeNamesRemoveEvenRulesEvents) {
    BaseSyscalls base;
    base.custom_set = {"!openat", "!close"};
    EventSelection s = select_events(base, types({"openat", "connect"}));
    EXPECT_FALSE(selects(s, "openat"));
    EXPECT_FALSE(selects(s, "close"));
    EXPECT_TRUE(selects(s, "connect"));
    EXPECT_TRUE(selects(s, "clone")) << "only negatives: the state set stays the base";
    EXPECT_EQ(s.rules_excluded, std::vector<std::string>{"openat"});
}

TEST(EventSelection, RepairAddsOnlyWhatTheRulesNeed) {
    BaseSyscalls base;
    base.repair = true;
    EventSelection files = select_events(base, types({"openat"}));
    EXPECT_TRUE(selects(files, "openat"));
    EXPECT_TRUE(selects(files, "clone"));
    EXPECT_TRUE(selects(files, "execve"));
    EXPECT_TRUE(selects(files, "close")) << "file events need close to keep fd tables right";
    EXPECT_FALSE(selects(files, "socket"));
    EXPECT_FALSE(selects(files, "dup"));

    EventSelection net = select_events(base, types({"accept"}));
    EXPECT_TRUE(selects(net, "socket"));
    EXPECT_TRUE(selects(net, "bind"));
    EXPECT_TRUE(selects(net, "close"));

    EventSelection procs = select_events(base, types({"execve"}));
    EXPECT_FALSE(selects(procs, "close"));
}

TEST(EventSelection, RepairWithCustomSetKeepsTheStateItNeeds) {
    BaseSyscalls base;
    base.repair = true;
    base.custom_set = {"connect"};
    EventSelection s = select_events(base, types({"openat"}));
    EXPECT_TRUE(selects(s, "connect"));
    EXPECT_TRUE(selects(s, "socket"));
    EXPECT_TRUE(selects(s, "close"));
    EXPECT_TRUE(selects(s, "clone"));
}

TEST(EventSelection, HooksOnlyWhenNamed) {
    // Not in the state set: off by default.
    EventSelection off = select_events(BaseSyscalls{}, types({"openat"}));
    EXPECT_FALSE(selects(off, "signaldeliver"));
    EXPECT_FALSE(selects(off, "switch"));
    EXPECT_FALSE(selects(off, "page_fault"));
    // A rule on evt.type=signaldeliver turns that hook on, and only that one.
    EventSelection on = select_events(BaseSyscalls{}, types({"signaldeliver"}));
    EXPECT_TRUE(selects(on, "signaldeliver"));
    EXPECT_FALSE(selects(on, "switch"));
    EXPECT_TRUE(on.rules_excluded.empty());
    // A rule bounding no event type (every event) turns none on.
    EventSelection all = select_events(BaseSyscalls{}, rules::EventTypeSet::all());
    EXPECT_FALSE(selects(all, "signaldeliver"));
    EXPECT_FALSE(selects(all, "switch"));
    EXPECT_FALSE(selects(all, "page_fault"));
    EXPECT_TRUE(selects(all, "openat"));
    // base_syscalls can name them.
    BaseSyscalls base;
    base.custom_set = {"switch", "page_fault"};
    EventSelection custom = select_events(base, rules::EventTypeSet::all());
    EXPECT_TRUE(selects(custom, "switch"));
    EXPECT_TRUE(selects(custom, "page_fault"));
}

TEST(EventSelection, NamesForLogs) {
    const event::EventInfo* openat = event::find_event("openat");
    const event::EventInfo* clone = event::find_event("clone");
    ASSERT_NE(openat, nullptr);
    ASSERT_NE(clone, nullptr);
    EXPECT_EQ(event_names({openat->id, clone->id}), "clone, openat");
}

} // namespace
} // namespace kestrel::daemon
