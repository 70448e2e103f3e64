// The fd events added with the probe's fd family: pipe2, eventfd/eventfd2, signalfd/signalfd4,
// timerfd_create, inotify_init/inotify_init1 (typed fds, close-on-exec from their flags),
// close_range (deferred closes, or close-on-exec marks), fchdir (cwd from the fd's directory).

#include <gtest/gtest.h>

#include "fs_flags.h"
#include "state/tables.hpp"
#include "state_events.hpp"

namespace kestrel::state {
namespace {

using testing::Feed;

const Fd* fd_of(const Tables& t, int64_t tid, int64_t fd) {
    const Thread* th = t.find_thread(tid);
    return th == nullptr ? nullptr : t.find_fd(*th, fd);
}

TEST(state_fd_kinds, Pipe2BothEndsWithCloexec) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.emit(KES_EVT_PIPE2, 100, 100, "bash", [](event::RecordBuilder& b) {
        b.add_int64(0).add_int64(5).add_int64(6).add_uint64(4242).add_uint32(KES_O_CLOEXEC |
                                                                             KES_O_NONBLOCK);
    });
    for (int64_t n : {5, 6}) {
        const Fd* p = fd_of(t, 100, n);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(p->typechar(), 'p');
        EXPECT_EQ(p->name, "pipe:[4242]");
        EXPECT_TRUE(p->cloexec);
    }
    // A failed pipe2 adds nothing.
    f.emit(KES_EVT_PIPE2, 100, 100, "bash", [](event::RecordBuilder& b) {
        b.add_int64(-24).add_int64(7).add_int64(8).add_uint64(0).add_uint32(0);
    });
    EXPECT_EQ(fd_of(t, 100, 7), nullptr);
}

TEST(state_fd_kinds, EventSignalTimerInotifyFds) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.emit(KES_EVT_EVENTFD, 100, 100, "bash",
           [](event::RecordBuilder& b) { b.add_int64(3).add_uint64(0).add_uint32(0); });
    f.emit(KES_EVT_EVENTFD2, 100, 100, "bash",
           [](event::RecordBuilder& b) { b.add_int64(4).add_uint16(KES_O_CLOEXEC).add_uint64(1); });
    f.emit(KES_EVT_SIGNALFD4, 100, 100, "bash", [](event::RecordBuilder& b) {
        b.add_int64(5).add_uint16(KES_O_CLOEXEC).add_int64(-1).add_uint32(1u << 9);
    });
    f.emit(KES_EVT_TIMERFD_CREATE, 100, 100, "bash",
           [](event::RecordBuilder& b) { b.add_int64(6).add_uint8(1).add_uint8(0); });
    f.emit(KES_EVT_INOTIFY_INIT1, 100, 100, "bash",
           [](event::RecordBuilder& b) { b.add_int64(7).add_uint16(0); });
    f.emit(KES_EVT_INOTIFY_INIT, 100, 100, "bash",
           [](event::RecordBuilder& b) { b.add_int64(8).add_uint8(0); });
    ASSERT_NE(fd_of(t, 100, 3), nullptr);
    EXPECT_EQ(fd_of(t, 100, 3)->type, FdType::kEvent);
    EXPECT_FALSE(fd_of(t, 100, 3)->cloexec);
    EXPECT_EQ(fd_of(t, 100, 4)->type, FdType::kEvent);
    EXPECT_TRUE(fd_of(t, 100, 4)->cloexec);
    EXPECT_EQ(fd_of(t, 100, 5)->type, FdType::kSignalfd);
    EXPECT_TRUE(fd_of(t, 100, 5)->cloexec);
    EXPECT_EQ(fd_of(t, 100, 6)->type, FdType::kTimerfd);
    EXPECT_EQ(fd_of(t, 100, 7)->type, FdType::kInotify);
    EXPECT_EQ(fd_of(t, 100, 8)->type, FdType::kInotify);

    // signalfd on an existing signalfd only changes its mask: no new entry, the old one stays.
    f.emit(KES_EVT_SIGNALFD, 100, 100, "bash", [](event::RecordBuilder& b) {
        b.add_int64(5).add_int64(5).add_uint32(1u << 1).add_uint8(0);
    });
    EXPECT_EQ(fd_of(t, 100, 5)->type, FdType::kSignalfd);
    EXPECT_TRUE(fd_of(t, 100, 5)->cloexec);
    // Failures add nothing.
    f.emit(KES_EVT_EVENTFD2, 100, 100, "bash",
           [](event::RecordBuilder& b) { b.add_int64(-22).add_uint16(0).add_uint64(0); });
    EXPECT_EQ(fd_of(t, 100, -22), nullptr);
}

TEST(state_fd_kinds, CloseRangeClosesOrMarksCloexec) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    for (int64_t n : {3, 4, 5, 9}) {
        f.openat(100, 100, n, Tables::kAtFdcwd, "/etc/hosts");
    }
    auto close_range = [&](uint32_t first, uint32_t last, uint32_t flags, int64_t res) {
        f.emit(KES_EVT_CLOSE_RANGE, 100, 100, "bash", [&](event::RecordBuilder& b) {
            b.add_int64(res).add_uint32(first).add_uint32(last).add_uint32(flags);
        });
    };
    close_range(4, 5, KES_PPM_CLOSE_RANGE_CLOEXEC, 0);
    EXPECT_TRUE(fd_of(t, 100, 4)->cloexec);
    EXPECT_TRUE(fd_of(t, 100, 5)->cloexec);
    EXPECT_FALSE(fd_of(t, 100, 3)->cloexec);

    close_range(4, ~0u, 0, 0);
    // Rules on the close_range still see the fds; the next event removes them.
    EXPECT_NE(fd_of(t, 100, 9), nullptr);
    f.tick(100, 100);
    EXPECT_EQ(fd_of(t, 100, 4), nullptr);
    EXPECT_EQ(fd_of(t, 100, 5), nullptr);
    EXPECT_EQ(fd_of(t, 100, 9), nullptr);
    EXPECT_NE(fd_of(t, 100, 3), nullptr);

    close_range(0, ~0u, 0, -22); // failed: nothing closes
    f.tick(100, 100);
    EXPECT_NE(fd_of(t, 100, 3), nullptr);
}

TEST(state_fd_kinds, FchdirTakesTheDirectoryOfTheFd) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.openat(100, 100, 7, Tables::kAtFdcwd, "/var/lib", KES_O_RDONLY | KES_O_DIRECTORY);
    auto fchdir = [&](int64_t fd, int64_t res) {
        f.emit(KES_EVT_FCHDIR, 100, 100, "bash",
               [&](event::RecordBuilder& b) { b.add_int64(res).add_int64(fd); });
    };
    fchdir(7, 0);
    EXPECT_EQ(t.process(*t.find_thread(100))->cwd, "/var/lib/");
    f.openat(100, 100, 8, Tables::kAtFdcwd, "dpkg/status");
    EXPECT_EQ(fd_of(t, 100, 8)->name, "/var/lib/dpkg/status");
    fchdir(99, -9); // failed: unchanged
    EXPECT_EQ(t.process(*t.find_thread(100))->cwd, "/var/lib/");
}

} // namespace
} // namespace kestrel::state
