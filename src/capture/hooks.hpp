#pragma once
// The probe's optional hooks (bpf/hooks/): tracepoint programs for page_fault, switch and
// signaldeliver. Off unless their event is asked for (ProbeOptions::events names it), as in
// Falco; a hook whose tracepoint the kernel lacks, or that fails to load or attach, is left off
// with one warning, and the probe runs without it. Never required.

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "gen/kestrel_events.h"

namespace kestrel::capture {

struct HookProgram {
    std::string_view program;    // kes_page_fault_user (bpf/hooks/*.bpf.h)
    std::string_view tracepoint; // page_fault_user: the tp_btf target
    uint16_t event_id;           // KES_EVT_PAGE_FAULT
};

// Every hook program; page_fault has two (user and kernel faults).
inline constexpr HookProgram kHookPrograms[] = {
    {"kes_page_fault_user", "page_fault_user", KES_EVT_PAGE_FAULT},
    {"kes_page_fault_kernel", "page_fault_kernel", KES_EVT_PAGE_FAULT},
    {"kes_sched_switch", "sched_switch", KES_EVT_SWITCH},
    {"kes_signal_deliver", "signal_deliver", KES_EVT_SIGNALDELIVER},
};

inline std::span<const HookProgram> hook_programs() { return kHookPrograms; }

// Whether the event is emitted by a hook (not by the syscall dispatcher or procexit).
inline bool is_hook_event(uint16_t event_id) {
    return std::any_of(std::begin(kHookPrograms), std::end(kHookPrograms),
                       [&](const HookProgram& h) { return h.event_id == event_id; });
}

// Feature probe: the running kernel's BTF has the tracepoint (`btf_trace_<name>`), so a tp_btf
// program can attach to it. page_fault_user/kernel exist on x86 only, for instance. Defined in
// probe.cpp (the libbpf user).
bool kernel_has_tracepoint(std::string_view tracepoint);

// What became of one hook program when the probe started.
struct HookStatus {
    enum class State { kOff, kAttached, kUnavailable };
    HookProgram hook;
    bool asked = false; // its event is in ProbeOptions::events
    State state = State::kOff;
    std::string reason; // kUnavailable: why ("the kernel has no tracepoint ...")
};

} // namespace kestrel::capture
