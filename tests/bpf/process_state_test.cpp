// The live clone/exec/exit stream, fed through state::Tables as the daemon does (initial state
// from /proc, then the records in timestamp order): processes created live get their parents,
// programs and ancestry right, from the caller's records, from the child's records, or both.

#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "proc_fixture.hpp"
#include "state/proc_scan.hpp"
#include "state/tables.hpp"

namespace kestrel::capture {
namespace {

std::string own_comm() {
    std::ifstream in("/proc/self/comm");
    std::string comm;
    std::getline(in, comm);
    return comm;
}

bool is_clone(const event::View& e) {
    return e.type() == KES_EVT_CLONE || e.type() == KES_EVT_CLONE3 || e.type() == KES_EVT_FORK ||
           e.type() == KES_EVT_VFORK;
}

enum class Side { kBoth, kCallerOnly, kChildOnly };

// Loads /proc, then applies the tree's records in timestamp order (dropping one side of each
// clone when asked), calling check(tables, event) after each one is applied. At the end, every
// thread of the tree has exited: the procexits must have removed them all.
void replay(const TreeRun& run, const std::set<int64_t>& tgids, Side side,
            const std::function<void(const state::Tables&, const event::View&)>& check) {
    state::Tables tables;
    auto loaded = state::load_proc(tables);
    ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
    auto records = run.of(tgids);
    // Children whose caller's record exists: the tree's root was forked by this (excluded)
    // process, so only its own record tells about it and is always kept.
    std::set<int64_t> have_caller;
    for (const auto& e : records) {
        if (is_clone(e) && e.param_int64(KES_P_CLONE_RES) > 0) {
            have_caller.insert(e.param_int64(KES_P_CLONE_RES));
        }
    }
    for (const auto& e : records) {
        if (is_clone(e) && e.param_int64(KES_P_CLONE_RES) >= 0) {
            bool child_side = e.param_int64(KES_P_CLONE_RES) == 0;
            if ((side == Side::kCallerOnly && child_side && have_caller.count(e.tid()) != 0) ||
                (side == Side::kChildOnly && !child_side)) {
                continue;
            }
        }
        tables.apply(e);
        check(tables, e);
    }
    tables.flush_pending();
    std::set<int64_t> seen;
    for (const auto& e : records) {
        seen.insert(e.tid());
    }
    for (int64_t tid : seen) {
        EXPECT_EQ(tables.find_thread(tid), nullptr) << "thread " << tid << " left after its exit";
    }
}

class ProcStateTest : public ProcTest, public ::testing::WithParamInterface<Side> {};

TEST_P(ProcStateTest, ForkThenExecHasParentAndAncestry) {
    pid_t me = ::getpid();
    const std::string comm = own_comm();
    auto run = run_tree([](Report& r) {
        pid_t child = ::fork(); // glibc: the clone syscall
        if (child == 0) {
            char arg0[] = "true";
            char arg1[] = "live";
            char* argv[] = {arg0, arg1, nullptr};
            char* envp[] = {nullptr};
            ::execve("/bin/true", argv, envp);
            ::_exit(127);
        }
        r.v[0] = child;
        ::waitpid(child, nullptr, 0);
        return 0;
    });
    int64_t gc = run.report.v[0];
    ASSERT_GT(gc, 0);
    bool checked = false;
    replay(run, {run.pid, gc}, GetParam(), [&](const state::Tables& t, const event::View& e) {
        if (e.type() != KES_EVT_EXECVE || e.pid() != static_cast<uint32_t>(gc)) {
            return;
        }
        checked = true;
        const state::Thread* th = t.find_thread(gc);
        ASSERT_NE(th, nullptr);
        EXPECT_EQ(th->comm, "true");
        EXPECT_EQ(th->pid, gc);
        EXPECT_EQ(th->ptid, run.pid);
        const state::Thread* parent = t.parent(*th); // proc.pname
        ASSERT_NE(parent, nullptr);
        EXPECT_EQ(parent->tid, run.pid);
        EXPECT_EQ(parent->comm, comm); // the forked test child keeps the test's comm
        EXPECT_EQ(parent->ptid, me);
        const state::Thread* grand = t.ancestor(*th, 2); // proc.aname[2]: this test process
        ASSERT_NE(grand, nullptr);
        EXPECT_EQ(grand->tid, me);
        EXPECT_EQ(grand->comm, comm);
        // The forked child's process copied the test process's program and cwd.
        const state::Process* pp = t.process(*parent);
        ASSERT_NE(pp, nullptr);
        char cwd[PATH_MAX];
        ASSERT_NE(::getcwd(cwd, sizeof(cwd)), nullptr);
        EXPECT_EQ(pp->cwd, std::string(cwd) + "/");
    });
    EXPECT_TRUE(checked) << "no execve of the grandchild";
}

TEST_P(ProcStateTest, ThreadJoinsItsProcess) {
    auto run = run_tree([](Report& r) {
        pthread_t th;
        int64_t tid = 0;
        ::pthread_create(
            &th, nullptr,
            [](void* out) -> void* {
                *static_cast<int64_t*>(out) = ::gettid();
                return nullptr;
            },
            &tid);
        ::pthread_join(th, nullptr);
        r.v[0] = tid;
        return 0;
    });
    int64_t tid = run.report.v[0];
    ASSERT_GT(tid, 0);
    bool checked = false;
    replay(run, {run.pid}, GetParam(), [&](const state::Tables& t, const event::View& e) {
        if (!is_clone(e) || checked) {
            return;
        }
        const state::Thread* th = t.find_thread(tid);
        const state::Thread* leader = t.find_thread(run.pid);
        if (th == nullptr || leader == nullptr) {
            return;
        }
        checked = true;
        EXPECT_EQ(th->pid, run.pid);
        EXPECT_FALSE(th->is_main_thread());
        EXPECT_EQ(t.process(*th), t.process(*leader)); // one process: fds, cwd, program
        EXPECT_NE(th->clone_flags & KES_CL_CLONE_THREAD, 0u);
        EXPECT_EQ(th->comm, leader->comm);
    });
    EXPECT_TRUE(checked) << "the thread never appeared in the table";
}

INSTANTIATE_TEST_SUITE_P(Sides, ProcStateTest,
                         ::testing::Values(Side::kBoth, Side::kCallerOnly, Side::kChildOnly),
                         [](const ::testing::TestParamInfo<Side>& info) {
                             switch (info.param) {
                             case Side::kBoth:
                                 return std::string("Both");
                             case Side::kCallerOnly:
                                 return std::string("CallerOnly");
                             case Side::kChildOnly:
                                 return std::string("ChildOnly");
                             }
                             return std::string("Unknown");
                         });

TEST_F(ProcTest, ChildInNewPidNamespaceKeepsHostParent) {
    auto run = run_tree([](Report& r) {
        if (::unshare(CLONE_NEWPID) != 0) {
            return 1;
        }
        pid_t child = ::fork();
        if (child == 0) {
            char arg0[] = "true";
            char* argv[] = {arg0, nullptr};
            char* envp[] = {nullptr};
            ::execve("/bin/true", argv, envp);
            ::_exit(127);
        }
        r.v[0] = child;
        ::waitpid(child, nullptr, 0);
        return 0;
    });
    ASSERT_EQ(WEXITSTATUS(run.status), 0);
    int64_t gc = run.report.v[0];
    ASSERT_GT(gc, 0);
    bool checked = false;
    // The caller's record of a child in another pid namespace is left to the child's own
    // (libsinsp does the same): the table must still get host ids, the namespaced ones, and
    // the parent link.
    replay(run, {run.pid, gc}, Side::kBoth, [&](const state::Tables& t, const event::View& e) {
        if (e.type() != KES_EVT_EXECVE || e.pid() != static_cast<uint32_t>(gc)) {
            return;
        }
        checked = true;
        const state::Thread* th = t.find_thread(gc);
        ASSERT_NE(th, nullptr);
        EXPECT_EQ(th->comm, "true");
        EXPECT_EQ(th->ptid, run.pid);
        EXPECT_EQ(th->vtid, 1);
        EXPECT_NE(th->clone_flags & KES_CL_CHILD_IN_PIDNS, 0u);
        const state::Process* p = t.process(*th);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(p->vpid, 1);
        EXPECT_GT(p->pidns_init_start_ts, 0u);
        const state::Thread* parent = t.parent(*th);
        ASSERT_NE(parent, nullptr);
        EXPECT_EQ(parent->tid, run.pid);
    });
    EXPECT_TRUE(checked);
}

TEST_F(ProcTest, ExecFromThreadLeavesOneThreadInState) {
    auto run = run_tree([](Report& r) {
        pthread_t th;
        ::pthread_create(
            &th, nullptr,
            [](void*) -> void* {
                char arg0[] = "true";
                char* argv[] = {arg0, nullptr};
                char* envp[] = {nullptr};
                ::execve("/bin/true", argv, envp);
                return nullptr;
            },
            nullptr);
        ::pthread_join(th, nullptr);
        r.v[0] = -1;
        return 2;
    });
    ASSERT_EQ(WEXITSTATUS(run.status), 0);
    int64_t old_tid = 0;
    bool checked = false;
    replay(run, {run.pid}, Side::kBoth, [&](const state::Tables& t, const event::View& e) {
        if (is_clone(e) && e.param_int64(KES_P_CLONE_RES) > 0) {
            old_tid = e.param_int64(KES_P_CLONE_RES);
        }
        if (e.type() != KES_EVT_EXECVE) {
            return;
        }
        checked = true;
        // The exec'ing thread now has the leader's tid: the main thread runs the new program,
        // and its process is the group's.
        const state::Thread* leader = t.find_thread(run.pid);
        ASSERT_NE(leader, nullptr);
        EXPECT_EQ(leader->comm, "true");
        EXPECT_FALSE(leader->dead);
        EXPECT_EQ(leader->ptid, ::getpid());
        ASSERT_GT(old_tid, 0);
        // Falco's libsinsp removes the exec'ing thread's old entry (it is gone in the kernel).
        EXPECT_EQ(t.find_thread(old_tid), nullptr) << "stale entry for the old thread id";
    });
    EXPECT_TRUE(checked);
}

} // namespace
} // namespace kestrel::capture
