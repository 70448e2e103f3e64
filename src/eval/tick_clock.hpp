#pragma once
// TickClock: the cheapest clock the hot path can read to time rule evaluations (issue 7,
// "per-rule evaluation time"). On x86-64 it is the time-stamp counter (rdtsc, about 7 ns here,
// no system call, no vDSO page); elsewhere CLOCK_MONOTONIC through the vDSO. Ticks become
// nanoseconds with one factor measured once per process (ns_per_tick()), so published totals
// only ever grow: a counter converted with a drifting factor could step back, which
// Prometheus would read as a reset.
//
// The factor is right for an invariant TSC (constant_tsc, nonstop_tsc: every x86-64 CPU of the
// last fifteen years); with a TSC that changes rate the totals are estimates at the rate seen
// during calibration.
//
// Threads: now() anywhere; ns_per_tick() anywhere (the first call calibrates, 5 ms).

#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#else
#include <ctime>
#endif

namespace kestrel::eval {

struct TickClock {
    static uint64_t now() {
#if defined(__x86_64__)
        return __rdtsc();
#else
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
#endif
    }

    // Nanoseconds per tick, measured against CLOCK_MONOTONIC over 5 ms on the first call
    // (1.0 where ticks are nanoseconds already).
    static double ns_per_tick();
};

} // namespace kestrel::eval
