// Fd syscalls on the real kernel (bpf/syscalls/fd.bpf.h): creat, open_by_handle_at, close,
// close_range, dup family, fcntl, pipe/pipe2, eventfd/eventfd2, signalfd/signalfd4,
// timerfd_create, inotify_init/inotify_init1, memfd_create. One test per syscall, success and
// failure where meaningful, every parameter checked. Workloads run in forked children
// (probe_fixture.hpp) and use syscall(2) so that libc cannot substitute another call.

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "fs_flags.h"
#include "probe_fixture.hpp"

namespace kestrel::capture {
namespace {

TEST_F(ProbeTest, CreatSuccessAndFailure) {
    std::string dir = temp_dir();
    std::string path = dir + "/c.txt";
    auto run = run_child([&](Report& r) {
        int fd = static_cast<int>(::syscall(SYS_creat, path.c_str(), 0640));
        struct stat st = {};
        ::fstat(fd, &st);
        r.v[0] = fd;
        r.v[1] = falco_dev(st.st_dev);
        r.v[2] = static_cast<int64_t>(st.st_ino);
        r.v[3] = ::syscall(SYS_creat, (dir + "/no/such").c_str(), 0600);
        return 0;
    });
    ASSERT_GE(run.report.v[0], 0);
    auto evs = of_type(run, KES_EVT_CREAT);
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(evs[0].param_int64(KES_P_CREAT_FD), run.report.v[0]);
    EXPECT_EQ(evs[0].param_string(KES_P_CREAT_NAME), path);
    EXPECT_EQ(evs[0].param_uint(KES_P_CREAT_MODE), 0640u);
    EXPECT_EQ(evs[0].param_uint(KES_P_CREAT_DEV), static_cast<uint64_t>(run.report.v[1]));
    EXPECT_EQ(evs[0].param_uint(KES_P_CREAT_INO), static_cast<uint64_t>(run.report.v[2]));
    EXPECT_EQ(evs[0].param_uint(KES_P_CREAT_CREAT_FLAGS), 0u);
    EXPECT_EQ(evs[1].param_int64(KES_P_CREAT_FD), -ENOENT);
    EXPECT_EQ(evs[1].param_string(KES_P_CREAT_NAME), dir + "/no/such");
    EXPECT_FALSE(evs[1].has_param(KES_P_CREAT_DEV));
    EXPECT_FALSE(evs[1].has_param(KES_P_CREAT_INO));
    ::unlink(path.c_str());
    ::rmdir(dir.c_str());
}

TEST_F(ProbeTest, OpenByHandleAtResolvesTheOpenedFile) {
    std::string dir = temp_dir();
    std::string path = dir + "/h.txt";
    auto run = run_child([&](Report& r) {
        ::close(::creat(path.c_str(), 0600));
        alignas(struct file_handle) char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
        auto* fh = reinterpret_cast<struct file_handle*>(buf);
        fh->handle_bytes = MAX_HANDLE_SZ;
        int mount_id = 0;
        if (::name_to_handle_at(AT_FDCWD, path.c_str(), fh, &mount_id, 0) != 0) {
            return 10;
        }
        int mfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        r.v[0] = mfd;
        r.v[1] = ::syscall(SYS_open_by_handle_at, mfd, fh, O_RDONLY | O_CLOEXEC);
        struct stat st = {};
        ::fstat(static_cast<int>(r.v[1]), &st);
        r.v[2] = static_cast<int64_t>(st.st_ino);
        r.v[3] = ::syscall(SYS_open_by_handle_at, 9999, fh, O_RDONLY); // EBADF
        return 0;
    });
    ASSERT_EQ(WEXITSTATUS(run.status), 0) << "name_to_handle_at failed";
    ASSERT_GE(run.report.v[1], 0);
    auto evs = of_type(run, KES_EVT_OPEN_BY_HANDLE_AT);
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(evs[0].param_int64(KES_P_OPEN_BY_HANDLE_AT_FD), run.report.v[1]);
    EXPECT_EQ(evs[0].param_int64(KES_P_OPEN_BY_HANDLE_AT_MOUNTFD), run.report.v[0]);
    EXPECT_EQ(evs[0].param_uint(KES_P_OPEN_BY_HANDLE_AT_FLAGS),
              uint64_t{KES_O_RDONLY | KES_O_CLOEXEC});
    EXPECT_EQ(evs[0].param_string(KES_P_OPEN_BY_HANDLE_AT_PATH), path);
    EXPECT_EQ(evs[0].param_uint(KES_P_OPEN_BY_HANDLE_AT_INO),
              static_cast<uint64_t>(run.report.v[2]));
    EXPECT_TRUE(evs[0].has_param(KES_P_OPEN_BY_HANDLE_AT_DEV));
    EXPECT_EQ(evs[1].param_int64(KES_P_OPEN_BY_HANDLE_AT_FD), -EBADF);
    EXPECT_EQ(evs[1].param_int64(KES_P_OPEN_BY_HANDLE_AT_MOUNTFD), 9999);
    EXPECT_FALSE(evs[1].has_param(KES_P_OPEN_BY_HANDLE_AT_PATH));
    ::unlink(path.c_str());
    ::rmdir(dir.c_str());
}

TEST_F(ProbeTest, CloseSuccessAndBadFd) {
    auto run = run_child([&](Report& r) {
        // A number no other close of the child uses (the fixture closes its pipe end).
        int fd = ::dup2(::open("/dev/null", O_RDONLY), 77);
        r.v[0] = fd;
        r.v[1] = ::syscall(SYS_close, fd);
        r.v[2] = ::syscall(SYS_close, fd); // EBADF
        return 0;
    });
    auto evs = of_type(run, KES_EVT_CLOSE);
    std::vector<event::View> mine;
    for (const auto& v : evs) {
        if (v.param_int64(KES_P_CLOSE_FD) == run.report.v[0]) {
            mine.push_back(v);
        }
    }
    ASSERT_EQ(mine.size(), 2u);
    EXPECT_EQ(mine[0].param_int64(KES_P_CLOSE_RES), 0);
    EXPECT_EQ(mine[1].param_int64(KES_P_CLOSE_RES), -EBADF);
}

TEST_F(ProbeTest, DupDup2Dup3) {
    auto run = run_child([&](Report& r) {
        int fd = ::open("/dev/null", O_RDONLY);
        r.v[0] = fd;
        r.v[1] = ::syscall(SYS_dup, fd);
        r.v[2] = ::syscall(SYS_dup2, fd, 50);
        r.v[3] = ::syscall(SYS_dup3, fd, 51, O_CLOEXEC);
        r.v[4] = ::syscall(SYS_dup, 9999); // EBADF
        return 0;
    });
    auto dup = of_type(run, KES_EVT_DUP);
    ASSERT_EQ(dup.size(), 2u);
    EXPECT_EQ(dup[0].param_int64(KES_P_DUP_RES), run.report.v[1]);
    EXPECT_EQ(dup[0].param_int64(KES_P_DUP_OLDFD), run.report.v[0]);
    EXPECT_EQ(dup[1].param_int64(KES_P_DUP_RES), -EBADF);
    EXPECT_EQ(dup[1].param_int64(KES_P_DUP_OLDFD), 9999);
    auto dup2 = of_type(run, KES_EVT_DUP2);
    ASSERT_EQ(dup2.size(), 1u);
    EXPECT_EQ(dup2[0].param_int64(KES_P_DUP2_RES), 50);
    EXPECT_EQ(dup2[0].param_int64(KES_P_DUP2_OLDFD), run.report.v[0]);
    EXPECT_EQ(dup2[0].param_int64(KES_P_DUP2_NEWFD), 50);
    auto dup3 = of_type(run, KES_EVT_DUP3);
    ASSERT_EQ(dup3.size(), 1u);
    EXPECT_EQ(dup3[0].param_int64(KES_P_DUP3_RES), 51);
    EXPECT_EQ(dup3[0].param_int64(KES_P_DUP3_OLDFD), run.report.v[0]);
    EXPECT_EQ(dup3[0].param_int64(KES_P_DUP3_NEWFD), 51);
    EXPECT_EQ(dup3[0].param_uint(KES_P_DUP3_FLAGS), uint64_t{KES_O_CLOEXEC});
}

TEST_F(ProbeTest, FcntlCommands) {
    auto run = run_child([&](Report& r) {
        int fd = ::open("/dev/null", O_RDONLY);
        r.v[0] = fd;
        r.v[1] = ::syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 60);
        r.v[2] = ::syscall(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);
        r.v[3] = ::syscall(SYS_fcntl, 9999, F_GETFL, 0); // EBADF
        return 0;
    });
    auto evs = of_type(run, KES_EVT_FCNTL);
    ASSERT_EQ(evs.size(), 3u);
    EXPECT_EQ(evs[0].param_int64(KES_P_FCNTL_RES), run.report.v[1]);
    EXPECT_GE(run.report.v[1], 60);
    EXPECT_EQ(evs[0].param_int64(KES_P_FCNTL_FD), run.report.v[0]);
    EXPECT_EQ(evs[0].param_uint(KES_P_FCNTL_CMD), uint64_t{KES_PPM_FCNTL_F_DUPFD_CLOEXEC});
    EXPECT_EQ(evs[0].param_uint(KES_P_FCNTL_ARG), 60u);
    EXPECT_EQ(evs[1].param_int64(KES_P_FCNTL_RES), 0);
    EXPECT_EQ(evs[1].param_uint(KES_P_FCNTL_CMD), uint64_t{KES_PPM_FCNTL_F_SETFD});
    EXPECT_EQ(evs[1].param_uint(KES_P_FCNTL_ARG), uint64_t{FD_CLOEXEC});
    EXPECT_EQ(evs[2].param_int64(KES_P_FCNTL_RES), -EBADF);
    EXPECT_EQ(evs[2].param_int64(KES_P_FCNTL_FD), 9999);
    EXPECT_EQ(evs[2].param_uint(KES_P_FCNTL_CMD), uint64_t{KES_PPM_FCNTL_F_GETFL});
}

TEST_F(ProbeTest, MemfdCreateNameFromTheKernel) {
    auto run = run_child([&](Report& r) {
        r.v[0] = ::syscall(SYS_memfd_create, "kestrel-mem", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        r.v[1] = ::syscall(SYS_memfd_create, "bad", 0x1000); // EINVAL
        return 0;
    });
    ASSERT_GE(run.report.v[0], 0);
    auto evs = of_type(run, KES_EVT_MEMFD_CREATE);
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(evs[0].param_int64(KES_P_MEMFD_CREATE_FD), run.report.v[0]);
    EXPECT_EQ(evs[0].param_string(KES_P_MEMFD_CREATE_NAME), "kestrel-mem");
    EXPECT_EQ(evs[0].param_uint(KES_P_MEMFD_CREATE_FLAGS),
              uint64_t{KES_PPM_MFD_CLOEXEC | KES_PPM_MFD_ALLOW_SEALING});
    EXPECT_EQ(evs[1].param_int64(KES_P_MEMFD_CREATE_FD), -EINVAL);
    EXPECT_EQ(evs[1].param_string(KES_P_MEMFD_CREATE_NAME), "bad");
}

TEST_F(ProbeTest, CloseRangeFlags) {
    auto run = run_child([&](Report& r) {
        r.v[0] = ::syscall(SYS_close_range, 100u, 200u, CLOSE_RANGE_CLOEXEC);
        r.v[1] = ::syscall(SYS_close_range, 300u, 400u, 0u);
        r.v[2] = ::syscall(SYS_close_range, 10u, 5u, 0u); // first > last: EINVAL
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    auto evs = of_type(run, KES_EVT_CLOSE_RANGE);
    ASSERT_EQ(evs.size(), 3u);
    EXPECT_EQ(evs[0].param_int64(KES_P_CLOSE_RANGE_RES), 0);
    EXPECT_EQ(evs[0].param_uint(KES_P_CLOSE_RANGE_FIRST), 100u);
    EXPECT_EQ(evs[0].param_uint(KES_P_CLOSE_RANGE_LAST), 200u);
    EXPECT_EQ(evs[0].param_uint(KES_P_CLOSE_RANGE_FLAGS), uint64_t{KES_PPM_CLOSE_RANGE_CLOEXEC});
    EXPECT_EQ(evs[1].param_uint(KES_P_CLOSE_RANGE_FLAGS), 0u);
    EXPECT_EQ(evs[1].param_uint(KES_P_CLOSE_RANGE_FIRST), 300u);
    EXPECT_EQ(evs[2].param_int64(KES_P_CLOSE_RANGE_RES), -EINVAL);
}

TEST_F(ProbeTest, PipeAndPipe2) {
    auto run = run_child([&](Report& r) {
        int p[2];
        r.v[0] = ::syscall(SYS_pipe, p);
        r.v[1] = p[0];
        r.v[2] = p[1];
        struct stat st = {};
        ::fstat(p[0], &st);
        r.v[3] = static_cast<int64_t>(st.st_ino);
        int q[2];
        r.v[4] = ::syscall(SYS_pipe2, q, O_CLOEXEC | O_NONBLOCK);
        r.v[5] = q[0];
        r.v[6] = q[1];
        r.v[7] = ::syscall(SYS_pipe2, q, 0x7fff0000); // EINVAL
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[4], 0);
    auto pipe = of_type(run, KES_EVT_PIPE);
    ASSERT_EQ(pipe.size(), 1u);
    EXPECT_EQ(pipe[0].param_int64(KES_P_PIPE_RES), 0);
    EXPECT_EQ(pipe[0].param_int64(KES_P_PIPE_FD1), run.report.v[1]);
    EXPECT_EQ(pipe[0].param_int64(KES_P_PIPE_FD2), run.report.v[2]);
    EXPECT_EQ(pipe[0].param_uint(KES_P_PIPE_INO), static_cast<uint64_t>(run.report.v[3]));
    auto pipe2 = of_type(run, KES_EVT_PIPE2);
    ASSERT_EQ(pipe2.size(), 2u);
    EXPECT_EQ(pipe2[0].param_int64(KES_P_PIPE2_RES), 0);
    EXPECT_EQ(pipe2[0].param_int64(KES_P_PIPE2_FD1), run.report.v[5]);
    EXPECT_EQ(pipe2[0].param_int64(KES_P_PIPE2_FD2), run.report.v[6]);
    EXPECT_NE(pipe2[0].param_uint(KES_P_PIPE2_INO), 0u);
    EXPECT_EQ(pipe2[0].param_uint(KES_P_PIPE2_FLAGS), uint64_t{KES_O_CLOEXEC | KES_O_NONBLOCK});
    EXPECT_EQ(pipe2[1].param_int64(KES_P_PIPE2_RES), -EINVAL);
    EXPECT_EQ(pipe2[1].param_uint(KES_P_PIPE2_INO), 0u);
}

TEST_F(ProbeTest, EventfdAndEventfd2) {
    auto run = run_child([&](Report& r) {
        r.v[0] = ::syscall(SYS_eventfd, 7u);
        r.v[1] = ::syscall(SYS_eventfd2, 9u, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
        r.v[2] = ::syscall(SYS_eventfd2, 1u, 0x40000000); // EINVAL
        return 0;
    });
    ASSERT_GE(run.report.v[0], 0);
    auto e1 = of_type(run, KES_EVT_EVENTFD);
    ASSERT_EQ(e1.size(), 1u);
    EXPECT_EQ(e1[0].param_int64(KES_P_EVENTFD_RES), run.report.v[0]);
    EXPECT_EQ(e1[0].param_uint(KES_P_EVENTFD_INITVAL), 7u);
    EXPECT_EQ(e1[0].param_uint(KES_P_EVENTFD_FLAGS), 0u);
    auto e2 = of_type(run, KES_EVT_EVENTFD2);
    ASSERT_EQ(e2.size(), 2u);
    EXPECT_EQ(e2[0].param_int64(KES_P_EVENTFD2_RES), run.report.v[1]);
    EXPECT_EQ(e2[0].param_uint(KES_P_EVENTFD2_FLAGS), uint64_t{KES_O_CLOEXEC | KES_O_NONBLOCK});
    EXPECT_EQ(e2[0].param_uint(KES_P_EVENTFD2_INITVAL), 9u);
    EXPECT_EQ(e2[1].param_int64(KES_P_EVENTFD2_RES), -EINVAL);
}

TEST_F(ProbeTest, SignalfdAndSignalfd4) {
    auto run = run_child([&](Report& r) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        sigaddset(&set, SIGTERM);
        // The kernel's sigset size (8 bytes), not glibc's sigset_t size.
        r.v[0] = ::syscall(SYS_signalfd, -1, &set, 8);
        r.v[1] = ::syscall(SYS_signalfd4, -1, &set, 8, SFD_CLOEXEC);
        r.v[2] = ::syscall(SYS_signalfd4, -1, &set, 8, 0x1); // EINVAL
        return 0;
    });
    ASSERT_GE(run.report.v[0], 0);
    ASSERT_GE(run.report.v[1], 0);
    const uint64_t mask = (1u << (SIGUSR1 - 1)) | (1u << (SIGTERM - 1));
    auto s1 = of_type(run, KES_EVT_SIGNALFD);
    ASSERT_EQ(s1.size(), 1u);
    EXPECT_EQ(s1[0].param_int64(KES_P_SIGNALFD_RES), run.report.v[0]);
    EXPECT_EQ(s1[0].param_int64(KES_P_SIGNALFD_FD), -1);
    EXPECT_EQ(s1[0].param_uint(KES_P_SIGNALFD_MASK), mask);
    EXPECT_EQ(s1[0].param_uint(KES_P_SIGNALFD_FLAGS), 0u);
    auto s4 = of_type(run, KES_EVT_SIGNALFD4);
    ASSERT_EQ(s4.size(), 2u);
    EXPECT_EQ(s4[0].param_int64(KES_P_SIGNALFD4_RES), run.report.v[1]);
    EXPECT_EQ(s4[0].param_uint(KES_P_SIGNALFD4_FLAGS), uint64_t{KES_O_CLOEXEC});
    EXPECT_EQ(s4[0].param_int64(KES_P_SIGNALFD4_FD), -1);
    EXPECT_EQ(s4[0].param_uint(KES_P_SIGNALFD4_MASK), mask);
    EXPECT_EQ(s4[1].param_int64(KES_P_SIGNALFD4_RES), -EINVAL);
}

TEST_F(ProbeTest, TimerfdCreate) {
    auto run = run_child([&](Report& r) {
        r.v[0] = ::syscall(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_CLOEXEC);
        r.v[1] = ::syscall(SYS_timerfd_create, 12345, 0); // EINVAL
        return 0;
    });
    ASSERT_GE(run.report.v[0], 0);
    auto evs = of_type(run, KES_EVT_TIMERFD_CREATE);
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(evs[0].param_int64(KES_P_TIMERFD_CREATE_RES), run.report.v[0]);
    EXPECT_EQ(evs[0].param_uint(KES_P_TIMERFD_CREATE_CLOCKID), uint64_t{CLOCK_MONOTONIC});
    EXPECT_EQ(evs[0].param_uint(KES_P_TIMERFD_CREATE_FLAGS), 0u);
    EXPECT_EQ(evs[1].param_int64(KES_P_TIMERFD_CREATE_RES), -EINVAL);
}

TEST_F(ProbeTest, InotifyInitAndInit1) {
    auto run = run_child([&](Report& r) {
        r.v[0] = ::syscall(SYS_inotify_init);
        r.v[1] = ::syscall(SYS_inotify_init1, IN_CLOEXEC | IN_NONBLOCK);
        r.v[2] = ::syscall(SYS_inotify_init1, 0x1); // EINVAL
        return 0;
    });
    ASSERT_GE(run.report.v[0], 0);
    auto i0 = of_type(run, KES_EVT_INOTIFY_INIT);
    ASSERT_EQ(i0.size(), 1u);
    EXPECT_EQ(i0[0].param_int64(KES_P_INOTIFY_INIT_RES), run.report.v[0]);
    EXPECT_EQ(i0[0].param_uint(KES_P_INOTIFY_INIT_FLAGS), 0u);
    auto i1 = of_type(run, KES_EVT_INOTIFY_INIT1);
    ASSERT_EQ(i1.size(), 2u);
    EXPECT_EQ(i1[0].param_int64(KES_P_INOTIFY_INIT1_RES), run.report.v[1]);
    EXPECT_EQ(i1[0].param_uint(KES_P_INOTIFY_INIT1_FLAGS),
              uint64_t{KES_O_CLOEXEC | KES_O_NONBLOCK});
    EXPECT_EQ(i1[1].param_int64(KES_P_INOTIFY_INIT1_RES), -EINVAL);
}

} // namespace
} // namespace kestrel::capture
