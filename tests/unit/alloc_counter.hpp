#pragma once
// Heap allocation counter for the "no allocation per event in steady state" tests (DESIGN.md):
// replaces the global operator new, so that every allocation of every thread is counted.
// Include it from exactly one source file of a test binary (it defines the replaced operators),
// and compare kestrel::alloc_counter::allocations() before and after the steady-state loop.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace kestrel::alloc_counter {

inline std::atomic<uint64_t> g_allocations{0};

inline uint64_t allocations() { return g_allocations.load(std::memory_order_relaxed); }

} // namespace kestrel::alloc_counter

void* operator new(std::size_t n) {
    kestrel::alloc_counter::g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) {
        return p;
    }
    throw std::bad_alloc(); // NOLINT: the replaced operator's contract
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t /*n*/) noexcept { std::free(p); }
