#pragma once
// Spool: an on-disk FIFO of alert lines that the HTTP sink could not deliver, so that an
// endpoint outage loses nothing (issue 5, "Nothing lost silently").
//
// Layout of the directory:
//   <20-digit sequence>.seg  append-only segment files; records are appended to the newest one,
//                            a new one starts when it passes the segment size
//   read-offset              "<segment sequence> <byte offset>\n": the first unsent record,
//                            replaced atomically (write a temporary file, rename it)
// A record is a little-endian u32 payload length, a u32 CRC-32 of the payload, then the payload.
// A crash while appending leaves a torn record at the end of the newest segment: open() finds it
// (short read or CRC mismatch) and cuts it off. The offset is persisted every kPersistEvery pops,
// when a segment is deleted, and on close (replacing a file costs about a millisecond here, which
// per record capped re-sending at ~1,000 alerts/s): a crash re-sends at most that many records at
// the next start (at-least-once). Fully read segments are deleted;
// when the last record is popped the directory ends up empty (the offset file goes too).
// Writes are not fsync'ed: a Kestrel crash loses nothing (the page cache survives it), a power
// loss may lose the most recent records.
//
// The size bound counts the bytes of every segment file, including records already sent from
// the head segment until that segment is deleted; segments are kept small (1/8 of the bound,
// at most 4 MiB) so sent records give their space back soon.
//
// One process at a time: open() takes an exclusive flock on the directory itself (no lock file,
// so an emptied spool leaves an empty directory); a second Kestrel on the same directory fails.
//
// Not thread-safe: the owner serializes calls (HttpSink holds a mutex).

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace kestrel::output {

class Spool {
  public:
    struct Options {
        std::string dir;            // created (mode 0700) when missing
        uint64_t max_bytes;         // the bound on the segment files' total size
        uint64_t segment_bytes = 0; // 0: max_bytes / 8, clamped to [4 KiB, 4 MiB]
    };

    // Opens (or creates) the spool in `options.dir`, validating what a previous run left there.
    static base::Result<std::unique_ptr<Spool>> open(const Options& options);
    ~Spool(); // persists the read offset
    Spool(const Spool&) = delete;
    Spool& operator=(const Spool&) = delete;

    static constexpr uint32_t kPersistEvery = 64;

    enum class AppendResult { kOk, kFull, kError };
    // Appends one record at the back. kFull: the bound would be passed (nothing written);
    // kError: a write failed (logged by the caller from last_error(); nothing kept).
    AppendResult append(std::string_view record);

    // Copies the oldest record into `out`. False when the spool is empty or the record cannot
    // be read (a read error: last_error() says why; pop_front() then skips the rest of that
    // segment).
    bool front(std::string& out);
    // Removes the oldest record (the new read offset is persisted now and then: see above).
    void pop_front();

    [[nodiscard]] bool empty() const { return records_ == 0; }
    [[nodiscard]] uint64_t records() const { return records_; }
    [[nodiscard]] uint64_t bytes() const { return total_bytes_; }
    [[nodiscard]] const std::string& dir() const { return options_.dir; }
    // Records cut off at open() because they were torn or corrupt.
    [[nodiscard]] uint64_t discarded_at_open() const { return discarded_at_open_; }
    [[nodiscard]] const std::string& last_error() const { return last_error_; }

  private:
    struct Segment {
        uint64_t seq = 0;
        uint64_t bytes = 0;   // file size
        uint64_t records = 0; // unsent records in it
    };

    explicit Spool(Options options) : options_(std::move(options)) {}

    base::Status load();
    // Validates the records of `seg` from byte `start`, counts them, cuts off a torn tail.
    base::Status scan_segment(Segment& seg, uint64_t start);
    [[nodiscard]] std::string segment_path(uint64_t seq) const;
    [[nodiscard]] std::string offset_path() const;
    base::Status open_writer();
    void drop_head(); // the head segment has no unsent record left: delete it
    void persist_offset();

    Options options_;
    std::deque<Segment> segments_; // oldest first; appends go to the back one
    uint64_t records_ = 0;
    uint64_t total_bytes_ = 0;
    uint64_t discarded_at_open_ = 0;
    uint64_t read_off_ = 0; // offset of the first unsent record in segments_.front()
    uint64_t next_seq_ = 1;
    base::UniqueFd dir_fd_;  // holds the flock
    base::UniqueFd reader_;  // segments_.front(), opened lazily
    base::UniqueFd writer_;  // segments_.back(), opened lazily
    uint32_t front_len_ = 0; // payload length of the record front() last read (0: none)
    uint32_t unpersisted_pops_ = 0;
    std::string buf_;
    std::string last_error_;
};

} // namespace kestrel::output
