#include "base/time.hpp"

#include <ctime>

#include <fmt/format.h>

namespace kestrel::base {
namespace {

uint64_t clock_ns(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

} // namespace

uint64_t wall_clock_ns() { return clock_ns(CLOCK_REALTIME); }
uint64_t boot_clock_ns() { return clock_ns(CLOCK_BOOTTIME); }
uint64_t monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }

int64_t boot_to_wall_offset_ns() {
    // Bracket the boot clock read with two wall reads to halve the error.
    uint64_t wall_before = wall_clock_ns();
    uint64_t boot = boot_clock_ns();
    uint64_t wall_after = wall_clock_ns();
    return static_cast<int64_t>(wall_before / 2 + wall_after / 2) - static_cast<int64_t>(boot);
}

std::string format_wall_time_iso(uint64_t wall_ns) {
    time_t secs = static_cast<time_t>(wall_ns / 1'000'000'000ULL);
    tm utc{};
    gmtime_r(&secs, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", utc.tm_year + 1900,
                       utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                       wall_ns % 1'000'000'000ULL);
}

} // namespace kestrel::base
