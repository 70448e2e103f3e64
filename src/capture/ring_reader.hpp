#pragma once
// RingReader: reads the probe's BPF ring buffers itself (not through libbpf's ring_buffer__poll)
// so that it can look at the next record of every ring without consuming it, and deliver records
// across rings in timestamp order (a fork on CPU 0 before the exec on CPU 1).
//
// Each ring is mapped as the kernel lays it out: the consumer page read-write, then the producer
// page and the data area mapped twice in a row (read-only), so a record that wraps around the end
// of the ring is contiguous. Ring heads sit in a min-heap keyed by their timestamps.
//
// Ordering: records are merged by the `ts_ns` of their header among the records visible when a
// record is picked; before delivering, rings that looked empty are looked at again, so a record
// committed before the one picked is never overtaken. A record still being written on another
// CPU with an older stamp can still arrive later (bounded by a few microseconds); consumers must
// tolerate that.
//
// Cache traffic with the producers (the probe runs on the CPUs of the traced syscalls): the
// consumer position is published once per drain() (or every eighth of the ring), not per record,
// and the producer position is re-read only when the records known to be there are used up. The
// kernel reads the consumer position on every reservation, so a store per record moved that
// cache line between the reader's CPU and the producer's once per event.
//
// Owning thread: one reader thread. No allocation per event.

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace kestrel::capture {

class RingReader {
  public:
    // Maps every ring (fds stay owned by the caller, e.g. the Probe, and must outlive the reader).
    static base::Result<RingReader> create(std::span<const base::UniqueFd> ring_fds,
                                           size_t ring_size);

    RingReader(RingReader&& other) noexcept;
    RingReader& operator=(RingReader&& other) noexcept;
    RingReader(const RingReader&) = delete;
    RingReader& operator=(const RingReader&) = delete;
    ~RingReader();

    // Delivers up to `max_records` records available now, in timestamp order, calling
    // on_record(std::span<const uint8_t>) for each; the span is valid during the call only (the
    // space is released to the kernel right after). Returns the number delivered.
    template <typename F> size_t drain(F&& on_record, size_t max_records = SIZE_MAX) {
        return drain_impl(
            [](void* ctx, std::span<const uint8_t> record) {
                (*static_cast<std::remove_reference_t<F>*>(ctx))(record);
            },
            &on_record, max_records);
    }

    // Waits until a ring signals data (the probe wakes the reader only past a fill threshold) or
    // timeout_ms elapses. Returns true when woken by a ring. EINTR counts as a timeout.
    base::Result<bool> wait(int timeout_ms);

    [[nodiscard]] size_t ring_count() const { return rings_.size(); }

  private:
    struct Ring {
        uint64_t* consumer_pos = nullptr;       // our page (read-write)
        const uint64_t* producer_pos = nullptr; // the kernel's page (read-only)
        const uint8_t* data = nullptr;          // data area, mapped twice
        void* consumer_map = nullptr;
        void* producer_map = nullptr;
        size_t producer_map_len = 0;
        uint64_t mask = 0;
        uint64_t cons = 0;      // our copy of consumer_pos, ahead of it until publish()
        uint64_t published = 0; // the value last stored into consumer_pos
        uint64_t prod = 0;      // producer_pos when last read: records below it are committed
                                // or busy, never missing
        // The head record, when has_head.
        const uint8_t* head = nullptr;
        uint32_t head_len = 0;
        uint64_t head_ts = 0;
        bool has_head = false;
    };
    struct HeapItem {
        uint64_t ts;
        uint32_t ring;
    };

    RingReader() = default;
    using RecordFn = void (*)(void* ctx, std::span<const uint8_t> record);
    size_t drain_impl(RecordFn fn, void* ctx, size_t max_records);
    // Looks at the ring's next committed record (skipping discarded ones); true if there is one.
    bool peek(Ring& ring);
    void consume_head(Ring& ring);
    // Stores ring.cons into the kernel-visible consumer position (release).
    static void publish(Ring& ring);
    void refill_empty();
    void unmap_all();

    std::vector<Ring> rings_;
    std::vector<HeapItem> heap_;
    std::vector<uint32_t> empty_; // rings with no head, looked at again before each delivery
    base::UniqueFd epoll_;
    size_t page_size_ = 0;
};

} // namespace kestrel::capture
