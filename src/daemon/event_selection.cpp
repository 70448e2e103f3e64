#include "daemon/event_selection.hpp"

#include <algorithm>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "event/gen/events.hpp"

namespace kestrel::daemon {
namespace {

// The events that build and maintain the process, thread and fd tables: libs' state set
// (events flagged EF_MODIFIES_STATE, plus the simple set of credentials and namespaces). The
// send/recv family is in it (a UDP socket's tuple comes from them), so Falco's `outbound` and
// `inbound` macros see them without base_syscalls.all. Names the schema does not define (yet)
// are skipped.
constexpr std::string_view kStateEvents[] = {
    "clone",          "clone3",        "fork",         "vfork",
    "execve",         "execveat",      "procexit",     "open",
    "openat",         "openat2",       "creat",        "open_by_handle_at",
    "close",          "close_range",   "socket",       "socketpair",
    "bind",           "connect",       "accept",       "accept4",
    "listen",         "dup",           "dup2",         "dup3",
    "fcntl",          "pipe",          "pipe2",        "eventfd",
    "eventfd2",       "signalfd",      "signalfd4",    "timerfd_create",
    "inotify_init",   "inotify_init1", "memfd_create", "userfaultfd",
    "io_uring_setup", "chdir",         "fchdir",       "chroot",
    "setuid",         "setgid",        "setresuid",    "setresgid",
    "setreuid",       "setregid",      "setsid",       "setpgid",
    "capset",         "prctl",         "setns",        "unshare",
    "mount",          "umount2",       "getsockopt",   "sendto",
    "sendmsg",        "recvfrom",      "recvmsg"};

// libs' sinsp_repair_state_sc_set: what every ruleset needs for processes to be right.
constexpr std::string_view kRepairAlways[] = {
    "clone",     "clone3",    "fork",   "vfork",  "execve",  "execveat",
    "fchdir",    "chdir",     "chroot", "capset", "setgid",  "setpgid",
    "setresgid", "setresuid", "setsid", "setuid", "procexit"};

// The optional hooks (capture/hooks.hpp) fire on every page fault, context switch or signal of
// the host. A rule that names them turns them on, as in Falco; a rule that bounds no event type
// (its set is every event) does not: Falco would attach them all for it, at a cost no such rule
// means to pay. base_syscalls.custom_set can still name them.
constexpr std::string_view kHookEvents[] = {"page_fault", "switch", "signaldeliver"};

bool has(std::string_view name) { return event::find_event(name) != nullptr; }

bool is_hook(std::string_view name) {
    return std::find(std::begin(kHookEvents), std::end(kHookEvents), name) != std::end(kHookEvents);
}

void add_names(std::set<std::string>& out, std::span<const std::string_view> names) {
    for (std::string_view n : names) {
        if (has(n)) {
            out.emplace(n);
        }
    }
}

bool is_network(const std::string& name) {
    const event::EventInfo* info = event::find_event(name);
    return info != nullptr && info->category == "network";
}

bool is_file_or_io(const std::string& name) {
    const event::EventInfo* info = event::find_event(name);
    return info != nullptr && (info->category == "file" || info->category == "io");
}

// High-volume I/O: off unless base_syscalls.all (Falco's ignored_sc_set: I/O minus state).
bool is_ignored(const std::string& name) {
    const event::EventInfo* info = event::find_event(name);
    return info != nullptr && info->category == "io" &&
           std::find(std::begin(kStateEvents), std::end(kStateEvents), name) ==
               std::end(kStateEvents);
}

std::set<std::string> repaired(std::set<std::string> selected) {
    bool network = std::any_of(selected.begin(), selected.end(), is_network);
    bool files = std::any_of(selected.begin(), selected.end(), is_file_or_io);
    bool accepts =
        selected.contains("accept") || selected.contains("accept4") || selected.contains("listen");
    add_names(selected, kRepairAlways);
    if (network) {
        add_names(selected, std::initializer_list<std::string_view>{"socket", "getsockopt"});
    }
    if (accepts && has("bind")) {
        selected.emplace("bind");
    }
    if ((network || files) && has("close")) {
        selected.emplace("close");
    }
    return selected;
}

} // namespace

EventSelection select_events(const BaseSyscalls& base, const rules::EventTypeSet& rules_types) {
    EventSelection result;
    std::set<std::string> rules;
    bool unbounded = rules::matches_too_many_event_types(rules_types);
    for (const std::string& name : rules_types.names()) {
        if (has(name) && !(unbounded && is_hook(name))) {
            rules.insert(name);
        }
    }
    std::set<std::string> positive;
    std::set<std::string> negative;
    for (const std::string& entry : base.custom_set) {
        bool exclude = !entry.empty() && entry[0] == '!';
        std::string name = exclude ? entry.substr(1) : entry;
        if (name.empty()) {
            continue;
        }
        if (!has(name)) {
            result.invalid_names.push_back(entry);
            continue;
        }
        (exclude ? negative : positive).insert(name);
    }

    std::set<std::string> selected = rules;
    if (!positive.empty()) {
        selected.insert(positive.begin(), positive.end());
    } else if (base.repair) {
        selected = repaired(rules);
    } else {
        add_names(selected, kStateEvents);
    }
    for (const std::string& name : negative) {
        selected.erase(name);
    }
    if (!base.all) {
        std::erase_if(selected, is_ignored);
    }
    if (base.repair && !base.custom_set.empty()) {
        selected = repaired(std::move(selected));
    }
    if (has("procexit")) {
        selected.emplace("procexit");
    }

    for (const std::string& name : rules) {
        if (!selected.contains(name)) {
            result.rules_excluded.push_back(name);
        }
    }
    for (const std::string& name : selected) {
        result.events.push_back(event::find_event(name)->id);
    }
    std::sort(result.events.begin(), result.events.end());
    return result;
}

std::string event_names(const std::vector<uint16_t>& events) {
    std::vector<std::string_view> names;
    for (uint16_t id : events) {
        if (const event::EventInfo* info = event::find_event(id)) {
            names.push_back(info->name);
        }
    }
    std::sort(names.begin(), names.end());
    return fmt::format("{}", fmt::join(names, ", "));
}

} // namespace kestrel::daemon
