// Credential, namespace and miscellaneous process syscalls on the real kernel: each performed by
// a forked child (root), success and failure, every parameter checked against what the child
// passed or what the kernel holds afterwards.

#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "../../bpf/proc_flags.h"
#include "probe_fixture.hpp"

namespace kestrel::capture {
namespace {

// The event of `type` whose res (parameter 0) is `res`.
const event::View* with_res(const std::vector<event::View>& v, int64_t res) {
    for (const auto& e : v) {
        if (e.param_int64(0) == res) {
            return &e;
        }
    }
    return nullptr;
}

TEST_F(ProbeTest, SetgidSetuidSuccessAndFailure) {
    auto run = run_child([](Report& r) {
        r.v[0] = ::syscall(SYS_setgid, 4321);
        r.v[1] = ::syscall(SYS_setuid, 1234);
        // Not root any more: going back fails.
        r.v[2] = ::syscall(SYS_setuid, 0) == -1 ? -errno : 0;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[1], 0);
    ASSERT_EQ(run.report.v[2], -EPERM);
    auto gids = of_type(run, KES_EVT_SETGID);
    ASSERT_EQ(gids.size(), 1u);
    EXPECT_EQ(gids[0].param_int64(KES_P_SETGID_RES), 0);
    EXPECT_EQ(gids[0].param_uint(KES_P_SETGID_GID), 4321u);
    auto uids = of_type(run, KES_EVT_SETUID);
    ASSERT_EQ(uids.size(), 2u);
    EXPECT_EQ(uids[0].param_int64(KES_P_SETUID_RES), 0);
    EXPECT_EQ(uids[0].param_uint(KES_P_SETUID_UID), 1234u);
    EXPECT_EQ(uids[1].param_int64(KES_P_SETUID_RES), -EPERM);
    EXPECT_EQ(uids[1].param_uint(KES_P_SETUID_UID), 0u);
}

TEST_F(ProbeTest, SetresuidUnchangedIdsAreMinusOne) {
    auto run = run_child([](Report& r) {
        r.v[0] = ::syscall(SYS_setresuid, -1, 1000, -1);
        r.v[1] = ::syscall(SYS_setresuid, 5, 5, 5) == -1 ? -errno : 0; // euid 1000: EPERM
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[1], -EPERM);
    auto v = of_type(run, KES_EVT_SETRESUID);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].param_int64(KES_P_SETRESUID_RES), 0);
    EXPECT_EQ(v[0].param_uint(KES_P_SETRESUID_RUID), 0xffffffffu);
    EXPECT_EQ(v[0].param_uint(KES_P_SETRESUID_EUID), 1000u);
    EXPECT_EQ(v[0].param_uint(KES_P_SETRESUID_SUID), 0xffffffffu);
    EXPECT_EQ(v[1].param_int64(KES_P_SETRESUID_RES), -EPERM);
    EXPECT_EQ(v[1].param_uint(KES_P_SETRESUID_RUID), 5u);
    EXPECT_EQ(v[1].param_uint(KES_P_SETRESUID_EUID), 5u);
    EXPECT_EQ(v[1].param_uint(KES_P_SETRESUID_SUID), 5u);
}

uint64_t caps64(const __user_cap_data_struct d[2], uint32_t __user_cap_data_struct::*field) {
    return static_cast<uint64_t>(d[0].*field) | (static_cast<uint64_t>(d[1].*field) << 32);
}

TEST_F(ProbeTest, CapsetReportsTheThreadsNewSets) {
    auto run = run_child([](Report& r) {
        __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct data[2] = {};
        ::syscall(SYS_capget, &hdr, data);
        // Drop CAP_NET_RAW (13) from effective and permitted; inheritable gets CAP_CHOWN (0)
        // if permitted has it (root: yes).
        data[0].effective &= ~(1u << 13);
        data[0].permitted &= ~(1u << 13);
        data[0].inheritable |= 1u;
        r.v[0] = ::syscall(SYS_capset, &hdr, data);
        __user_cap_data_struct after[2] = {};
        ::syscall(SYS_capget, &hdr, after);
        r.v[1] = static_cast<int64_t>(caps64(after, &__user_cap_data_struct::inheritable));
        r.v[2] = static_cast<int64_t>(caps64(after, &__user_cap_data_struct::permitted));
        r.v[3] = static_cast<int64_t>(caps64(after, &__user_cap_data_struct::effective));
        // A bad version fails (EINVAL) and changes nothing.
        __user_cap_header_struct bad = {0x12345678, 0};
        r.v[4] = ::syscall(SYS_capset, &bad, data) == -1 ? -errno : 0;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[4], -EINVAL);
    auto v = of_type(run, KES_EVT_CAPSET);
    ASSERT_EQ(v.size(), 2u);
    for (const auto& e : v) {
        EXPECT_EQ(e.param_uint(KES_P_CAPSET_CAP_INHERITABLE),
                  static_cast<uint64_t>(run.report.v[1]));
        EXPECT_EQ(e.param_uint(KES_P_CAPSET_CAP_PERMITTED), static_cast<uint64_t>(run.report.v[2]));
        EXPECT_EQ(e.param_uint(KES_P_CAPSET_CAP_EFFECTIVE), static_cast<uint64_t>(run.report.v[3]));
    }
    EXPECT_EQ(v[0].param_int64(KES_P_CAPSET_RES), 0);
    EXPECT_EQ(v[0].param_uint(KES_P_CAPSET_CAP_EFFECTIVE) & (1u << 13), 0u);
    EXPECT_EQ(v[1].param_int64(KES_P_CAPSET_RES), -EINVAL);
}

TEST_F(ProbeTest, PtraceTracemeAndAttachFailure) {
    auto run = run_child([](Report& r) {
        r.v[0] = ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
        r.v[1] = ::ptrace(PTRACE_ATTACH, 0x3ffffff0, reinterpret_cast<void*>(0x1000),
                          reinterpret_cast<void*>(0x2000)) == -1
                     ? -errno
                     : 0;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[1], -ESRCH);
    auto v = of_type(run, KES_EVT_PTRACE);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].param_int64(KES_P_PTRACE_RES), 0);
    EXPECT_EQ(v[0].param_uint(KES_P_PTRACE_REQUEST), static_cast<uint64_t>(KES_PTRACE_TRACEME));
    EXPECT_EQ(v[0].param_int64(KES_P_PTRACE_PID), 0);
    EXPECT_EQ(v[1].param_int64(KES_P_PTRACE_RES), -ESRCH);
    EXPECT_EQ(v[1].param_uint(KES_P_PTRACE_REQUEST), static_cast<uint64_t>(KES_PTRACE_ATTACH));
    EXPECT_EQ(v[1].param_int64(KES_P_PTRACE_PID), 0x3ffffff0);
    EXPECT_EQ(v[1].param_uint(KES_P_PTRACE_ADDR), 0x1000u);
    EXPECT_EQ(v[1].param_uint(KES_P_PTRACE_DATA), 0x2000u);
}

TEST_F(ProbeTest, UnshareAndSetnsWithCloneFlags) {
    auto run = run_child([](Report& r) {
        int fd = ::open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
        r.v[0] = fd;
        r.v[1] = ::unshare(CLONE_NEWUTS);
        r.v[2] = ::syscall(SYS_unshare, 0x1) == -1 ? -errno : 0; // not an unshare flag
        r.v[3] = ::setns(fd, CLONE_NEWUTS);                      // back to the first one
        r.v[4] = ::setns(fd, CLONE_NEWNET) == -1 ? -errno : 0;   // wrong type
        return 0;
    });
    ASSERT_GE(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[1], 0);
    ASSERT_EQ(run.report.v[2], -EINVAL);
    ASSERT_EQ(run.report.v[3], 0);
    ASSERT_EQ(run.report.v[4], -EINVAL);
    auto u = of_type(run, KES_EVT_UNSHARE);
    ASSERT_EQ(u.size(), 2u);
    EXPECT_EQ(u[0].param_int64(KES_P_UNSHARE_RES), 0);
    EXPECT_EQ(u[0].param_uint(KES_P_UNSHARE_FLAGS), static_cast<uint64_t>(KES_CL_CLONE_NEWUTS));
    EXPECT_EQ(u[1].param_int64(KES_P_UNSHARE_RES), -EINVAL);
    EXPECT_EQ(u[1].param_uint(KES_P_UNSHARE_FLAGS), 0u);
    auto s = of_type(run, KES_EVT_SETNS);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].param_int64(KES_P_SETNS_RES), 0);
    EXPECT_EQ(s[0].param_int64(KES_P_SETNS_FD), run.report.v[0]);
    EXPECT_EQ(s[0].param_uint(KES_P_SETNS_NSTYPE), static_cast<uint64_t>(KES_CL_CLONE_NEWUTS));
    EXPECT_EQ(s[1].param_int64(KES_P_SETNS_RES), -EINVAL);
    EXPECT_EQ(s[1].param_uint(KES_P_SETNS_NSTYPE), static_cast<uint64_t>(KES_CL_CLONE_NEWNET));
}

TEST_F(ProbeTest, BpfMapCreateAndBadCommand) {
    auto run = run_child([](Report& r) {
        union bpf_attr attr = {};
        attr.map_type = BPF_MAP_TYPE_ARRAY;
        attr.key_size = 4;
        attr.value_size = 8;
        attr.max_entries = 1;
        r.v[0] = ::syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
        r.v[1] = ::syscall(SYS_bpf, 999, &attr, sizeof(attr)) == -1 ? -errno : 0;
        return 0;
    });
    ASSERT_GE(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[1], -EINVAL);
    auto v = of_type(run, KES_EVT_BPF);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].param_int64(KES_P_BPF_FD), run.report.v[0]);
    EXPECT_EQ(v[0].param_uint(KES_P_BPF_CMD), static_cast<uint64_t>(BPF_MAP_CREATE));
    EXPECT_EQ(v[1].param_int64(KES_P_BPF_FD), -EINVAL);
    EXPECT_EQ(v[1].param_uint(KES_P_BPF_CMD), 999u);
}

TEST_F(ProbeTest, InitModuleAndFinitModuleRejected) {
    static const char kImage[] = "\x7f"
                                 "ELF-not-a-module";
    auto run = run_child([](Report& r) {
        // On the stack: present in memory (a forked child's file-backed pages are not mapped
        // until touched, and a rejected call may not touch them; the probe cannot fault).
        char image[sizeof(kImage)];
        std::memcpy(image, kImage, sizeof(kImage));
        char uargs[] = "answer=42";
        r.v[0] = ::syscall(SYS_init_module, image, sizeof(kImage) - 1, uargs) == -1 ? -errno : 0;
        int fd = ::open("/etc/hostname", O_RDONLY | O_CLOEXEC);
        r.v[1] = fd;
        char fargs[] = "x=1";
        r.v[2] = ::syscall(SYS_finit_module, fd, fargs, 2 /* IGNORE_VERMAGIC */) == -1 ? -errno : 0;
        return 0;
    });
    ASSERT_LT(run.report.v[0], 0);
    ASSERT_LT(run.report.v[2], 0);
    auto im = of_type(run, KES_EVT_INIT_MODULE);
    ASSERT_EQ(im.size(), 1u);
    EXPECT_EQ(im[0].param_int64(KES_P_INIT_MODULE_RES), run.report.v[0]);
    EXPECT_EQ(bytes_of(im[0].param(KES_P_INIT_MODULE_IMG)), std::string(kImage));
    EXPECT_EQ(im[0].param_uint(KES_P_INIT_MODULE_LENGTH), sizeof(kImage) - 1);
    EXPECT_EQ(im[0].param_string(KES_P_INIT_MODULE_UARGS), "answer=42");
    auto fm = of_type(run, KES_EVT_FINIT_MODULE);
    ASSERT_EQ(fm.size(), 1u);
    EXPECT_EQ(fm[0].param_int64(KES_P_FINIT_MODULE_RES), run.report.v[2]);
    EXPECT_EQ(fm[0].param_int64(KES_P_FINIT_MODULE_FD), run.report.v[1]);
    EXPECT_EQ(fm[0].param_string(KES_P_FINIT_MODULE_UARGS), "x=1");
    EXPECT_EQ(fm[0].param_uint(KES_P_FINIT_MODULE_FLAGS),
              static_cast<uint64_t>(KES_MODULE_INIT_IGNORE_VERMAGIC));
}

TEST_F(ProbeTest, UserfaultfdFlags) {
    auto run = run_child([](Report& r) {
        long fd = ::syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
        r.v[0] = fd == -1 ? -errno : fd;
        r.v[1] = ::syscall(SYS_userfaultfd, 0x40000000) == -1 ? -errno : 0; // unknown flag
        return 0;
    });
    auto v = of_type(run, KES_EVT_USERFAULTFD);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].param_int64(KES_P_USERFAULTFD_RES), run.report.v[0]);
    EXPECT_EQ(v[0].param_uint(KES_P_USERFAULTFD_FLAGS),
              static_cast<uint64_t>(KES_UFFD_CLOEXEC | KES_UFFD_NONBLOCK));
    EXPECT_EQ(v[1].param_int64(KES_P_USERFAULTFD_RES), -EINVAL);
    EXPECT_EQ(run.report.v[1], -EINVAL);
}

TEST_F(ProbeTest, PrctlNameSubreaperAndFailure) {
    auto run = run_child([](Report& r) {
        r.v[0] = ::prctl(PR_SET_NAME, "kes-renamed-long-name");
        r.v[1] = ::prctl(PR_SET_CHILD_SUBREAPER, 1);
        int value = 0;
        r.v[2] = ::prctl(PR_GET_CHILD_SUBREAPER, &value);
        r.v[3] = value;
        r.v[4] = ::syscall(SYS_prctl, -3, 77, 0, 0, 0) == -1 ? -errno : 0;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[3], 1);
    ASSERT_EQ(run.report.v[4], -EINVAL);
    auto v = of_type(run, KES_EVT_PRCTL);
    ASSERT_EQ(v.size(), 4u);
    // The name the kernel kept: 15 bytes.
    EXPECT_EQ(v[0].param_uint(KES_P_PRCTL_OPTION), static_cast<uint64_t>(PR_SET_NAME));
    EXPECT_EQ(v[0].param_string(KES_P_PRCTL_ARG2_STR), "kes-renamed-lon");
    EXPECT_EQ(v[0].param_int64(KES_P_PRCTL_ARG2_INT), 0);
    EXPECT_EQ(v[0].comm(), "kes-renamed-lon");
    EXPECT_EQ(v[1].param_uint(KES_P_PRCTL_OPTION), static_cast<uint64_t>(PR_SET_CHILD_SUBREAPER));
    EXPECT_FALSE(v[1].has_param(KES_P_PRCTL_ARG2_STR));
    EXPECT_EQ(v[1].param_int64(KES_P_PRCTL_ARG2_INT), 1);
    EXPECT_EQ(v[2].param_uint(KES_P_PRCTL_OPTION), static_cast<uint64_t>(PR_GET_CHILD_SUBREAPER));
    EXPECT_EQ(v[2].param_int64(KES_P_PRCTL_ARG2_INT), 1); // the value, not the pointer
    EXPECT_EQ(v[3].param_int64(KES_P_PRCTL_RES), -EINVAL);
    EXPECT_EQ(v[3].param_uint(KES_P_PRCTL_OPTION), static_cast<uint32_t>(-3));
    EXPECT_EQ(v[3].param_int64(KES_P_PRCTL_ARG2_INT), 77);
}

TEST_F(ProbeTest, MprotectProtFlags) {
    auto run = run_child([](Report& r) {
        void* p = ::mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        r.v[0] = reinterpret_cast<int64_t>(p);
        r.v[1] = ::mprotect(p, 4096, PROT_READ | PROT_EXEC);
        r.v[2] = ::mprotect(static_cast<char*>(p) + 1, 4096, PROT_NONE) == -1 ? -errno : 0;
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 0);
    ASSERT_EQ(run.report.v[2], -EINVAL);
    auto all = of_type(run, KES_EVT_MPROTECT);
    // The dynamic loader and libc of the child may call mprotect too: find ours by address.
    std::vector<event::View> v;
    for (const auto& e : all) {
        uint64_t addr = e.param_uint(KES_P_MPROTECT_ADDR);
        if (addr == static_cast<uint64_t>(run.report.v[0]) ||
            addr == static_cast<uint64_t>(run.report.v[0]) + 1) {
            v.push_back(e);
        }
    }
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].param_int64(KES_P_MPROTECT_RES), 0);
    EXPECT_EQ(v[0].param_uint(KES_P_MPROTECT_LENGTH), 4096u);
    EXPECT_EQ(v[0].param_uint(KES_P_MPROTECT_PROT),
              static_cast<uint64_t>(KES_PROT_READ | KES_PROT_EXEC));
    EXPECT_EQ(v[1].param_int64(KES_P_MPROTECT_RES), -EINVAL);
    EXPECT_EQ(v[1].param_uint(KES_P_MPROTECT_PROT), static_cast<uint64_t>(KES_PROT_NONE));
}

TEST_F(ProbeTest, KillSignalZeroAndMissingProcess) {
    auto run = run_child([](Report& r) {
        r.v[0] = ::getpid();
        r.v[1] = ::kill(::getpid(), 0);
        r.v[2] = ::kill(0x3ffffff0, SIGUSR1) == -1 ? -errno : 0;
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 0);
    ASSERT_EQ(run.report.v[2], -ESRCH);
    auto v = of_type(run, KES_EVT_KILL);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].param_int64(KES_P_KILL_RES), 0);
    EXPECT_EQ(v[0].param_int64(KES_P_KILL_PID), run.report.v[0]);
    EXPECT_EQ(v[0].param_uint(KES_P_KILL_SIG), 0u);
    EXPECT_EQ(v[1].param_int64(KES_P_KILL_RES), -ESRCH);
    EXPECT_EQ(v[1].param_int64(KES_P_KILL_PID), 0x3ffffff0);
    EXPECT_EQ(v[1].param_uint(KES_P_KILL_SIG), static_cast<uint64_t>(SIGUSR1));
}

TEST_F(ProbeTest, SetresgidSetreuidSetregid) {
    auto run = run_child([](Report& r) {
        r.v[0] = ::syscall(SYS_setresgid, -1, 2000, -1);
        r.v[1] = ::syscall(SYS_setregid, 3000, -1);
        r.v[2] = ::syscall(SYS_setreuid, -1, 1500);
        // Effective uid 1500 now: a real uid change to 7 is refused.
        r.v[3] = ::syscall(SYS_setreuid, 7, -1) == -1 ? -errno : 0;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[1], 0);
    ASSERT_EQ(run.report.v[2], 0);
    ASSERT_EQ(run.report.v[3], -EPERM);
    auto rg = of_type(run, KES_EVT_SETRESGID);
    ASSERT_EQ(rg.size(), 1u);
    EXPECT_EQ(rg[0].param_int64(KES_P_SETRESGID_RES), 0);
    EXPECT_EQ(rg[0].param_uint(KES_P_SETRESGID_RGID), 0xffffffffu);
    EXPECT_EQ(rg[0].param_uint(KES_P_SETRESGID_EGID), 2000u);
    EXPECT_EQ(rg[0].param_uint(KES_P_SETRESGID_SGID), 0xffffffffu);
    auto g = of_type(run, KES_EVT_SETREGID);
    ASSERT_EQ(g.size(), 1u);
    EXPECT_EQ(g[0].param_int64(KES_P_SETREGID_RES), 0);
    EXPECT_EQ(g[0].param_uint(KES_P_SETREGID_RGID), 3000u);
    EXPECT_EQ(g[0].param_uint(KES_P_SETREGID_EGID), 0xffffffffu);
    auto u = of_type(run, KES_EVT_SETREUID);
    ASSERT_EQ(u.size(), 2u);
    EXPECT_EQ(u[0].param_int64(KES_P_SETREUID_RES), 0);
    EXPECT_EQ(u[0].param_uint(KES_P_SETREUID_RUID), 0xffffffffu);
    EXPECT_EQ(u[0].param_uint(KES_P_SETREUID_EUID), 1500u);
    EXPECT_EQ(u[1].param_int64(KES_P_SETREUID_RES), -EPERM);
    EXPECT_EQ(u[1].param_uint(KES_P_SETREUID_RUID), 7u);
}

TEST_F(ProbeTest, SetsidAndSetpgid) {
    auto run = run_child([](Report& r) {
        // A process group leader cannot start a session: first make our own group, fail
        // setsid, then succeed in a fresh child.
        r.v[0] = ::setpgid(0, 0);
        r.v[1] = ::setsid() == -1 ? -errno : 0;
        r.v[2] = ::setpgid(0x3ffffff0, 0) == -1 ? -errno : 0;
        pid_t c = ::fork();
        if (c == 0) {
            ::_exit(::setsid() == ::getpid() ? 0 : 1);
        }
        int st = 0;
        ::waitpid(c, &st, 0);
        r.v[3] = c;
        r.v[4] = WEXITSTATUS(st);
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[1], -EPERM);
    ASSERT_EQ(run.report.v[2], -ESRCH);
    ASSERT_EQ(run.report.v[4], 0);
    auto pg = of_type(run, KES_EVT_SETPGID);
    ASSERT_EQ(pg.size(), 2u);
    EXPECT_EQ(pg[0].param_int64(KES_P_SETPGID_RES), 0);
    EXPECT_EQ(pg[0].param_int64(KES_P_SETPGID_PID), 0);
    EXPECT_EQ(pg[0].param_int64(KES_P_SETPGID_PGID), 0);
    EXPECT_EQ(pg[1].param_int64(KES_P_SETPGID_RES), -ESRCH);
    EXPECT_EQ(pg[1].param_int64(KES_P_SETPGID_PID), 0x3ffffff0);
    auto sid = of_type(run, KES_EVT_SETSID);
    ASSERT_EQ(sid.size(), 1u);
    EXPECT_EQ(sid[0].param_int64(KES_P_SETSID_RES), -EPERM);
    // The grandchild's successful setsid is in its own process (not collected by run_child);
    // its result was checked by the child itself (exit status 0).
}

TEST_F(ProbeTest, TkillAndTgkill) {
    auto run = run_child([](Report& r) {
        r.v[0] = ::gettid();
        r.v[1] = ::syscall(SYS_tkill, ::gettid(), 0);
        r.v[2] = ::syscall(SYS_tgkill, ::getpid(), ::gettid(), 0);
        r.v[3] = ::syscall(SYS_tgkill, ::getpid(), 0x3ffffff0, SIGUSR2) == -1 ? -errno : 0;
        r.v[4] = ::syscall(SYS_tkill, -5, SIGUSR1) == -1 ? -errno : 0;
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 0);
    ASSERT_EQ(run.report.v[2], 0);
    ASSERT_EQ(run.report.v[3], -ESRCH);
    ASSERT_EQ(run.report.v[4], -EINVAL);
    auto tk = of_type(run, KES_EVT_TKILL);
    ASSERT_EQ(tk.size(), 2u);
    EXPECT_EQ(tk[0].param_int64(KES_P_TKILL_RES), 0);
    EXPECT_EQ(tk[0].param_int64(KES_P_TKILL_TID), run.report.v[0]);
    EXPECT_EQ(tk[0].param_uint(KES_P_TKILL_SIG), 0u);
    EXPECT_EQ(tk[1].param_int64(KES_P_TKILL_RES), -EINVAL);
    EXPECT_EQ(tk[1].param_int64(KES_P_TKILL_TID), -5);
    EXPECT_EQ(tk[1].param_uint(KES_P_TKILL_SIG), static_cast<uint64_t>(SIGUSR1));
    auto tg = of_type(run, KES_EVT_TGKILL);
    ASSERT_EQ(tg.size(), 2u);
    EXPECT_EQ(tg[0].param_int64(KES_P_TGKILL_RES), 0);
    EXPECT_EQ(tg[0].param_int64(KES_P_TGKILL_PID), run.pid);
    EXPECT_EQ(tg[0].param_int64(KES_P_TGKILL_TID), run.report.v[0]);
    EXPECT_EQ(tg[1].param_int64(KES_P_TGKILL_RES), -ESRCH);
    EXPECT_EQ(tg[1].param_int64(KES_P_TGKILL_TID), 0x3ffffff0);
    EXPECT_EQ(tg[1].param_uint(KES_P_TGKILL_SIG), static_cast<uint64_t>(SIGUSR2));
}

// The uapi struct io_uring_params (its first 24 bytes are what the probe reports).
struct UringParams {
    uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd;
    uint32_t resv[3];
    uint8_t offsets[80];
};

TEST_F(ProbeTest, IoUringSetupEnterRegister) {
    auto run = run_child([](Report& r) {
        UringParams p = {};
        p.flags = 1u << 3; // IORING_SETUP_CQSIZE
        p.cq_entries = 16;
        long fd = ::syscall(SYS_io_uring_setup, 4, &p);
        r.v[0] = fd == -1 ? -errno : fd;
        r.v[1] = p.sq_entries;
        r.v[2] = p.cq_entries;
        r.v[3] = p.features;
        if (fd >= 0) {
            r.v[4] = ::syscall(SYS_io_uring_enter, fd, 0, 0, 1u /* GETEVENTS */, nullptr, 0);
            // IORING_REGISTER_PROBE (8) with a null buffer: EFAULT.
            r.v[5] = ::syscall(SYS_io_uring_register, fd, 8, nullptr, 4) == -1 ? -errno : 0;
        }
        r.v[6] = ::syscall(SYS_io_uring_setup, 0, &p) == -1 ? -errno : 0; // 0 entries: EINVAL
        return 0;
    });
    if (run.report.v[0] == -ENOSYS || run.report.v[0] == -EPERM) {
        GTEST_SKIP() << "io_uring is disabled on this kernel (io_uring_disabled)";
    }
    ASSERT_GE(run.report.v[0], 0);
    auto setup = of_type(run, KES_EVT_IO_URING_SETUP);
    ASSERT_EQ(setup.size(), 2u);
    const auto& s = setup[0];
    EXPECT_EQ(s.param_int64(KES_P_IO_URING_SETUP_RES), run.report.v[0]);
    EXPECT_EQ(s.param_uint(KES_P_IO_URING_SETUP_ENTRIES), 4u);
    EXPECT_EQ(s.param_uint(KES_P_IO_URING_SETUP_SQ_ENTRIES),
              static_cast<uint64_t>(run.report.v[1]));
    EXPECT_EQ(s.param_uint(KES_P_IO_URING_SETUP_CQ_ENTRIES),
              static_cast<uint64_t>(run.report.v[2]));
    EXPECT_EQ(s.param_uint(KES_P_IO_URING_SETUP_FLAGS),
              static_cast<uint64_t>(KES_IORING_SETUP_CQSIZE));
    EXPECT_EQ(s.param_uint(KES_P_IO_URING_SETUP_FEATURES),
              static_cast<uint64_t>(run.report.v[3]) & KES_IORING_FEAT_MASK);
    EXPECT_EQ(setup[1].param_int64(KES_P_IO_URING_SETUP_RES), -EINVAL);
    EXPECT_EQ(setup[1].param_uint(KES_P_IO_URING_SETUP_ENTRIES), 0u);
    auto enter = of_type(run, KES_EVT_IO_URING_ENTER);
    ASSERT_EQ(enter.size(), 1u);
    EXPECT_EQ(enter[0].param_int64(KES_P_IO_URING_ENTER_RES), run.report.v[4]);
    EXPECT_EQ(enter[0].param_int64(KES_P_IO_URING_ENTER_FD), run.report.v[0]);
    EXPECT_EQ(enter[0].param_uint(KES_P_IO_URING_ENTER_TO_SUBMIT), 0u);
    EXPECT_EQ(enter[0].param_uint(KES_P_IO_URING_ENTER_MIN_COMPLETE), 0u);
    EXPECT_EQ(enter[0].param_uint(KES_P_IO_URING_ENTER_FLAGS), 1u);
    EXPECT_EQ(enter[0].param_uint(KES_P_IO_URING_ENTER_SIG), 0u);
    auto reg = of_type(run, KES_EVT_IO_URING_REGISTER);
    ASSERT_EQ(reg.size(), 1u);
    EXPECT_EQ(reg[0].param_int64(KES_P_IO_URING_REGISTER_RES), run.report.v[5]);
    EXPECT_LT(run.report.v[5], 0);
    EXPECT_EQ(reg[0].param_int64(KES_P_IO_URING_REGISTER_FD), run.report.v[0]);
    EXPECT_EQ(reg[0].param_uint(KES_P_IO_URING_REGISTER_OPCODE), 8u);
    EXPECT_EQ(reg[0].param_uint(KES_P_IO_URING_REGISTER_ARG), 0u);
    EXPECT_EQ(reg[0].param_uint(KES_P_IO_URING_REGISTER_NR_ARGS), 4u);
}

} // namespace
} // namespace kestrel::capture
