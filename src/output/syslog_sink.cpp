#include "output/syslog_sink.hpp"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "base/log.hpp"
#include "base/time.hpp"
#include "output/io.hpp"

namespace kestrel::output {
namespace {

constexpr int kLogUser = 1 << 3; // LOG_USER: syslog(3)'s facility when openlog() set none
constexpr int kPollSliceMs = 50;

} // namespace

void format_syslog_datagram(int severity, uint64_t wall_s, std::string_view ident, int pid,
                            std::string_view line, std::string& out) {
    out.clear();
    const auto t = static_cast<time_t>(wall_s);
    tm local{};
    localtime_r(&t, &local);
    char stamp[32];
    // glibc's "%h %e %T": abbreviated month, space-padded day.
    const size_t n = std::strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &local);
    fmt::format_to(std::back_inserter(out), "<{}>{} {}[{}]: ", kLogUser | (severity & 7),
                   std::string_view(stamp, n), ident, pid);
    out.append(line);
}

SyslogSink::SyslogSink(std::string socket_path)
    : path_(std::move(socket_path)), ident_(program_invocation_short_name) {
    ignore_sigpipe();
}

SyslogSink::~SyslogSink() { disconnect(); }

bool SyslogSink::connect_socket() {
    sockaddr_un addr{};
    if (path_.size() >= sizeof(addr.sun_path)) {
        errno = ENAMETOOLONG;
        return false;
    }
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) {
        return false;
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
        const int err = errno;
        disconnect();
        errno = err;
        return false;
    }
    return true;
}

void SyslogSink::disconnect() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

int SyslogSink::send_datagram() {
    if (fd_ < 0 && !connect_socket()) {
        return errno;
    }
    for (;;) {
        if (::send(fd_, datagram_.data(), datagram_.size(), MSG_NOSIGNAL) >= 0) {
            return 0;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            return errno;
        }
        // The receiver's queue is full: wait for it, but not past a stop request.
        if (stop_requested()) {
            return ECANCELED;
        }
        pollfd p{fd_, POLLOUT, 0};
        (void)::poll(&p, 1, kPollSliceMs);
    }
}

void SyslogSink::deliver(const eval::Alert& alert, std::string_view line) {
    const int severity = alert.rule ? static_cast<int>(alert.rule->priority) : 7;
    format_syslog_datagram(severity, base::wall_clock_ns() / 1'000'000'000, ident_, ::getpid(),
                           line, datagram_);
    int err = send_datagram();
    if (err != 0 && err != ECANCELED) {
        // syslogd restarted (new socket) or went away: reconnect once, as glibc does.
        disconnect();
        err = send_datagram();
    }
    SinkCounters& c = counters();
    if (err == 0) {
        c.delivered.fetch_add(1, std::memory_order_relaxed);
        if (failing_) {
            KES_LOG_INFO("output syslog: {} takes alerts again", path_);
            failing_ = false;
        }
        return;
    }
    c.failed.fetch_add(1, std::memory_order_relaxed);
    c.dropped.fetch_add(1, std::memory_order_relaxed);
    if (err != ECANCELED && !failing_) {
        KES_LOG_WARN("output syslog: cannot send to {}: {}; alerts to syslog are dropped "
                     "(counted) until it works again",
                     path_, std::strerror(err));
        failing_ = true;
    }
}

} // namespace kestrel::output
