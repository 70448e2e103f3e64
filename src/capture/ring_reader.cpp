#include "capture/ring_reader.hpp"

#include <linux/bpf.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace kestrel::capture {
namespace {

// Ring record header flags (include/uapi/linux/bpf.h: BPF_RINGBUF_BUSY_BIT/DISCARD_BIT).
constexpr uint32_t kBusy = BPF_RINGBUF_BUSY_BIT;
constexpr uint32_t kDiscard = BPF_RINGBUF_DISCARD_BIT;
constexpr uint32_t kRecordHeader = BPF_RINGBUF_HDR_SZ;

uint64_t load_acquire(const uint64_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
uint32_t load_acquire(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

// Min-heap on ts (std heap functions build a max-heap with the comparator's "less").
struct Later {
    template <typename T> bool operator()(const T& a, const T& b) const { return a.ts > b.ts; }
};

} // namespace

base::Result<RingReader> RingReader::create(std::span<const base::UniqueFd> ring_fds,
                                            size_t ring_size) {
    RingReader reader;
    reader.page_size_ = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    if (ring_size == 0 || (ring_size & (ring_size - 1)) != 0) {
        return base::make_error(base::ErrorCode::kInvalidArgument,
                                fmt::format("ring size {} is not a power of two", ring_size));
    }
    reader.epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!reader.epoll_.valid()) {
        return base::errno_error("epoll_create1", errno);
    }
    reader.rings_.reserve(ring_fds.size());
    for (size_t i = 0; i < ring_fds.size(); ++i) {
        int fd = ring_fds[i].get();
        Ring ring;
        ring.mask = ring_size - 1;
        ring.consumer_map =
            ::mmap(nullptr, reader.page_size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (ring.consumer_map == MAP_FAILED) {
            return base::errno_error(fmt::format("mapping the consumer page of ring {}", i), errno);
        }
        ring.producer_map_len = reader.page_size_ + 2 * ring_size;
        ring.producer_map = ::mmap(nullptr, ring.producer_map_len, PROT_READ, MAP_SHARED, fd,
                                   static_cast<off_t>(reader.page_size_));
        if (ring.producer_map == MAP_FAILED) {
            ::munmap(ring.consumer_map, reader.page_size_);
            return base::errno_error(fmt::format("mapping the data of ring {}", i), errno);
        }
        ring.consumer_pos = static_cast<uint64_t*>(ring.consumer_map);
        ring.producer_pos = static_cast<const uint64_t*>(ring.producer_map);
        ring.data = static_cast<const uint8_t*>(ring.producer_map) + reader.page_size_;
        ring.cons = load_acquire(ring.consumer_pos);
        ring.published = ring.cons;
        ring.prod = ring.cons;
        reader.rings_.push_back(ring);

        struct epoll_event ev = {};
        ev.events = EPOLLIN;
        ev.data.u32 = static_cast<uint32_t>(i);
        if (::epoll_ctl(reader.epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
            return base::errno_error(fmt::format("adding ring {} to epoll", i), errno);
        }
    }
    reader.heap_.reserve(reader.rings_.size());
    reader.empty_.reserve(reader.rings_.size());
    for (uint32_t i = 0; i < reader.rings_.size(); ++i) {
        reader.empty_.push_back(i);
    }
    return reader;
}

RingReader::RingReader(RingReader&& other) noexcept
    : rings_(std::move(other.rings_)), heap_(std::move(other.heap_)),
      empty_(std::move(other.empty_)), epoll_(std::move(other.epoll_)),
      page_size_(other.page_size_) {
    other.rings_.clear();
}

RingReader& RingReader::operator=(RingReader&& other) noexcept {
    if (this != &other) {
        unmap_all();
        rings_ = std::move(other.rings_);
        heap_ = std::move(other.heap_);
        empty_ = std::move(other.empty_);
        epoll_ = std::move(other.epoll_);
        page_size_ = other.page_size_;
        other.rings_.clear();
    }
    return *this;
}

RingReader::~RingReader() { unmap_all(); }

void RingReader::unmap_all() {
    for (auto& ring : rings_) {
        if (ring.consumer_map != nullptr) {
            ::munmap(ring.consumer_map, page_size_);
        }
        if (ring.producer_map != nullptr) {
            ::munmap(ring.producer_map, ring.producer_map_len);
        }
    }
    rings_.clear();
}

bool RingReader::peek(Ring& ring) {
    for (;;) {
        if (ring.cons >= ring.prod) {
            ring.prod = load_acquire(ring.producer_pos);
            if (ring.cons >= ring.prod) {
                return false;
            }
        }
        const uint8_t* hdr = ring.data + (ring.cons & ring.mask);
        uint32_t len_word = load_acquire(reinterpret_cast<const uint32_t*>(hdr));
        if ((len_word & kBusy) != 0) {
            return false; // reserved, not committed yet: nothing after it can be read
        }
        uint32_t len = len_word & ~(kBusy | kDiscard);
        uint64_t total = (static_cast<uint64_t>(len) + kRecordHeader + 7) & ~uint64_t{7};
        if ((len_word & kDiscard) != 0) {
            ring.cons += total;
            continue;
        }
        ring.head = hdr + kRecordHeader;
        ring.head_len = len;
        uint64_t ts = 0;
        if (len >= sizeof(ts)) {
            std::memcpy(&ts, ring.head, sizeof(ts));
        }
        ring.head_ts = ts;
        ring.has_head = true;
        return true;
    }
}

void RingReader::consume_head(Ring& ring) {
    uint64_t total = (static_cast<uint64_t>(ring.head_len) + kRecordHeader + 7) & ~uint64_t{7};
    ring.cons += total;
    ring.has_head = false;
    // A long burst still hands space back as it goes: a producer must never find the ring full
    // only because the reader has not said so yet.
    if (ring.cons - ring.published > (ring.mask + 1) / 8) {
        publish(ring);
    }
}

void RingReader::publish(Ring& ring) {
    if (ring.cons != ring.published) {
        // Release: the kernel may reuse the space only after we are done reading it.
        __atomic_store_n(ring.consumer_pos, ring.cons, __ATOMIC_RELEASE);
        ring.published = ring.cons;
    }
}

void RingReader::refill_empty() {
    for (size_t i = 0; i < empty_.size();) {
        uint32_t r = empty_[i];
        if (peek(rings_[r])) {
            heap_.push_back({rings_[r].head_ts, r});
            std::push_heap(heap_.begin(), heap_.end(), Later{});
            empty_[i] = empty_.back();
            empty_.pop_back();
        } else {
            ++i;
        }
    }
}

size_t RingReader::drain_impl(RecordFn fn, void* ctx, size_t max_records) {
    size_t delivered = 0;
    while (delivered < max_records) {
        // Heads already in the heap were read before this pass, so any record committed before
        // them is visible now: looking at the empty rings again keeps the merge in order.
        refill_empty();
        if (heap_.empty()) {
            break;
        }
        std::pop_heap(heap_.begin(), heap_.end(), Later{});
        uint32_t r = heap_.back().ring;
        heap_.pop_back();
        Ring& ring = rings_[r];
        fn(ctx, std::span<const uint8_t>(ring.head, ring.head_len));
        consume_head(ring);
        ++delivered;
        if (peek(ring)) {
            heap_.push_back({ring.head_ts, r});
            std::push_heap(heap_.begin(), heap_.end(), Later{});
        } else {
            empty_.push_back(r);
        }
    }
    for (auto& ring : rings_) {
        publish(ring);
    }
    return delivered;
}

base::Result<bool> RingReader::wait(int timeout_ms) {
    struct epoll_event events[16];
    int n = ::epoll_wait(epoll_.get(), events, 16, timeout_ms);
    if (n < 0) {
        if (errno == EINTR) {
            return false;
        }
        return base::errno_error("epoll_wait on the rings", errno);
    }
    return n > 0;
}

} // namespace kestrel::capture
