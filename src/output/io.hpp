#pragma once
// Writing to a descriptor from a sink's worker without ever blocking beyond the sink's stop
// request: waits for the descriptor in short poll slices and gives up once stop_requested().

#include <cstdint>
#include <string_view>

#include "output/sink.hpp"

namespace kestrel::output {

enum class WriteStatus : uint8_t { kOk, kError, kStopped };

struct WriteResult {
    WriteStatus status = WriteStatus::kOk;
    int error = 0; // errno for kError
};

// How a descriptor takes writes without blocking the worker for good.
enum class FdKind : uint8_t {
    kNonBlocking,  // opened O_NONBLOCK by the sink: EAGAIN, then poll
    kBlockingPipe, // someone else's blocking pipe or socket (stdout): poll, then <= PIPE_BUF
    kBlocking,     // a blocking regular file or terminal: plain write
};

// The kind of a descriptor the sink did not open (stdout).
FdKind classify_blocking_fd(int fd);

// Writes all of `data` to `fd`. Returns kStopped when `sink.stop_requested()` became true while
// waiting for the descriptor (part of the data may have been written).
WriteResult write_all(int fd, std::string_view data, FdKind kind, const Sink& sink);

// A dead reader must be an EPIPE for the sink to handle, not a signal that kills Kestrel.
// Idempotent; called before the first pipe or socket is written.
void ignore_sigpipe();

} // namespace kestrel::output
