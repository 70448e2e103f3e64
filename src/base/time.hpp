#pragma once
// Clocks. The probe stamps events with CLOCK_BOOTTIME; users see wall-clock time.

#include <cstdint>
#include <string>

namespace kestrel::base {

uint64_t wall_clock_ns();
uint64_t boot_clock_ns();
uint64_t monotonic_ns();
// Wall-clock minus boot clock, sampled now: add it to a boot timestamp to get wall time.
int64_t boot_to_wall_offset_ns();
// 2026-11-21T11:10:19.123456789Z
std::string format_wall_time_iso(uint64_t wall_ns);

} // namespace kestrel::base
