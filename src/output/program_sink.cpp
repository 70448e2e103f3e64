#include "output/program_sink.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/log.hpp"
#include "output/io.hpp"

extern char** environ;

namespace kestrel::output {
namespace {

constexpr int kPollSliceMs = 50;
// On close and on SIGUSR1: how long a program gets to finish after end-of-file, then after
// SIGTERM, before it is killed.
constexpr int kExitGraceMs = 2000;
constexpr int kTermGraceMs = 1000;

void close_fd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

} // namespace

ProgramSink::ProgramSink(std::string program, bool keep_alive, bool buffered)
    : program_(std::move(program)), what_("program '" + program_ + "'"), keep_alive_(keep_alive),
      buffer_(buffered) {
    ignore_sigpipe();
}

ProgramSink::~ProgramSink() { finish(child_, kExitGraceMs); }

bool ProgramSink::spawn(Child& child) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO); // dup2 clears CLOEXEC
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);
    // The child must not inherit Kestrel's ignored SIGPIPE or blocked signals.
    sigset_t none;
    sigset_t defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    const char* argv[] = {"sh", "-c", program_.c_str(), nullptr};
    pid_t pid = -1;
    const int err =
        posix_spawn(&pid, "/bin/sh", &actions, &attr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fds[0]);
    if (err != 0) {
        ::close(fds[1]);
        errno = err;
        return false;
    }
    (void)::fcntl(fds[1], F_SETFL, O_NONBLOCK);
    child.pid = pid;
    child.stdin_fd = fds[1];
    child.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    return true;
}

bool ProgramSink::wait_exit(Child& child, int ms) {
    if (child.pid < 0) {
        return true;
    }
    int waited = 0;
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(child.pid, &status, WNOHANG);
        if (r == child.pid || (r < 0 && errno == ECHILD)) {
            child.pid = -1;
            close_fd(child.pidfd);
            return true;
        }
        if ((ms >= 0 && waited >= ms) || (ms < 0 && stop_requested())) {
            return false;
        }
        if (child.pidfd >= 0) {
            pollfd p{child.pidfd, POLLIN, 0};
            (void)::poll(&p, 1, kPollSliceMs);
        } else {
            ::usleep(kPollSliceMs * 1000);
        }
        waited += kPollSliceMs;
    }
}

void ProgramSink::finish(Child& child, int grace_ms) {
    close_fd(child.stdin_fd); // end-of-file: a well-behaved program exits now
    if (child.pid < 0) {
        return;
    }
    if (!wait_exit(child, stop_requested() ? 0 : grace_ms)) {
        ::kill(-child.pid, SIGTERM);
        if (!wait_exit(child, kTermGraceMs)) {
            ::kill(-child.pid, SIGKILL);
            (void)wait_exit(child, kTermGraceMs);
        }
    }
    close_fd(child.pidfd);
    child.pid = -1;
}

bool ProgramSink::alive(Child& child) {
    if (child.pid < 0) {
        return false;
    }
    int status = 0;
    if (::waitpid(child.pid, &status, WNOHANG) == child.pid) {
        KES_LOG_WARN("output program: '{}' exited ({} {}); restarting it", program_,
                     WIFEXITED(status) ? "status" : "signal",
                     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        child.pid = -1;
        close_fd(child.pidfd);
        close_fd(child.stdin_fd);
        return false;
    }
    return true;
}

void ProgramSink::deliver(const eval::Alert& /*alert*/, std::string_view line) {
    if (!keep_alive_) {
        deliver_one_shot(line);
        return;
    }
    if (buffer_.add(line)) {
        write_keep_alive();
    }
}

void ProgramSink::flush() {
    if (keep_alive_) {
        write_keep_alive();
    }
}

void ProgramSink::reopen() {
    if (keep_alive_) {
        write_keep_alive();
        finish(child_, kExitGraceMs); // the next alert starts a fresh process (Falco respawns)
    }
}

void ProgramSink::write_keep_alive() {
    if (buffer_.empty()) {
        return;
    }
    WriteResult result{WriteStatus::kError, 0};
    // Two attempts: the process may have died since the last alert (EPIPE, or reaped here).
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool had_process = child_.pid >= 0 || child_.stdin_fd >= 0;
        if (!alive(child_)) {
            if (had_process) {
                finish(child_, 0);
                restarts_.fetch_add(1, std::memory_order_relaxed);
            }
            if (!spawn(child_)) {
                result = {WriteStatus::kError, errno};
                break;
            }
        }
        result = write_all(child_.stdin_fd, buffer_.bytes(), FdKind::kNonBlocking, *this);
        if (result.status == WriteStatus::kError && result.error == EPIPE) {
            // The reader is gone: end it for good, start another, write again.
            finish(child_, 0);
            child_ = Child{};
            restarts_.fetch_add(1, std::memory_order_relaxed);
            counters().retried.fetch_add(buffer_.lines(), std::memory_order_relaxed);
            KES_LOG_WARN("output program: '{}' stopped reading its input; restarting it", program_);
            continue;
        }
        break;
    }
    outcome_.record(*this, result, buffer_.lines(), what_);
    buffer_.clear();
}

void ProgramSink::deliver_one_shot(std::string_view line) {
    Child child;
    if (!spawn(child)) {
        outcome_.record(*this, {WriteStatus::kError, errno}, 1, what_);
        return;
    }
    buffer_.clear();
    buffer_.add(line);
    WriteResult result = write_all(child.stdin_fd, buffer_.bytes(), FdKind::kNonBlocking, *this);
    buffer_.clear();
    if (result.status == WriteStatus::kError && result.error == EPIPE) {
        result = {}; // the program chose not to read its input: that is its business
    }
    close_fd(child.stdin_fd);
    if (!wait_exit(child, -1)) { // Falco's pclose(): the next alert waits for this one
        finish(child, 0);
    }
    outcome_.record(*this, result, 1, what_);
}

} // namespace kestrel::output
