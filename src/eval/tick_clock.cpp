#include "eval/tick_clock.hpp"

#include <chrono>
#include <thread>

#include "base/time.hpp"

namespace kestrel::eval {
namespace {

double calibrate() {
#if defined(__x86_64__)
    // Both clocks read back to back at each end; sleeping leaves the TSC counting. 5 ms against
    // a nanosecond clock: the factor is good to about one part in a million.
    const uint64_t mono0 = base::monotonic_ns();
    const uint64_t tick0 = TickClock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const uint64_t mono1 = base::monotonic_ns();
    const uint64_t tick1 = TickClock::now();
    if (tick1 <= tick0 || mono1 <= mono0) {
        return 0.0; // no usable counter: times read 0 rather than nonsense
    }
    return static_cast<double>(mono1 - mono0) / static_cast<double>(tick1 - tick0);
#else
    return 1.0;
#endif
}

} // namespace

double TickClock::ns_per_tick() {
    static const double factor = calibrate(); // once per process, thread-safe
    return factor;
}

} // namespace kestrel::eval
