#include "output/io.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <mutex>

namespace kestrel::output {
namespace {

// How long one wait for a writable descriptor lasts before stop_requested() is checked again:
// the bound on how late a stuck sink notices shutdown.
constexpr int kPollSliceMs = 50;

// Waits until `fd` takes a write (or reports an error the next write will return). False when
// the sink was asked to stop first.
bool wait_writable(int fd, const Sink& sink) {
    for (;;) {
        if (sink.stop_requested()) {
            return false;
        }
        pollfd p{fd, POLLOUT, 0};
        const int n = ::poll(&p, 1, kPollSliceMs);
        if (n > 0) {
            return true;
        }
        // n == 0: slice over; n < 0: EINTR (a signal), look again.
    }
}

} // namespace

FdKind classify_blocking_fd(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
        return FdKind::kBlockingPipe;
    }
    return FdKind::kBlocking;
}

WriteResult write_all(int fd, std::string_view data, FdKind kind, const Sink& sink) {
    while (!data.empty()) {
        size_t chunk = data.size();
        if (kind == FdKind::kBlockingPipe) {
            // POLLOUT on a pipe means one free page: a write of at most PIPE_BUF bytes then
            // completes without blocking, where a larger one could wait for the reader forever.
            if (!wait_writable(fd, sink)) {
                return {WriteStatus::kStopped, 0};
            }
            chunk = std::min<size_t>(chunk, PIPE_BUF);
        }
        const ssize_t n = ::write(fd, data.data(), chunk);
        if (n > 0) {
            data.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait_writable(fd, sink)) {
                return {WriteStatus::kStopped, 0};
            }
            continue;
        }
        return {WriteStatus::kError, n < 0 ? errno : EIO};
    }
    return {};
}

void ignore_sigpipe() {
    static std::once_flag once;
    std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

} // namespace kestrel::output
