#pragma once
// Notifier: wakes one waiting consumer thread when its producer publishes, with a timed wait
// (std::atomic::wait has none). A futex word that producers bump; the wake syscall is made only
// when the consumer is actually asleep, so a busy consumer costs the producer two atomic
// operations and no system call.
//
// Any thread may notify(); notify() is async-signal-safe (an atomic add and a futex syscall).
// One thread waits.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace kestrel::output {

class Notifier {
  public:
    // The value to pass to wait(): read it BEFORE checking for work, so a notify() between the
    // check and the wait makes the wait return at once.
    [[nodiscard]] uint32_t epoch() const { return word_.load(std::memory_order_seq_cst); }

    void notify();

    // Sleeps until notify() moves past `seen`, `timeout` passes, or a signal arrives.
    void wait(uint32_t seen, std::chrono::nanoseconds timeout);

  private:
    std::atomic<uint32_t> word_{0};
    std::atomic<uint32_t> sleepers_{0};
};

} // namespace kestrel::output
