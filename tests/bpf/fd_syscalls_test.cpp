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

} // namespace
} // namespace kestrel::capture
