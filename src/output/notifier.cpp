#include "output/notifier.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ctime>

namespace kestrel::output {

void Notifier::notify() {
    word_.fetch_add(1, std::memory_order_seq_cst);
    // seq_cst on both sides: either the sleeper's increment is visible here, or its futex wait
    // sees the new word value and does not sleep.
    if (sleepers_.load(std::memory_order_seq_cst) != 0) {
        syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word_), FUTEX_WAKE_PRIVATE, 1, nullptr,
                nullptr, 0);
    }
}

void Notifier::wait(uint32_t seen, std::chrono::nanoseconds timeout) {
    if (timeout.count() <= 0) {
        return;
    }
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    // EAGAIN (the word moved), EINTR and ETIMEDOUT all mean: look for work again.
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word_), FUTEX_WAIT_PRIVATE, seen, &ts, nullptr,
            0);
    sleepers_.fetch_sub(1, std::memory_order_seq_cst);
}

} // namespace kestrel::output
