// Process lifecycle on the real kernel: clone, clone3, fork, vfork, threads, exec from a thread.
// Each creation is reported twice, as Falco's drivers do: by the caller (res = the child's tid)
// and by the child itself (res = 0, with the child's own ids and namespaces).

#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "proc_fixture.hpp"

namespace kestrel::capture {
namespace {

// argv[0] and argv[1..] (NUL-separated) of this process: a forked child has the same.
struct CmdLine {
    std::string exe;
    std::string args;
};

CmdLine own_cmdline() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CmdLine c;
    size_t nul = all.find('\0');
    c.exe = all.substr(0, nul);
    c.args = nul == std::string::npos ? std::string() : all.substr(nul + 1);
    return c;
}

std::string own_cwd() {
    char buf[PATH_MAX];
    return ::getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : std::string();
}

const event::View* with_res(const std::vector<event::View>& v, int64_t res) {
    for (const auto& e : v) {
        if (e.param_int64(KES_P_CLONE_RES) == res) {
            return &e;
        }
    }
    return nullptr;
}

// Every parameter of a successful clone-family record of a process forked from this test
// process (or from its child): ids, program, cwd, credentials, host pid namespace.
void expect_clone_common(const event::View& e, int64_t tid, int64_t pid, int64_t ptid) {
    static const CmdLine cmd = own_cmdline();
    EXPECT_EQ(e.param_int64(KES_P_CLONE_TID), tid);
    EXPECT_EQ(e.param_int64(KES_P_CLONE_PID), pid);
    EXPECT_EQ(e.param_int64(KES_P_CLONE_PTID), ptid);
    EXPECT_EQ(e.tid(), static_cast<uint32_t>(tid));
    EXPECT_EQ(e.pid(), static_cast<uint32_t>(pid));
    EXPECT_EQ(e.param_string(KES_P_CLONE_EXE), cmd.exe);
    EXPECT_EQ(bytes_of(e.param(KES_P_CLONE_ARGS)), cmd.args);
    EXPECT_EQ(e.param_string(KES_P_CLONE_CWD), own_cwd());
    struct rlimit rl = {};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    EXPECT_EQ(e.param_int64(KES_P_CLONE_FDLIMIT), static_cast<int64_t>(rl.rlim_cur));
    // Page fault counters are per task: a child starts from 0.
    EXPECT_TRUE(e.has_param(KES_P_CLONE_PGFT_MAJ));
    EXPECT_TRUE(e.has_param(KES_P_CLONE_PGFT_MIN));
    EXPECT_GT(e.param_uint(KES_P_CLONE_VM_SIZE), 0u);
    EXPECT_GT(e.param_uint(KES_P_CLONE_VM_RSS), 0u);
    EXPECT_TRUE(e.has_param(KES_P_CLONE_VM_SWAP));
    EXPECT_EQ(bytes_of(e.param(KES_P_CLONE_CGROUPS)), expected_cgroups());
    EXPECT_EQ(e.param_uint(KES_P_CLONE_UID), ::geteuid());
    EXPECT_EQ(e.param_uint(KES_P_CLONE_GID), ::getegid());
    // The host pid namespace: namespaced ids equal the global ones.
    EXPECT_EQ(e.param_int64(KES_P_CLONE_VTID), tid);
    EXPECT_EQ(e.param_int64(KES_P_CLONE_VPID), pid);
}

// /proc/1/stat's starttime (field 22): the host init's start in clock ticks since boot.
uint64_t host_init_start_ticks() {
    std::ifstream in("/proc/1/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t pos = stat.rfind(')');
    if (pos == std::string::npos) {
        ADD_FAILURE() << "unreadable /proc/1/stat";
        return 0;
    }
    pos += 2; // field 3 (state) starts here
    for (int field = 3; field < 22; ++field) {
        pos = stat.find(' ', pos) + 1;
    }
    return std::stoull(stat.substr(pos));
}

uint64_t ns_per_tick() { return 1000000000ULL / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK)); }

// The start time (CLOCK_MONOTONIC ns) of the pid namespace's init, as the child reports it,
// against /proc/1/stat (boot time ticks, equal to monotonic on a machine that never
// suspended), at tick precision.
void expect_host_init_start(const event::View& child) {
    uint64_t ns = child.param_uint(KES_P_CLONE_PIDNS_INIT_START_TS);
    EXPECT_EQ(ns / ns_per_tick(), host_init_start_ticks());
}

TEST_F(ProcTest, ForkSyscallParentAndChild) {
    pid_t me = ::getpid();
    auto run = run_tree([](Report& r) {
        long child = ::syscall(SYS_fork);
        if (child == 0) {
            ::_exit(3);
        }
        r.v[0] = child;
        int st = 0;
        ::waitpid(static_cast<pid_t>(child), &st, 0);
        r.v[1] = WEXITSTATUS(st);
        return 0;
    });
    int64_t gc = run.report.v[0];
    ASSERT_GT(gc, 0);
    EXPECT_EQ(run.report.v[1], 3);
    EXPECT_EQ(run.self_records, 0u);

    auto parent = run.of({run.pid}, KES_EVT_FORK);
    const event::View* p = with_res(parent, gc);
    ASSERT_NE(p, nullptr) << "no fork record in the parent";
    expect_clone_common(*p, run.pid, run.pid, me);
    EXPECT_EQ(p->param_uint(KES_P_CLONE_FLAGS), 0u);
    EXPECT_EQ(p->param_uint(KES_P_CLONE_PIDNS_INIT_START_TS), 0u); // only the child reports it
    EXPECT_GT(p->param_uint(KES_P_CLONE_PGFT_MIN), 0u);

    auto child = run.of({gc}, KES_EVT_FORK);
    ASSERT_EQ(child.size(), 1u) << "no fork record in the child";
    const event::View& c = child[0];
    EXPECT_EQ(c.param_int64(KES_P_CLONE_RES), 0);
    expect_clone_common(c, gc, gc, run.pid);
    EXPECT_EQ(c.param_uint(KES_P_CLONE_FLAGS), 0u);
    expect_host_init_start(c);
    EXPECT_EQ(c.comm(), p->comm());
    EXPECT_EQ(c.param_uint(KES_P_CLONE_PGFT_MIN), 0u);

    // The child's own events follow its fork record; its procexit carries status 3.
    auto exits = run.of({gc}, KES_EVT_PROCEXIT);
    ASSERT_EQ(exits.size(), 1u);
    EXPECT_EQ(exits[0].param_int64(KES_P_PROCEXIT_RET), 3);
    EXPECT_GT(exits[0].ts_ns(), c.ts_ns());
}

TEST_F(ProcTest, VforkParentAndChild) {
    auto run = run_tree([](Report& r) {
        pid_t child = ::vfork(); // glibc's vfork is the vfork syscall
        if (child == 0) {
            ::_exit(5);
        }
        r.v[0] = child;
        int st = 0;
        ::waitpid(child, &st, 0);
        r.v[1] = WEXITSTATUS(st);
        return 0;
    });
    int64_t gc = run.report.v[0];
    ASSERT_GT(gc, 0);
    EXPECT_EQ(run.report.v[1], 5);
    auto parents = run.of({run.pid}, KES_EVT_VFORK);
    const event::View* p = with_res(parents, gc);
    ASSERT_NE(p, nullptr);
    expect_clone_common(*p, run.pid, run.pid, ::getpid());
    EXPECT_EQ(p->param_uint(KES_P_CLONE_FLAGS), 0u); // as Falco: vfork passes no flags
    auto child = run.of({gc}, KES_EVT_VFORK);
    ASSERT_EQ(child.size(), 1u);
    EXPECT_EQ(child[0].param_int64(KES_P_CLONE_RES), 0);
    expect_clone_common(child[0], gc, gc, run.pid);
    // The vfork child runs (and here exits) while its parent waits in the syscall: both
    // its records come before the parent's.
    auto exits = run.of({gc}, KES_EVT_PROCEXIT);
    ASSERT_EQ(exits.size(), 1u);
    EXPECT_LT(child[0].ts_ns(), p->ts_ns());
    EXPECT_LT(exits[0].ts_ns(), p->ts_ns());
}

TEST_F(ProcTest, CloneWithSharedFilesParentAndChild) {
    auto run = run_tree([](Report& r) {
        long child = ::syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
        if (child == 0) {
            ::_exit(0);
        }
        r.v[0] = child;
        ::waitpid(static_cast<pid_t>(child), nullptr, 0);
        return 0;
    });
    int64_t gc = run.report.v[0];
    ASSERT_GT(gc, 0);
    auto parents = run.of({run.pid}, KES_EVT_CLONE);
    const event::View* p = with_res(parents, gc);
    ASSERT_NE(p, nullptr);
    expect_clone_common(*p, run.pid, run.pid, ::getpid());
    EXPECT_EQ(p->param_uint(KES_P_CLONE_FLAGS), static_cast<uint64_t>(KES_CL_CLONE_FILES));
    auto child = run.of({gc}, KES_EVT_CLONE);
    ASSERT_EQ(child.size(), 1u);
    EXPECT_EQ(child[0].param_int64(KES_P_CLONE_RES), 0);
    expect_clone_common(child[0], gc, gc, run.pid);
    EXPECT_EQ(child[0].param_uint(KES_P_CLONE_FLAGS), static_cast<uint64_t>(KES_CL_CLONE_FILES));
    expect_host_init_start(child[0]);
}

TEST_F(ProcTest, CloneFailureHasNoProgramOrCwd) {
    auto run = run_tree([](Report& r) {
        // CLONE_SIGHAND requires CLONE_VM: EINVAL before anything is created.
        r.v[0] = ::syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0);
        r.v[1] = errno;
        return 0;
    });
    EXPECT_EQ(run.report.v[0], -1);
    EXPECT_EQ(run.report.v[1], EINVAL);
    auto v = run.of({run.pid}, KES_EVT_CLONE);
    const event::View* e = with_res(v, -EINVAL);
    ASSERT_NE(e, nullptr);
    EXPECT_FALSE(e->has_param(KES_P_CLONE_EXE));
    EXPECT_FALSE(e->has_param(KES_P_CLONE_ARGS));
    EXPECT_FALSE(e->has_param(KES_P_CLONE_CWD));
    EXPECT_EQ(e->param_int64(KES_P_CLONE_TID), run.pid);
    EXPECT_EQ(e->param_int64(KES_P_CLONE_PID), run.pid);
    EXPECT_EQ(e->param_int64(KES_P_CLONE_PTID), ::getpid());
    EXPECT_EQ(e->param_uint(KES_P_CLONE_FLAGS), static_cast<uint64_t>(KES_CL_CLONE_SIGHAND));
    EXPECT_EQ(e->param_uint(KES_P_CLONE_UID), ::geteuid());
    EXPECT_EQ(e->param_int64(KES_P_CLONE_VTID), run.pid);
}

TEST_F(ProcTest, Clone3ParentAndChild) {
    auto run = run_tree([](Report& r) {
        struct clone_args args = {};
        args.flags = CLONE_FS | CLONE_FILES;
        args.exit_signal = SIGCHLD;
        long child = ::syscall(SYS_clone3, &args, sizeof(args));
        if (child == 0) {
            ::_exit(0);
        }
        r.v[0] = child;
        ::waitpid(static_cast<pid_t>(child), nullptr, 0);
        return 0;
    });
    int64_t gc = run.report.v[0];
    ASSERT_GT(gc, 0);
    const uint64_t want = KES_CL_CLONE_FS | KES_CL_CLONE_FILES;
    auto parents = run.of({run.pid}, KES_EVT_CLONE3);
    const event::View* p = with_res(parents, gc);
    ASSERT_NE(p, nullptr);
    expect_clone_common(*p, run.pid, run.pid, ::getpid());
    EXPECT_EQ(p->param_uint(KES_P_CLONE3_FLAGS), want);
    auto child = run.of({gc}, KES_EVT_CLONE3);
    ASSERT_EQ(child.size(), 1u);
    EXPECT_EQ(child[0].param_int64(KES_P_CLONE3_RES), 0);
    expect_clone_common(child[0], gc, gc, run.pid);
    EXPECT_EQ(child[0].param_uint(KES_P_CLONE3_FLAGS), want);
}

void* report_tid(void* out) {
    *static_cast<int64_t*>(out) = ::gettid();
    return nullptr;
}

TEST_F(ProcTest, ThreadIsCloneWithCloneThread) {
    auto run = run_tree([](Report& r) {
        pthread_t th;
        int64_t tid = 0;
        if (::pthread_create(&th, nullptr, report_tid, &tid) != 0) {
            return 1;
        }
        ::pthread_join(th, nullptr);
        r.v[0] = tid;
        return 0;
    });
    ASSERT_EQ(WEXITSTATUS(run.status), 0);
    int64_t tid = run.report.v[0];
    ASSERT_GT(tid, 0);
    // glibc >= 2.34 creates threads with clone3 (clone on older ones).
    auto all = run.of({run.pid});
    const event::View* p = nullptr;
    const event::View* c = nullptr;
    for (const auto& e : all) {
        if (e.type() != KES_EVT_CLONE3 && e.type() != KES_EVT_CLONE) {
            continue;
        }
        if (e.param_int64(KES_P_CLONE_RES) == tid) {
            p = &e;
        } else if (e.param_int64(KES_P_CLONE_RES) == 0 && e.tid() == tid) {
            c = &e;
        }
    }
    ASSERT_NE(p, nullptr) << "no clone record in the creating thread";
    ASSERT_NE(c, nullptr) << "no clone record in the new thread";
    const uint32_t thread_flags = KES_CL_CLONE_VM | KES_CL_CLONE_FS | KES_CL_CLONE_FILES |
                                  KES_CL_CLONE_SIGHAND | KES_CL_CLONE_THREAD |
                                  KES_CL_CLONE_SYSVSEM | KES_CL_CLONE_SETTLS |
                                  KES_CL_CLONE_PARENT_SETTID | KES_CL_CLONE_CHILD_CLEARTID;
    expect_clone_common(*p, run.pid, run.pid, ::getpid());
    EXPECT_EQ(p->param_uint(KES_P_CLONE_FLAGS), thread_flags);
    // The new thread: its own tid, its group's pid, and the group's parent as ptid (a
    // CLONE_THREAD child shares real_parent).
    expect_clone_common(*c, tid, run.pid, ::getpid());
    if (c->type() == KES_EVT_CLONE3) {
        // Derived from what the thread shares (bpf/syscalls/clone.bpf.h): CLONE_PARENT_SETTID
        // leaves no trace in the thread.
        EXPECT_EQ(c->param_uint(KES_P_CLONE_FLAGS), thread_flags & ~KES_CL_CLONE_PARENT_SETTID);
    } else {
        EXPECT_EQ(c->param_uint(KES_P_CLONE_FLAGS), thread_flags);
    }
    // Both threads exit: one procexit each (their order is the scheduler's: the joiner may
    // wake before the thread's exit hook ran).
    auto exits = run.of({run.pid}, KES_EVT_PROCEXIT);
    ASSERT_EQ(exits.size(), 2u);
    std::set<uint32_t> exited = {exits[0].tid(), exits[1].tid()};
    EXPECT_EQ(exited,
              (std::set<uint32_t>{static_cast<uint32_t>(tid), static_cast<uint32_t>(run.pid)}));
}

void* exec_true(void*) {
    char arg0[] = "true";
    char arg1[] = "from-thread";
    char* argv[] = {arg0, arg1, nullptr};
    char* envp[] = {nullptr};
    ::execve("/bin/true", argv, envp);
    return nullptr;
}

TEST_F(ProcTest, ExecFromNonLeaderThread) {
    auto run = run_tree([](Report&) {
        pthread_t th;
        if (::pthread_create(&th, nullptr, exec_true, nullptr) != 0) {
            return 1;
        }
        ::pthread_join(th, nullptr); // never returns: the exec kills this thread
        return 2;
    });
    ASSERT_TRUE(WIFEXITED(run.status));
    EXPECT_EQ(WEXITSTATUS(run.status), 0); // /bin/true's status
    auto all = run.of({run.pid});
    // The thread that execs: the new thread of the clone.
    int64_t exec_tid = 0;
    for (const auto& e : all) {
        if ((e.type() == KES_EVT_CLONE3 || e.type() == KES_EVT_CLONE) &&
            e.param_int64(KES_P_CLONE_RES) > 0) {
            exec_tid = e.param_int64(KES_P_CLONE_RES);
        }
    }
    ASSERT_GT(exec_tid, 0);
    ASSERT_NE(exec_tid, run.pid);
    // The kernel (de_thread) kills the leader, which exits with its own tid first; then the
    // exec'ing thread takes the leader's tid: the execve record reports tid == pid (as Falco's
    // drivers do), and the old thread id is never seen again.
    std::vector<std::pair<uint16_t, uint32_t>> seq;
    for (const auto& e : all) {
        if (e.type() == KES_EVT_EXECVE || e.type() == KES_EVT_PROCEXIT) {
            seq.emplace_back(e.type(), e.tid());
        }
    }
    std::vector<std::pair<uint16_t, uint32_t>> want = {
        {KES_EVT_PROCEXIT, run.pid}, {KES_EVT_EXECVE, run.pid}, {KES_EVT_PROCEXIT, run.pid}};
    EXPECT_EQ(seq, want);
    auto execs = run.of({run.pid}, KES_EVT_EXECVE);
    ASSERT_EQ(execs.size(), 1u);
    const event::View& x = execs[0];
    EXPECT_EQ(x.param_int64(KES_P_EXECVE_RES), 0);
    EXPECT_EQ(x.param_int64(KES_P_EXECVE_TID), run.pid);
    EXPECT_EQ(x.param_int64(KES_P_EXECVE_PID), run.pid);
    EXPECT_EQ(x.param_int64(KES_P_EXECVE_PTID), ::getpid());
    EXPECT_EQ(x.param_string(KES_P_EXECVE_EXE), "true");
    EXPECT_EQ(bytes_of(x.param(KES_P_EXECVE_ARGS)), std::string("from-thread\0", 12));
    for (const auto& e : all) {
        if (e.ts_ns() > x.ts_ns()) {
            EXPECT_NE(e.tid(), static_cast<uint32_t>(exec_tid)) << "old tid seen after exec";
        }
    }
}

TEST_F(ProcTest, ForkIntoNewPidNamespace) {
    auto run = run_tree([](Report& r) {
        // Children of this process go to a new pid namespace: the first is its init (pid 1).
        if (::unshare(CLONE_NEWPID) != 0) {
            return 1;
        }
        long child = ::syscall(SYS_fork);
        if (child == 0) {
            ::_exit(::getpid() == 1 ? 0 : 1);
        }
        r.v[0] = child;
        int st = 0;
        ::waitpid(static_cast<pid_t>(child), &st, 0);
        r.v[1] = WEXITSTATUS(st);
        return 0;
    });
    ASSERT_EQ(WEXITSTATUS(run.status), 0);
    int64_t gc = run.report.v[0];
    ASSERT_GT(gc, 1);
    EXPECT_EQ(run.report.v[1], 0); // it was pid 1 in its namespace
    // The caller stays in the host namespace; its children will not: CHILD_IN_PIDNS, and res is
    // the child's id as the caller sees it (the host's).
    auto parents = run.of({run.pid}, KES_EVT_FORK);
    const event::View* p = with_res(parents, gc);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->param_uint(KES_P_CLONE_FLAGS), static_cast<uint64_t>(KES_CL_CHILD_IN_PIDNS));
    EXPECT_EQ(p->param_int64(KES_P_CLONE_VTID), run.pid);
    // The child: host ids in the header and tid/pid, namespaced ones in vtid/vpid, and it is
    // its namespace's init, whose start time it reports.
    auto child = run.of({gc}, KES_EVT_FORK);
    ASSERT_EQ(child.size(), 1u);
    const event::View& c = child[0];
    EXPECT_EQ(c.param_int64(KES_P_CLONE_RES), 0);
    EXPECT_EQ(c.param_int64(KES_P_CLONE_TID), gc);
    EXPECT_EQ(c.param_int64(KES_P_CLONE_PID), gc);
    EXPECT_EQ(c.param_int64(KES_P_CLONE_PTID), run.pid);
    EXPECT_EQ(c.param_int64(KES_P_CLONE_VTID), 1);
    EXPECT_EQ(c.param_int64(KES_P_CLONE_VPID), 1);
    EXPECT_EQ(c.param_uint(KES_P_CLONE_FLAGS), static_cast<uint64_t>(KES_CL_CHILD_IN_PIDNS));
    uint64_t init_start = c.param_uint(KES_P_CLONE_PIDNS_INIT_START_TS);
    // Its own start (monotonic): later than the host init's, before its record (boot time).
    EXPECT_GT(init_start / ns_per_tick(), host_init_start_ticks());
    EXPECT_LT(init_start, c.ts_ns());
}

} // namespace
} // namespace kestrel::capture
