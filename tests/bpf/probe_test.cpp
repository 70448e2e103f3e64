// The probe emits the right event with the right parameters for each syscall, on the real kernel.
//
// The probe runs in this process, which is therefore "Kestrel" and excluded in the kernel: every
// workload runs in a forked child, which reports what it saw (fds, ports, inode numbers) through
// a pipe. Events are collected until the child's procexit arrives.

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "probe_fixture.hpp"

namespace kestrel::capture {
namespace {

TEST_F(ProbeTest, ProgramsLoadedAndVerified) {
    auto stats = probe_->program_stats();
    ASSERT_TRUE(stats.ok()) << stats.error().to_string();
    // The dispatcher, procexit, and one tail-called program per emitted syscall event.
    ASSERT_GT(stats->size(), 2u);
    for (const auto& p : *stats) {
        EXPECT_GT(p.verified_insns, 0u) << p.name;
        RecordProperty(p.name + "_verified_insns", static_cast<int>(p.verified_insns));
        std::printf("verifier: %-28s %8u instructions processed\n", p.name.c_str(),
                    p.verified_insns);
    }
    EXPECT_EQ(probe_->ring_fds().size(), probe_->possible_cpus());
    EXPECT_TRUE(probe_->emits(KES_EVT_OPENAT));
    EXPECT_TRUE(probe_->enabled(KES_EVT_OPENAT));
    EXPECT_TRUE(probe_->emits(KES_EVT_PROCEXIT));
    EXPECT_FALSE(probe_->emits(KES_EVT_UNKNOWN));
}

TEST_F(ProbeTest, OpenatSuccessResolvedPathFlagsDevIno) {
    std::string dir = temp_dir();
    std::string path = dir + "/created.txt";
    auto run = run_child([&](Report& r) {
        int fd = ::openat(AT_FDCWD, path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        struct stat st = {};
        ::fstat(fd, &st);
        r.v[0] = fd;
        r.v[1] = falco_dev(st.st_dev);
        r.v[2] = static_cast<int64_t>(st.st_ino);
        // Relative to a directory fd, reopening the existing file: not created this time.
        int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        int fd2 = ::openat(dfd, "created.txt", O_RDONLY);
        r.v[3] = dfd;
        r.v[4] = fd2;
        return 0;
    });
    auto opens = of_type(run, KES_EVT_OPENAT);
    const event::View* e = nullptr;
    for (const auto& v : opens) {
        if (v.param_int64(KES_P_OPENAT_FD) == run.report.v[0]) {
            e = &v;
        }
    }
    ASSERT_NE(e, nullptr) << "no openat event with fd " << run.report.v[0];
    EXPECT_GE(run.report.v[0], 0);
    EXPECT_EQ(e->param_string(KES_P_OPENAT_NAME), path);
    EXPECT_EQ(e->param_int64(KES_P_OPENAT_DIRFD), AT_FDCWD);
    EXPECT_EQ(e->param_uint(KES_P_OPENAT_FLAGS),
              static_cast<uint64_t>(KES_O_WRONLY | KES_O_CREAT | KES_O_TRUNC | KES_O_CLOEXEC |
                                    KES_O_F_CREATED));
    EXPECT_EQ(e->param_uint(KES_P_OPENAT_MODE), 0640u);
    EXPECT_EQ(e->param_uint(KES_P_OPENAT_DEV), static_cast<uint64_t>(run.report.v[1]));
    EXPECT_EQ(e->param_uint(KES_P_OPENAT_INO), static_cast<uint64_t>(run.report.v[2]));
    EXPECT_EQ(e->tid(), static_cast<uint32_t>(run.pid));
    EXPECT_FALSE(e->truncated());

    const event::View* rel = nullptr;
    for (const auto& v : opens) {
        if (v.param_int64(KES_P_OPENAT_FD) == run.report.v[4]) {
            rel = &v;
        }
    }
    ASSERT_NE(rel, nullptr);
    // Deliberately the kernel-resolved absolute path, not the relative name the user gave.
    EXPECT_EQ(rel->param_string(KES_P_OPENAT_NAME), path);
    EXPECT_EQ(rel->param_int64(KES_P_OPENAT_DIRFD), run.report.v[3]);
    EXPECT_EQ(rel->param_uint(KES_P_OPENAT_FLAGS), static_cast<uint64_t>(KES_O_RDONLY));
    EXPECT_EQ(rel->param_uint(KES_P_OPENAT_MODE), 0u);
    EXPECT_EQ(rel->param_uint(KES_P_OPENAT_INO), static_cast<uint64_t>(run.report.v[2]));
    ::unlink(path.c_str());
    ::rmdir(dir.c_str());
}

TEST_F(ProbeTest, OpenatFailureReportsErrnoAndUserPath) {
    const std::string missing = "/nonexistent-kestrel/does/not/exist";
    auto run = run_child([&](Report& r) {
        r.v[0] = ::openat(AT_FDCWD, missing.c_str(), O_RDONLY);
        r.v[1] = errno;
        return 0;
    });
    EXPECT_EQ(run.report.v[0], -1);
    auto opens = of_type(run, KES_EVT_OPENAT);
    const event::View* e = find_name(opens, KES_P_OPENAT_NAME, missing);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->param_int64(KES_P_OPENAT_FD), -ENOENT);
    EXPECT_EQ(e->param_uint(KES_P_OPENAT_FLAGS), static_cast<uint64_t>(KES_O_RDONLY));
    EXPECT_FALSE(e->has_param(KES_P_OPENAT_DEV));
    EXPECT_FALSE(e->has_param(KES_P_OPENAT_INO));
}

TEST_F(ProbeTest, OpenCrossesMountPoints) {
    auto run = run_child([&](Report& r) {
        r.v[0] = ::syscall(SYS_open, "/dev/null", O_RDWR);
        struct stat st = {};
        ::fstat(static_cast<int>(r.v[0]), &st);
        r.v[1] = static_cast<int64_t>(st.st_ino);
        return 0;
    });
    ASSERT_GE(run.report.v[0], 0);
    auto opens = of_type(run, KES_EVT_OPEN);
    const event::View* e = nullptr;
    for (const auto& v : opens) {
        if (v.param_int64(KES_P_OPEN_FD) == run.report.v[0]) {
            e = &v;
        }
    }
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->param_string(KES_P_OPEN_NAME), "/dev/null"); // not "/null"
    EXPECT_EQ(e->param_uint(KES_P_OPEN_FLAGS), static_cast<uint64_t>(KES_O_RDWR));
    EXPECT_EQ(e->param_uint(KES_P_OPEN_INO), static_cast<uint64_t>(run.report.v[1]));
}

TEST_F(ProbeTest, Openat2ReportsResolveFlags) {
    std::string dir = temp_dir();
    auto run = run_child([&](Report& r) {
        struct open_how how = {};
        how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
        how.resolve = RESOLVE_NO_SYMLINKS;
        r.v[0] = ::syscall(SYS_openat2, AT_FDCWD, dir.c_str(), &how, sizeof(how));
        r.v[1] = errno;
        return 0;
    });
    ASSERT_GE(run.report.v[0], 0) << std::strerror(static_cast<int>(run.report.v[1]));
    auto opens = of_type(run, KES_EVT_OPENAT2);
    const event::View* e = find_name(opens, KES_P_OPENAT2_NAME, dir);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->param_int64(KES_P_OPENAT2_FD), run.report.v[0]);
    EXPECT_EQ(e->param_int64(KES_P_OPENAT2_DIRFD), AT_FDCWD);
    EXPECT_EQ(e->param_uint(KES_P_OPENAT2_FLAGS),
              static_cast<uint64_t>(KES_O_RDONLY | KES_O_DIRECTORY | KES_O_CLOEXEC));
    EXPECT_EQ(e->param_uint(KES_P_OPENAT2_RESOLVE), static_cast<uint64_t>(KES_RESOLVE_NO_SYMLINKS));
    ::rmdir(dir.c_str());
}

TEST_F(ProbeTest, ExecveSuccess) {
    std::string dir = temp_dir();
    auto run = run_child([&](Report&) {
        if (::chdir(dir.c_str()) != 0) {
            return 90;
        }
        char* const argv[] = {const_cast<char*>("true"), const_cast<char*>("alpha"),
                              const_cast<char*>("beta gamma"), nullptr};
        char* const envp[] = {const_cast<char*>("KESTREL_TEST=1"), const_cast<char*>("FOO=bar"),
                              nullptr};
        ::execve("/bin/true", argv, envp);
        return 91;
    });
    ASSERT_TRUE(WIFEXITED(run.status));
    ASSERT_EQ(WEXITSTATUS(run.status), 0);
    auto execs = of_type(run, KES_EVT_EXECVE);
    ASSERT_EQ(execs.size(), 1u);
    const auto& e = execs[0];
    EXPECT_EQ(e.param_int64(KES_P_EXECVE_RES), 0);
    EXPECT_EQ(e.param_string(KES_P_EXECVE_EXE), "true");
    EXPECT_EQ(bytes_of(e.param(KES_P_EXECVE_ARGS)), std::string("alpha\0beta gamma\0", 17));
    EXPECT_EQ(bytes_of(e.param(KES_P_EXECVE_ENV)), std::string("KESTREL_TEST=1\0FOO=bar\0", 23));
    EXPECT_EQ(e.param_int64(KES_P_EXECVE_TID), run.pid);
    EXPECT_EQ(e.param_int64(KES_P_EXECVE_PID), run.pid);
    EXPECT_EQ(e.param_int64(KES_P_EXECVE_PTID), ::getpid());
    EXPECT_EQ(e.param_string(KES_P_EXECVE_CWD), dir);
    EXPECT_EQ(e.param_string(KES_P_EXECVE_FILENAME), "/bin/true");
    char exe_real[PATH_MAX];
    ASSERT_NE(::realpath("/bin/true", exe_real), nullptr);
    EXPECT_EQ(e.param_string(KES_P_EXECVE_TRUSTED_EXEPATH), exe_real);
    EXPECT_EQ(e.param_string(KES_P_EXECVE_COMM), "true");
    EXPECT_EQ(bytes_of(e.param(KES_P_EXECVE_CGROUPS)), expected_cgroups());
    EXPECT_EQ(e.comm(), "true");
    EXPECT_EQ(e.param_uint(KES_P_EXECVE_UID), ::geteuid());
    EXPECT_EQ(e.param_uint(KES_P_EXECVE_GID), ::getegid());
    EXPECT_EQ(e.param_int64(KES_P_EXECVE_PGID), ::getpgrp()); // inherited from us
    struct stat st = {};
    ASSERT_EQ(::stat("/bin/true", &st), 0);
    EXPECT_EQ(e.param_uint(KES_P_EXECVE_EXE_INO), static_cast<uint64_t>(st.st_ino));
    EXPECT_EQ(e.param_uint(KES_P_EXECVE_EXE_INO_MTIME),
              static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
                  static_cast<uint64_t>(st.st_mtim.tv_nsec));
    EXPECT_EQ(e.param_uint(KES_P_EXECVE_EXE_INO_CTIME),
              static_cast<uint64_t>(st.st_ctim.tv_sec) * 1000000000ull +
                  static_cast<uint64_t>(st.st_ctim.tv_nsec));
    EXPECT_GT(e.param_uint(KES_P_EXECVE_FDLIMIT), 0u);
    EXPECT_GT(e.param_uint(KES_P_EXECVE_VM_SIZE), 0u);
    EXPECT_NE(e.param_uint(KES_P_EXECVE_CAP_EFFECTIVE), 0u); // root
    // Root may write any file of a writable file system; not a memfd.
    EXPECT_EQ(e.param_uint(KES_P_EXECVE_FLAGS) & KES_EXE_FROM_MEMFD, 0u);
    EXPECT_FALSE(e.truncated());

    auto exits = of_type(run, KES_EVT_PROCEXIT);
    ASSERT_EQ(exits.size(), 1u);
    EXPECT_EQ(exits[0].param_int64(KES_P_PROCEXIT_STATUS), 0);
    EXPECT_EQ(exits[0].comm(), "true");
    ::rmdir(dir.c_str());
}

TEST_F(ProbeTest, ExecFromMemfd) {
    // fexecve(memfd) is execveat(fd, "", argv, envp, AT_EMPTY_PATH). A successful exec of a
    // 64-bit image rewrites orig_ax to __NR_execve (set_personality_64bit), so it is reported
    // as execve, as Falco's drivers do; the kernel's filename is "/dev/fd/<fd>".
    auto run = run_child([&](Report&) {
        int src = ::open("/bin/true", O_RDONLY | O_CLOEXEC);
        int mfd = static_cast<int>(::syscall(SYS_memfd_create, "kestrel-true", 0));
        char buf[65536];
        ssize_t n;
        while ((n = ::read(src, buf, sizeof(buf))) > 0) {
            if (::write(mfd, buf, static_cast<size_t>(n)) != n) {
                return 92;
            }
        }
        char* const argv[] = {const_cast<char*>("memtrue"), const_cast<char*>("x"), nullptr};
        char* const envp[] = {nullptr};
        if (mfd != 5) {
            ::dup2(mfd, 5);
        }
        ::syscall(SYS_execveat, 5, "", argv, envp, AT_EMPTY_PATH);
        return 93;
    });
    ASSERT_TRUE(WIFEXITED(run.status));
    ASSERT_EQ(WEXITSTATUS(run.status), 0);
    auto execs = of_type(run, KES_EVT_EXECVE);
    ASSERT_EQ(execs.size(), 1u);
    const auto& e = execs[0];
    EXPECT_EQ(e.param_int64(KES_P_EXECVE_RES), 0);
    EXPECT_EQ(e.param_string(KES_P_EXECVE_EXE), "memtrue");
    EXPECT_EQ(bytes_of(e.param(KES_P_EXECVE_ARGS)), std::string("x\0", 2));
    EXPECT_NE(e.param_uint(KES_P_EXECVE_FLAGS) & KES_EXE_FROM_MEMFD, 0u);
    EXPECT_EQ(e.param_string(KES_P_EXECVE_TRUSTED_EXEPATH), "memfd:kestrel-true");
    EXPECT_EQ(e.param_string(KES_P_EXECVE_FILENAME), "/dev/fd/5");
    EXPECT_EQ(e.param_int64(KES_P_EXECVE_PTID), ::getpid());
}

TEST_F(ProbeTest, ExecveOfAScript) {
    // binfmt_script rewrites argv to (interpreter, script, args...); the filename the kernel
    // copied first is still the script's path.
    std::string dir = temp_dir();
    std::string script = dir + "/kestrel-script.sh";
    {
        std::FILE* f = std::fopen(script.c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fputs("#!/bin/sh\nexit 3\n", f);
        std::fclose(f);
        ::chmod(script.c_str(), 0755);
    }
    auto run = run_child([&](Report&) {
        char* const argv[] = {const_cast<char*>("myscript"), const_cast<char*>("arg1"), nullptr};
        char* const envp[] = {nullptr};
        ::execve(script.c_str(), argv, envp);
        return 94;
    });
    ASSERT_TRUE(WIFEXITED(run.status));
    EXPECT_EQ(WEXITSTATUS(run.status), 3);
    auto execs = of_type(run, KES_EVT_EXECVE);
    ASSERT_EQ(execs.size(), 1u);
    const auto& e = execs[0];
    EXPECT_EQ(e.param_int64(KES_P_EXECVE_RES), 0);
    EXPECT_EQ(e.param_string(KES_P_EXECVE_FILENAME), script);
    EXPECT_EQ(e.param_string(KES_P_EXECVE_EXE), "/bin/sh");
    EXPECT_EQ(bytes_of(e.param(KES_P_EXECVE_ARGS)),
              script + std::string(1, '\0') + "arg1" + std::string(1, '\0'));
    char sh_real[PATH_MAX];
    ASSERT_NE(::realpath("/bin/sh", sh_real), nullptr);
    EXPECT_EQ(e.param_string(KES_P_EXECVE_TRUSTED_EXEPATH), sh_real);
    auto exits = of_type(run, KES_EVT_PROCEXIT);
    ASSERT_EQ(exits.size(), 1u);
    EXPECT_EQ(exits[0].param_int64(KES_P_PROCEXIT_RET), 3);
    ::unlink(script.c_str());
    ::rmdir(dir.c_str());
}

TEST_F(ProbeTest, ExecveatFailure) {
    // A failed execveat keeps its syscall number: reported as execveat, without `filename`.
    auto run = run_child([&](Report& r) {
        char* const argv[] = {const_cast<char*>("program"), nullptr};
        char* const envp[] = {nullptr};
        r.v[0] = ::syscall(SYS_execveat, AT_FDCWD, "/nonexistent-kestrel/program", argv, envp, 0);
        r.v[1] = errno;
        return 0;
    });
    EXPECT_EQ(run.report.v[1], ENOENT);
    auto execs = of_type(run, KES_EVT_EXECVEAT);
    ASSERT_EQ(execs.size(), 1u);
    EXPECT_EQ(execs[0].param_count(), static_cast<size_t>(KES_EXECVEAT_NPARAMS));
    EXPECT_EQ(execs[0].param_int64(KES_P_EXECVEAT_RES), -ENOENT);
    EXPECT_EQ(execs[0].param_int64(KES_P_EXECVEAT_PID), run.pid);
    EXPECT_EQ(execs[0].param_int64(KES_P_EXECVEAT_PTID), ::getpid());
}

TEST_F(ProbeTest, ExecveFailure) {
    const std::string missing = "/nonexistent-kestrel/program";
    auto run = run_child([&](Report& r) {
        char* const argv[] = {const_cast<char*>("program"), nullptr};
        char* const envp[] = {nullptr};
        r.v[0] = ::execve(missing.c_str(), argv, envp);
        r.v[1] = errno;
        return 0;
    });
    EXPECT_EQ(run.report.v[1], ENOENT);
    auto execs = of_type(run, KES_EVT_EXECVE);
    ASSERT_EQ(execs.size(), 1u);
    EXPECT_EQ(execs[0].param_int64(KES_P_EXECVE_RES), -ENOENT);
    EXPECT_EQ(execs[0].param_string(KES_P_EXECVE_FILENAME), missing);
    EXPECT_EQ(execs[0].param_int64(KES_P_EXECVE_PID), run.pid);
}

class Listener {
  public:
    Listener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in a = {};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
        EXPECT_EQ(::listen(fd_, 8), 0);
        socklen_t len = sizeof(a);
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }
    ~Listener() { ::close(fd_); }
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    [[nodiscard]] uint16_t port() const { return port_; }

  private:
    int fd_ = -1;
    uint16_t port_ = 0;
};

int connect_loopback(uint16_t port, Report& r) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    r.v[0] = fd;
    r.v[1] = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    r.v[2] = errno;
    struct sockaddr_in local = {};
    socklen_t len = sizeof(local);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    r.v[3] = ntohs(local.sin_port);
    return 0;
}

std::string inet_tuple(uint16_t sport, uint16_t dport) {
    std::string t(13, '\0');
    uint32_t lo = htonl(INADDR_LOOPBACK);
    t[0] = AF_INET;
    std::memcpy(&t[1], &lo, 4);
    std::memcpy(&t[5], &sport, 2);
    std::memcpy(&t[7], &lo, 4);
    std::memcpy(&t[11], &dport, 2);
    return t;
}

std::string inet_addr_param(uint16_t port) {
    std::string t(7, '\0');
    uint32_t lo = htonl(INADDR_LOOPBACK);
    t[0] = AF_INET;
    std::memcpy(&t[1], &lo, 4);
    std::memcpy(&t[5], &port, 2);
    return t;
}

TEST_F(ProbeTest, ConnectLoopback) {
    Listener listener;
    auto run = run_child([&](Report& r) { return connect_loopback(listener.port(), r); });
    ASSERT_EQ(run.report.v[1], 0) << std::strerror(static_cast<int>(run.report.v[2]));
    auto conns = of_type(run, KES_EVT_CONNECT);
    ASSERT_EQ(conns.size(), 1u);
    const auto& e = conns[0];
    EXPECT_EQ(e.param_int64(KES_P_CONNECT_RES), 0);
    EXPECT_EQ(e.param_int64(KES_P_CONNECT_FD), run.report.v[0]);
    EXPECT_EQ(bytes_of(e.param(KES_P_CONNECT_TUPLE)),
              inet_tuple(static_cast<uint16_t>(run.report.v[3]), listener.port()));
    EXPECT_EQ(bytes_of(e.param(KES_P_CONNECT_ADDR)), inet_addr_param(listener.port()));
}

TEST_F(ProbeTest, ConnectRefused) {
    uint16_t closed_port = 0;
    {
        // A loopback port nobody listens on: bound (so it is ours), never listened on.
        Listener probe_port; // gives a free port number...
        closed_port = probe_port.port();
    } // ...closed here: connecting to it is refused.
    auto run = run_child([&](Report& r) { return connect_loopback(closed_port, r); });
    ASSERT_EQ(run.report.v[1], -1);
    ASSERT_EQ(run.report.v[2], ECONNREFUSED);
    auto conns = of_type(run, KES_EVT_CONNECT);
    ASSERT_EQ(conns.size(), 1u);
    const auto& e = conns[0];
    EXPECT_EQ(e.param_int64(KES_P_CONNECT_RES), -ECONNREFUSED);
    EXPECT_EQ(e.param_int64(KES_P_CONNECT_FD), run.report.v[0]);
    EXPECT_FALSE(e.has_param(KES_P_CONNECT_TUPLE));
    EXPECT_EQ(bytes_of(e.param(KES_P_CONNECT_ADDR)), inet_addr_param(closed_port));
}

TEST_F(ProbeTest, ConnectLoopbackIpv6) {
    int lfd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in6 a = {};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0) << std::strerror(errno);
    ASSERT_EQ(::listen(lfd, 4), 0);
    socklen_t alen = sizeof(a);
    ::getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &alen);
    uint16_t port = ntohs(a.sin6_port);
    auto run = run_child([&](Report& r) {
        int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
        r.v[0] = fd;
        r.v[1] = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof(a));
        struct sockaddr_in6 local = {};
        socklen_t len = sizeof(local);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
        r.v[2] = ntohs(local.sin6_port);
        return 0;
    });
    ::close(lfd);
    ASSERT_EQ(run.report.v[1], 0);
    auto conns = of_type(run, KES_EVT_CONNECT);
    ASSERT_EQ(conns.size(), 1u);
    const auto& e = conns[0];
    std::string lo(reinterpret_cast<const char*>(&in6addr_loopback), 16);
    auto sport = static_cast<uint16_t>(run.report.v[2]);
    std::string tuple = std::string(1, AF_INET6) + lo +
                        std::string(reinterpret_cast<const char*>(&sport), 2) + lo +
                        std::string(reinterpret_cast<const char*>(&port), 2);
    EXPECT_EQ(bytes_of(e.param(KES_P_CONNECT_TUPLE)), tuple);
    EXPECT_EQ(bytes_of(e.param(KES_P_CONNECT_ADDR)),
              std::string(1, AF_INET6) + lo + std::string(reinterpret_cast<const char*>(&port), 2));
}

TEST_F(ProbeTest, ConnectUnix) {
    std::string dir = temp_dir();
    std::string path = dir + "/kestrel.sock";
    int lfd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = {};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", path.c_str());
    ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    ASSERT_EQ(::listen(lfd, 4), 0);
    auto run = run_child([&](Report& r) {
        int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        r.v[0] = fd;
        r.v[1] = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof(a));
        return 0;
    });
    ::close(lfd);
    ASSERT_EQ(run.report.v[1], 0);
    auto conns = of_type(run, KES_EVT_CONNECT);
    ASSERT_EQ(conns.size(), 1u);
    const auto& e = conns[0];
    EXPECT_EQ(e.param_int64(KES_P_CONNECT_RES), 0);
    std::string tuple = bytes_of(e.param(KES_P_CONNECT_TUPLE));
    ASSERT_EQ(tuple.size(), 17 + path.size() + 1);
    EXPECT_EQ(tuple[0], AF_UNIX);
    uint64_t peer = 0;
    uint64_t self = 0;
    std::memcpy(&peer, &tuple[1], 8);
    std::memcpy(&self, &tuple[9], 8);
    EXPECT_NE(peer, 0u);
    EXPECT_NE(self, 0u);
    EXPECT_NE(peer, self);
    EXPECT_EQ(tuple.substr(17), path + std::string(1, '\0'));
    EXPECT_EQ(bytes_of(e.param(KES_P_CONNECT_ADDR)),
              std::string(1, AF_UNIX) + path + std::string(1, '\0'));
    ::unlink(path.c_str());
    ::rmdir(dir.c_str());
}

TEST_F(ProbeTest, ProcexitStatusAndSignal) {
    auto run = run_child([](Report&) { return 7; });
    auto exits = of_type(run, KES_EVT_PROCEXIT);
    ASSERT_EQ(exits.size(), 1u);
    EXPECT_EQ(exits[0].param_int64(KES_P_PROCEXIT_STATUS), 7 << 8);
    EXPECT_EQ(exits[0].param_int64(KES_P_PROCEXIT_RET), 7);
    EXPECT_EQ(exits[0].param_uint(KES_P_PROCEXIT_SIG), 0u);
    EXPECT_EQ(exits[0].param_uint(KES_P_PROCEXIT_CORE), 0u);
    EXPECT_EQ(exits[0].tid(), static_cast<uint32_t>(run.pid));

    auto killed = run_child([](Report& r) {
        (void)!::write(STDERR_FILENO, "", 0);
        (void)r;
        ::raise(SIGKILL);
        return 0;
    });
    auto kexits = of_type(killed, KES_EVT_PROCEXIT);
    ASSERT_EQ(kexits.size(), 1u);
    EXPECT_EQ(kexits[0].param_uint(KES_P_PROCEXIT_SIG), static_cast<uint64_t>(SIGKILL));
    EXPECT_EQ(kexits[0].param_int64(KES_P_PROCEXIT_STATUS), SIGKILL);
}

TEST_F(ProbeTest, ProcexitReaperIsTheSubreaper) {
    // A (child-subreaper) -> B -> C: when B exits, C is reparented to A, so B's procexit names
    // A as the reaper. A process without children has no reaper (0).
    auto run = run_child([](Report& r) {
        ::prctl(PR_SET_CHILD_SUBREAPER, 1);
        int hold[2];
        if (::pipe(hold) != 0) {
            return 95;
        }
        pid_t b = ::fork();
        if (b == 0) {
            pid_t c = ::fork();
            if (c == 0) {
                ::close(hold[1]);
                char x;
                (void)!::read(hold[0], &x, 1); // until A lets go
                ::_exit(0);
            }
            ::_exit(0); // B leaves C behind
        }
        ::close(hold[0]);
        int status = 0;
        ::waitpid(b, &status, 0);
        r.v[0] = b;
        ::close(hold[1]); // C's read returns: C exits
        pid_t c = ::wait(&status);
        r.v[1] = c;
        return 0;
    });
    ASSERT_GT(run.report.v[0], 0);
    ASSERT_GT(run.report.v[1], 0);
    const event::View* b_exit = nullptr;
    const event::View* c_exit = nullptr;
    std::vector<event::View> views;
    views.reserve(run.exits.size());
    for (const auto& rec : run.exits) {
        auto v = event::decode(rec, nullptr);
        ASSERT_TRUE(v.ok());
        views.push_back(*v);
    }
    for (const auto& v : views) {
        if (v.tid() == static_cast<uint32_t>(run.report.v[0])) {
            b_exit = &v;
        }
        if (v.tid() == static_cast<uint32_t>(run.report.v[1])) {
            c_exit = &v;
        }
    }
    ASSERT_NE(b_exit, nullptr);
    ASSERT_NE(c_exit, nullptr);
    EXPECT_EQ(b_exit->param_int64(KES_P_PROCEXIT_REAPER_TID), run.pid);
    EXPECT_EQ(c_exit->param_int64(KES_P_PROCEXIT_REAPER_TID), 0);
}

TEST_F(ProbeTest, MergedInTimestampOrderAcrossRings) {
    long ncpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    ASSERT_GE(ncpus, 2) << "the merge needs two CPUs (two rings)";
    constexpr int kRounds = 40;
    auto run = run_child([&](Report&) {
        for (int i = 0; i < kRounds; ++i) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(i % 2, &set);
            ::sched_setaffinity(0, sizeof(set), &set);
            std::string name = "/nonexistent-kestrel/hop-" + std::to_string(i);
            ::openat(AT_FDCWD, name.c_str(), O_RDONLY);
        }
        return 0;
    });
    auto opens = of_type(run, KES_EVT_OPENAT);
    std::vector<int> order;
    bool cpu_seen[2] = {false, false};
    for (const auto& v : opens) {
        std::string_view name = v.param_string(KES_P_OPENAT_NAME);
        constexpr std::string_view kPrefix = "/nonexistent-kestrel/hop-";
        if (name.substr(0, kPrefix.size()) == kPrefix) {
            order.push_back(std::atoi(std::string(name.substr(kPrefix.size())).c_str()));
            if (v.cpu() < 2) {
                cpu_seen[v.cpu()] = true;
            }
        }
    }
    ASSERT_EQ(order.size(), static_cast<size_t>(kRounds));
    for (int i = 0; i < kRounds; ++i) {
        EXPECT_EQ(order[static_cast<size_t>(i)], i) << "delivered out of order";
    }
    EXPECT_TRUE(cpu_seen[0] && cpu_seen[1]) << "the child did not run on both CPUs";
    // The child's events, delivered across both rings, never go back in time.
    uint64_t prev = 0;
    for (const auto& rec : run.events) {
        auto v = event::decode(rec, nullptr);
        ASSERT_TRUE(v.ok());
        EXPECT_GE(v->ts_ns(), prev);
        prev = v->ts_ns();
    }
    // Host-wide: report (do not fail on) records from unrelated tasks that a concurrent writer
    // committed late (see ring_reader.hpp).
    size_t backwards = 0;
    for (size_t i = 1; i < run.all_ts.size(); ++i) {
        backwards += run.all_ts[i] < run.all_ts[i - 1] ? 1 : 0;
    }
    std::printf("[merge] %zu records delivered while collecting, %zu behind their predecessor\n",
                run.all_ts.size(), backwards);
}

TEST_F(ProbeTest, RingsWrapAroundInOrder) {
    // Several times the ring size goes through while the reader drains concurrently: records
    // that straddle the end of a ring and records consumed as the producer laps are exercised.
    auto before = probe_->counters();
    ASSERT_TRUE(before.ok());
    constexpr int kOpens = 40000;
    const std::string pad(200, 'w');
    auto run = run_child([&](Report&) {
        for (int i = 0; i < kOpens; ++i) {
            std::string name = "/nonexistent-kestrel/" + pad + "/" + std::to_string(i);
            ::openat(AT_FDCWD, name.c_str(), O_RDONLY);
        }
        return 0;
    });
    auto after = probe_->counters();
    ASSERT_TRUE(after.ok());
    uint64_t dropped = after->n_drops() - before->n_drops();
    const std::string prefix = "/nonexistent-kestrel/" + pad + "/";
    int last = -1;
    size_t received = 0;
    uint64_t bytes = 0;
    for (const auto& rec : run.events) {
        auto v = event::decode(rec, nullptr);
        ASSERT_TRUE(v.ok());
        bytes += rec.size();
        if (v->type() != KES_EVT_OPENAT) {
            continue;
        }
        std::string_view name = v->param_string(KES_P_OPENAT_NAME);
        if (name.substr(0, prefix.size()) != prefix) {
            continue;
        }
        int i = std::atoi(std::string(name.substr(prefix.size())).c_str());
        EXPECT_GT(i, last) << "out of order after " << last;
        last = i;
        ++received;
    }
    std::printf("[wrap] %zu of %d records received (%llu bytes, ring %zu bytes), %llu dropped\n",
                received, kOpens, static_cast<unsigned long long>(bytes), probe_->ring_size(),
                static_cast<unsigned long long>(dropped));
    EXPECT_GT(bytes, 2 * probe_->ring_size()) << "the rings did not wrap";
    // Every record is either delivered or counted as dropped.
    EXPECT_GE(received + dropped, static_cast<uint64_t>(kOpens));
    EXPECT_GT(received, static_cast<size_t>(kOpens / 2));
}

TEST_F(ProbeTest, OwnSyscallsExcluded) {
    std::string dir = temp_dir();
    std::string mine = dir + "/kestrel-self.txt";
    // Our own opens (this process is Kestrel) ...
    for (int i = 0; i < 5; ++i) {
        int fd = ::open(mine.c_str(), O_WRONLY | O_CREAT, 0600);
        ASSERT_GE(fd, 0);
        ::close(fd);
    }
    // ... and the same open by a child, as a positive control.
    auto run = run_child([&](Report& r) {
        r.v[0] = ::open(mine.c_str(), O_RDONLY);
        return 0;
    });
    EXPECT_EQ(run.self_records, 0u) << "records of the Kestrel process itself were emitted";
    auto opens = of_type(run, KES_EVT_OPENAT);
    EXPECT_NE(find_name(opens, KES_P_OPENAT_NAME, mine), nullptr);
    ::unlink(mine.c_str());
    ::rmdir(dir.c_str());
}

TEST_F(ProbeTest, EverySyscallCountedByNumber) {
    auto count_of = [](uint32_t nr) -> uint64_t {
        auto counts = probe_->syscall_counts();
        EXPECT_TRUE(counts.ok()) << counts.error().to_string();
        for (const auto& c : counts.ok() ? *counts : std::vector<SyscallCount>{}) {
            if (c.nr == nr) {
                EXPECT_EQ(c.name, "getppid");
                return c.count;
            }
        }
        return 0;
    };
    // getppid is uninteresting (no event): counted all the same, Kestrel's own calls included.
    uint64_t before = count_of(SYS_getppid);
    constexpr int kCalls = 1000;
    for (int i = 0; i < kCalls; ++i) {
        ::syscall(SYS_getppid);
    }
    EXPECT_GE(count_of(SYS_getppid) - before, static_cast<uint64_t>(kCalls));
    EXPECT_EQ(syscall_name(SYS_openat), "openat");
    EXPECT_EQ(syscall_name(100000), "");
}

} // namespace
} // namespace kestrel::capture
