#pragma once
// Three kinds of checks:
//  KES_DCHECK(cond)  debug-only assertion, compiled out of release builds;
//  KES_CHECK(cond)   always on; a failure is unrecoverable: log and abort;
//  KES_BUG(counter)  "this should not happen" on the hot path: count it and carry on, so a bug
//                    shows up in the metrics instead of killing the host's security agent.

#include <atomic>
#include <cstdint>

namespace kestrel::base {

[[noreturn]] void check_failed(const char* expr, const char* file, int line);

// A named counter of bugs survived; exported by the metrics module as n_drops_bug-like figures.
struct BugCounter {
    const char* name;
    std::atomic<uint64_t> count{0};
};

} // namespace kestrel::base

#define KES_CHECK(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) [[unlikely]] {                                                                \
            ::kestrel::base::check_failed(#cond, __FILE__, __LINE__);                              \
        }                                                                                          \
    } while (0)

#ifdef NDEBUG
#define KES_DCHECK(cond)                                                                           \
    do {                                                                                           \
        (void)sizeof(cond);                                                                        \
    } while (0)
#else
#define KES_DCHECK(cond) KES_CHECK(cond)
#endif

#define KES_BUG(counter) (counter).count.fetch_add(1, std::memory_order_relaxed)
