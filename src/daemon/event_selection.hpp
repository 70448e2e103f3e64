#pragma once
// Which events the live probe emits: Falco's `base_syscalls` semantics (falco
// app/actions/configure_interesting_sets.cpp) applied to Kestrel's schema events.
//
//   selected = rules' event types ∪ base, base = the state set, or custom_set's positive names
//              when there are any;
//   repair (and no positive names): selected = rules ∪ the minimal state set those rules need;
//   `!name` entries are removed; without `all`, high-volume I/O events are removed (none are in
//   the schema yet); repair with a custom_set re-adds what state needs; procexit always stays
//   (without it the thread table would only grow).

#include <cstdint>
#include <string>
#include <vector>

#include "rules/event_types.hpp"

namespace kestrel::daemon {

struct BaseSyscalls {
    std::vector<std::string> custom_set; // event names; "!name" excludes
    bool repair = false;
    bool all = false;
};

struct EventSelection {
    std::vector<uint16_t> events;            // schema event ids, sorted
    std::vector<std::string> invalid_names;  // custom_set names that name no event
    std::vector<std::string> rules_excluded; // rules' event types the selection removed
};

EventSelection select_events(const BaseSyscalls& base, const rules::EventTypeSet& rules_types);

// The names of the events in a selection, sorted (for logs).
std::string event_names(const std::vector<uint16_t>& events);

} // namespace kestrel::daemon
