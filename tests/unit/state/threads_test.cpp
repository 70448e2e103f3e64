// Thread table: fork/clone/exec/exit, ancestry, reparenting, shared vs copied fd tables, bounds.

#include <gtest/gtest.h>

#include <algorithm>

#include "state/tables.hpp"
#include "state_events.hpp"

namespace kestrel::state {
namespace {

using testing::Feed;

TEST(state_threads, ForkExecBuildsAncestry) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.fork(100, 100, 200, "bash");
    f.execve({.tid = 200,
              .pid = 200,
              .ptid = 100,
              .exe = "curl",
              .args = {"-s", "http://example.com"},
              .comm = "curl",
              .exepath = "/usr/bin/curl",
              .env = {"HOME=/root", "TERM=xterm"}});

    const Thread* curl = t.find_thread(200);
    ASSERT_NE(curl, nullptr);
    EXPECT_EQ(curl->comm, "curl");
    EXPECT_EQ(curl->pid, 200);
    EXPECT_EQ(curl->ptid, 100);
    const Process* p = t.process(*curl);
    EXPECT_EQ(p->exe, "curl");
    EXPECT_EQ(p->exepath, "/usr/bin/curl");
    EXPECT_EQ(p->args, "-s http://example.com");
    EXPECT_EQ(p->arg(1), "http://example.com");
    EXPECT_EQ(p->arg_count(), 2u);
    EXPECT_EQ(curl->cmdline, "curl -s http://example.com");
    EXPECT_EQ(p->env, "HOME=/root TERM=xterm");
    EXPECT_EQ(p->env_value("TERM"), "xterm");
    EXPECT_EQ(p->cwd, "/");
    EXPECT_EQ(curl->loginuid_signed(), 1000);
    EXPECT_EQ(p->container_id, "host");

    ASSERT_NE(t.parent(*curl), nullptr);
    EXPECT_EQ(t.parent(*curl)->comm, "bash");
    EXPECT_EQ(t.ancestor(*curl, 0), curl);
    EXPECT_EQ(t.ancestor(*curl, 1)->comm, "bash");
    EXPECT_EQ(t.ancestor(*curl, 2)->comm, "systemd");
    EXPECT_EQ(t.ancestor(*curl, 3), nullptr);
    std::vector<std::string> names;
    t.for_each_ancestor(*curl, [&](const Thread& a) {
        names.push_back(a.comm);
        return true;
    });
    EXPECT_EQ(names, (std::vector<std::string>{"bash", "systemd"}));
}

TEST(state_threads, ChildEventFirstIsKeptWhenParentEventFollows) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    // The child's event arrives before the parent's (another CPU).
    f.clone({.res = 0, .tid = 300, .pid = 300, .ptid = 100, .comm = "bash"});
    const Thread* c = t.find_thread(300);
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(c->from_child_event);
    f.clone({.res = 300, .tid = 100, .pid = 100, .ptid = 1, .comm = "bash"});
    c = t.find_thread(300);
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(c->from_child_event);
    EXPECT_EQ(t.counters().n_tid_collisions, 0u);
    EXPECT_EQ(t.process(*c)->args, "-l"); // copied from the parent's program
}

TEST(state_threads, StaleEntryReplacedOnTidReuse) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.fork(100, 100, 400, "bash");
    // The procexit of 400 was lost; much later the tid is reused.
    f.advance(10ULL * 1000 * 1000 * 1000);
    f.clone({.res = 0, .tid = 400, .pid = 400, .ptid = 1, .comm = "other"});
    const Thread* c = t.find_thread(400);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->comm, "other");
    EXPECT_EQ(c->ptid, 1);
    EXPECT_EQ(t.counters().n_tid_collisions, 1u);
}

TEST(state_threads, ThreadsShareFdTableForkCopiesIt) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.openat(100, 100, 3, Tables::kAtFdcwd, "/etc/hosts");
    // A thread of bash and a forked child.
    f.fork(100, 100, 101, "bash",
           KES_CL_CLONE_THREAD | KES_CL_CLONE_FILES | KES_CL_CLONE_FS | KES_CL_CLONE_VM |
               KES_CL_CLONE_SIGHAND);
    f.fork(100, 100, 200, "bash");
    const Thread* thr = t.find_thread(101);
    const Thread* child = t.find_thread(200);
    ASSERT_NE(thr, nullptr);
    ASSERT_NE(child, nullptr);
    EXPECT_EQ(thr->pid, 100);
    EXPECT_EQ(thr->ptid, 1); // a thread's parent is its process's parent
    EXPECT_EQ(t.process(*thr), t.process(*t.find_thread(100)));
    EXPECT_NE(t.process(*child), t.process(*t.find_thread(100)));

    // An fd opened by the thread is seen by the main thread, not by the fork child.
    f.openat(101, 100, 4, Tables::kAtFdcwd, "/etc/shadow");
    EXPECT_NE(t.find_fd(*t.find_thread(100), 4), nullptr);
    EXPECT_EQ(t.find_fd(*t.find_thread(200), 4), nullptr);
    // The child has its copy of fd 3; closing it there leaves the parent's.
    ASSERT_NE(t.find_fd(*t.find_thread(200), 3), nullptr);
    f.close(200, 200, 3);
    f.tick();
    EXPECT_EQ(t.find_fd(*t.find_thread(200), 3), nullptr);
    EXPECT_NE(t.find_fd(*t.find_thread(100), 3), nullptr);
    // chdir in the thread moves the whole process (CLONE_FS as libsinsp models threads).
    f.chdir(101, 100, "/tmp");
    EXPECT_EQ(t.process(*t.find_thread(100))->cwd, "/tmp/");
    EXPECT_EQ(t.process(*t.find_thread(200))->cwd, "/root/");
}

TEST(state_threads, ExecKillsOtherThreadsAndDropsCloexecFds) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.fork(100, 100, 200, "bash");
    f.openat(200, 200, 3, Tables::kAtFdcwd, "/etc/keep");
    f.openat(200, 200, 4, Tables::kAtFdcwd, "/etc/drop", KES_O_RDONLY | KES_O_CLOEXEC);
    f.fork(200, 200, 201, "bash", KES_CL_CLONE_THREAD | KES_CL_CLONE_FILES);
    ASSERT_NE(t.find_thread(201), nullptr);
    f.execve({.tid = 200, .pid = 200, .ptid = 100, .exe = "ls", .comm = "ls"});
    EXPECT_EQ(t.find_thread(201), nullptr);
    const Thread* ls = t.find_thread(200);
    ASSERT_NE(ls, nullptr);
    EXPECT_NE(t.find_fd(*ls, 3), nullptr);
    EXPECT_EQ(t.find_fd(*ls, 4), nullptr);
    EXPECT_EQ(ls->cmdline, "ls");
}

TEST(state_threads, FailedExecChangesNothing) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.execve({.tid = 100, .pid = 100, .ptid = 1, .res = -2, .exe = "nope", .comm = "nope"});
    EXPECT_EQ(t.find_thread(100)->comm, "bash");
    EXPECT_EQ(t.process(*t.find_thread(100))->exe, "bash");
}

TEST(state_threads, ExitIsDeferredAndReparentsChildren) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.fork(100, 100, 200, "bash");
    f.fork(200, 200, 300, "bash");
    f.fork(200, 200, 301, "bash");
    uint64_t removed = t.counters().n_removed_threads;

    f.procexit(200, 200, /*reaper=*/1);
    // Still there for the rules evaluated on the procexit itself.
    ASSERT_NE(t.find_thread(200), nullptr);
    f.tick(100, 100);
    EXPECT_EQ(t.find_thread(200), nullptr);
    EXPECT_EQ(t.counters().n_removed_threads, removed + 1);
    EXPECT_EQ(t.find_thread(300)->ptid, 1);
    EXPECT_EQ(t.find_thread(301)->ptid, 1);
    EXPECT_EQ(t.parent(*t.find_thread(300))->comm, "systemd");
    EXPECT_EQ(t.counters().n_reparented_threads, 2u);
    // The reaper's children now include them: its exit moves them on again.
    f.fork(1, 1, 150, "systemd");
    f.procexit(1, 1, 150);
    f.tick(100, 100);
    EXPECT_EQ(t.find_thread(300)->ptid, 150);
}

TEST(state_threads, MainThreadKeptWhileGroupRuns) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.fork(100, 100, 200, "bash");
    f.openat(200, 200, 5, Tables::kAtFdcwd, "/var/log/x");
    f.fork(200, 200, 201, "bash", KES_CL_CLONE_THREAD | KES_CL_CLONE_FILES);
    f.fork(200, 200, 300, "bash"); // a child of the main thread
    f.procexit(200, 200, 201);
    f.tick(100, 100);
    const Thread* main = t.find_thread(200);
    ASSERT_NE(main, nullptr);
    EXPECT_TRUE(main->dead);
    // The fd table is still there for the remaining thread.
    EXPECT_NE(t.find_fd(*t.find_thread(201), 5), nullptr);
    size_t fds = t.counters().n_fds;
    f.procexit(201, 200, 1);
    f.tick(100, 100);
    EXPECT_EQ(t.find_thread(200), nullptr);
    EXPECT_EQ(t.find_thread(201), nullptr);
    EXPECT_LT(t.counters().n_fds, fds);
}

TEST(state_threads, LoadSnapshotsWithRawLists) {
    Tables t;
    std::vector<ThreadSnapshot> snaps(2);
    snaps[0].tid = snaps[0].pid = 42;
    snaps[0].ptid = 1;
    snaps[0].comm = "nginx";
    snaps[0].exe = "nginx:";
    snaps[0].args_raw = std::string("master\0process\0", 15);
    snaps[0].env_raw = std::string("A=1\0B=2\0", 8);
    std::string id(64, 'c');
    snaps[0].cgroups_raw = "cpu=/docker/" + id + std::string(1, '\0');
    snaps[0].cwd = "/";
    FdSnapshot sock;
    sock.fd = 6;
    sock.type = FdType::kIpv4Sock;
    sock.role = SockRole::kServer;
    sock.l4proto = L4Proto::kTcp;
    sock.sip.family = 4;
    sock.sip.bytes[0] = 127;
    sock.sip.bytes[3] = 1;
    sock.sport = 80;
    snaps[0].fds.push_back(sock);
    snaps[1].tid = 43;
    snaps[1].pid = 42;
    snaps[1].ptid = 1;
    snaps[1].comm = "nginx-worker";
    t.load(snaps);
    const Thread* m = t.find_thread(42);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(t.process(*m)->args, "master process");
    EXPECT_EQ(m->cmdline, "nginx master process");
    EXPECT_EQ(t.process(*m)->env_value("B"), "2");
    EXPECT_EQ(t.process(*m)->container_id, std::string(12, 'c'));
    EXPECT_EQ(t.find_fd(*m, 6)->role, SockRole::kServer);
    const Thread* w = t.find_thread(43);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(t.process(*w), t.process(*m));
    EXPECT_EQ(w->cmdline, "nginx-worker master process");
}

TEST(state_threads, LoadedConnectionsOnListeningPortsAreServers) {
    Tables t;
    std::vector<ThreadSnapshot> snaps(1);
    ThreadSnapshot& s = snaps[0];
    s.tid = s.pid = 50;
    s.comm = "sshd";
    IpAddr any;
    any.family = 4;
    IpAddr local = any;
    local.bytes = {10, 0, 0, 1};
    IpAddr peer = any;
    peer.bytes = {10, 0, 0, 9};
    FdSnapshot listener;
    listener.fd = 3;
    listener.type = FdType::kIpv4Sock;
    listener.role = SockRole::kServer;
    listener.sip = any;
    listener.sport = 22;
    FdSnapshot conn; // as a loader gives it: local end as the client
    conn.fd = 4;
    conn.type = FdType::kIpv4Sock;
    conn.role = SockRole::kClient;
    conn.cip = local;
    conn.cport = 22;
    conn.sip = peer;
    conn.sport = 51000;
    FdSnapshot out = conn; // a real client connection
    out.fd = 5;
    out.cport = 40000;
    out.sport = 443;
    s.fds = {listener, conn, out};
    t.load(snaps);
    const Thread* th = t.find_thread(50);
    const Fd* c = t.find_fd(*th, 4);
    EXPECT_EQ(c->role, SockRole::kServer);
    EXPECT_EQ(c->name, "10.0.0.9:51000->10.0.0.1:22");
    EXPECT_EQ(c->lport(), 22);
    EXPECT_EQ(t.find_fd(*th, 5)->role, SockRole::kClient);
    EXPECT_EQ(t.find_fd(*th, 5)->name, "10.0.0.1:40000->10.0.0.9:443");
}

TEST(state_threads, AncestryLoopIsBounded) {
    Tables t;
    std::vector<ThreadSnapshot> snaps(2);
    snaps[0].tid = snaps[0].pid = 10;
    snaps[0].ptid = 11;
    snaps[0].comm = "a";
    snaps[1].tid = snaps[1].pid = 11;
    snaps[1].ptid = 10;
    snaps[1].comm = "b";
    t.load(snaps);
    const Thread* a = t.find_thread(10);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(t.ancestor(*a, 1)->comm, "b");
    EXPECT_EQ(t.ancestor(*a, 2), nullptr); // back to the start
    int steps = 0;
    t.for_each_ancestor(*a, [&](const Thread&) {
        ++steps;
        return true;
    });
    EXPECT_EQ(steps, 1);
}

TEST(state_threads, FullTableDropsNewThreadsAndCounts) {
    Config c;
    c.thread_table_size = 4;
    Tables t(c);
    Feed f(t);
    testing::boot(f); // 1, 100
    f.fork(100, 100, 200, "bash");
    f.fork(100, 100, 201, "bash");
    EXPECT_EQ(t.thread_count(), 4u);
    f.fork(100, 100, 202, "bash");
    EXPECT_EQ(t.find_thread(202), nullptr);
    EXPECT_EQ(t.thread_count(), 4u);
    EXPECT_GE(t.counters().n_drops_full_threadtable, 1u);
    // Room again after an exit.
    f.procexit(201, 201);
    f.tick(100, 100);
    f.fork(100, 100, 203, "bash");
    EXPECT_NE(t.find_thread(203), nullptr);
}

TEST(state_threads, UnknownThreadIsCreatedFromHeader) {
    Tables t;
    Feed f(t);
    f.openat(555, 550, 3, Tables::kAtFdcwd, "/etc/passwd");
    const Thread* th = t.find_thread(555);
    ASSERT_NE(th, nullptr);
    EXPECT_EQ(th->pid, 550);
    EXPECT_EQ(th->comm, "p");
    EXPECT_EQ(t.counters().n_missing_thread, 1u);
    // Relative to an unknown cwd: resolved against "/".
    EXPECT_NE(t.find_fd(*th, 3), nullptr);
}

// Capture readers give pid 0 for a thread they never saw created (single_ipv6_conn.scap's client
// and server): each becomes its own process, as in libsinsp, not a thread of "process 0".
TEST(state_threads, UnknownThreadWithoutPidLeadsItsOwnGroup) {
    Tables t;
    Feed f(t);
    f.openat(25886, 0, 3, Tables::kAtFdcwd, "/a");
    f.openat(25888, 0, 3, Tables::kAtFdcwd, "/b");
    const Thread* server = t.find_thread(25886);
    const Thread* client = t.find_thread(25888);
    ASSERT_NE(server, nullptr);
    ASSERT_NE(client, nullptr);
    EXPECT_EQ(server->pid, 25886);
    EXPECT_EQ(client->pid, 25888);
    EXPECT_NE(t.process(*server), t.process(*client));
    EXPECT_EQ(t.find_thread(0), nullptr);
    EXPECT_EQ(t.thread_count(), 2u);
}

TEST(state_threads, UnknownGroupGetsOnePlaceholderMain) {
    Tables t;
    Feed f(t);
    // Two threads of a process state never saw, then its main thread.
    f.openat(702, 700, 3, Tables::kAtFdcwd, "/a");
    f.openat(703, 700, 4, Tables::kAtFdcwd, "/b");
    f.openat(700, 700, 5, Tables::kAtFdcwd, "/c");
    const Thread* main = t.find_thread(700);
    ASSERT_NE(main, nullptr);
    EXPECT_EQ(t.process(*main), t.process(*t.find_thread(702)));
    EXPECT_EQ(t.process(*main), t.process(*t.find_thread(703)));
    EXPECT_EQ(t.process(*main)->fds.size(), 3u);
    EXPECT_EQ(t.thread_count(), 3u);
    // The group goes with its last thread.
    f.procexit(702, 700);
    f.procexit(703, 700);
    f.procexit(700, 700);
    f.tick(1, 1);
    EXPECT_EQ(t.find_thread(700), nullptr);
    EXPECT_EQ(t.counters().n_fds, 0u);
}

TEST(state_threads, PartialThreadsAreEnrichedFromSnapshots) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    // A process state never saw: its events make a partial entry, listed for a /proc read.
    f.openat(800, 800, 3, Tables::kAtFdcwd, "/var/lib/data", KES_O_RDWR);
    const Thread* th = t.find_thread(800);
    ASSERT_NE(th, nullptr);
    EXPECT_TRUE(th->partial);
    EXPECT_EQ(t.parent(*th), nullptr);
    std::vector<int64_t> todo;
    t.take_unresolved(todo);
    EXPECT_EQ(todo, std::vector<int64_t>{800});
    t.take_unresolved(todo);
    EXPECT_EQ(todo.size(), 1u); // drained

    ThreadSnapshot s;
    s.tid = s.pid = 800;
    s.ptid = 100;
    s.comm = "postgres";
    s.exe = "/usr/lib/postgresql/bin/postgres";
    s.exepath = s.exe;
    s.args = {"-D", "/var/lib/data"};
    s.cwd = "/var/lib";
    s.uid = 999;
    FdSnapshot old;
    old.fd = 3;
    old.type = FdType::kFile;
    old.name = "/stale/from/proc";
    FdSnapshot other;
    other.fd = 7;
    other.type = FdType::kFile;
    other.name = "/var/log/pg.log";
    s.fds = {old, other};
    ASSERT_TRUE(t.enrich(s));
    th = t.find_thread(800);
    EXPECT_FALSE(th->partial);
    EXPECT_EQ(t.parent(*th)->comm, "bash");
    EXPECT_EQ(th->cmdline, "postgres -D /var/lib/data");
    EXPECT_EQ(th->uid, 999u);
    EXPECT_EQ(t.process(*th)->cwd, "/var/lib/");
    EXPECT_EQ(t.find_fd(*th, 3)->name, "/var/lib/data"); // the event's, not the snapshot's
    EXPECT_EQ(t.find_fd(*th, 7)->name, "/var/log/pg.log");
    EXPECT_FALSE(t.enrich(s)); // not partial any more
    // Its exit now reparents through a known parent.
    EXPECT_NE(
        std::find(t.find_thread(100)->children.begin(), t.find_thread(100)->children.end(), 800),
        t.find_thread(100)->children.end());
}

TEST(state_threads, CountersAndLookupCache) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    Counters before = t.counters();
    EXPECT_EQ(before.n_threads, 2u);
    EXPECT_EQ(before.n_added_threads, 2u);
    // The last event's thread (100) is in the cache; 1 is not, and then 100 is not either.
    EXPECT_NE(t.find_thread(1), nullptr);
    const Thread* a = t.find_thread(100);
    const Thread* b = t.find_thread(100);
    EXPECT_EQ(a, b);
    EXPECT_EQ(t.counters().n_cached_thread_lookups, before.n_cached_thread_lookups + 1);
    EXPECT_EQ(t.counters().n_noncached_thread_lookups, before.n_noncached_thread_lookups + 2);
    EXPECT_EQ(t.find_thread(4242), nullptr);
    EXPECT_EQ(t.counters().n_failed_thread_lookups, before.n_failed_thread_lookups + 1);
}

TEST(state_threads, CredentialsAndCaps) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.emit(KES_EVT_SETUID, 100, 100, "bash",
           [](event::RecordBuilder& b) { b.add_int64(0).add_uint32(33); });
    EXPECT_EQ(t.find_thread(100)->uid, 33u);
    f.emit(KES_EVT_SETRESUID, 100, 100, "bash", [](event::RecordBuilder& b) {
        b.add_int64(0).add_uint32(UINT32_MAX).add_uint32(0).add_uint32(UINT32_MAX);
    });
    EXPECT_EQ(t.find_thread(100)->uid, 0u);
    f.emit(KES_EVT_CAPSET, 100, 100, "bash", [](event::RecordBuilder& b) {
        b.add_int64(0).add_uint64(1).add_uint64(2).add_uint64(3);
    });
    EXPECT_EQ(t.find_thread(100)->cap_effective, 3u);
}

TEST(state_threads, GroupIdsReuidAndSession) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.emit(KES_EVT_SETRESGID, 100, 100, "bash", [](event::RecordBuilder& b) {
        b.add_int64(0).add_uint32(UINT32_MAX).add_uint32(44).add_uint32(UINT32_MAX);
    });
    EXPECT_EQ(t.find_thread(100)->gid, 44u);
    f.emit(KES_EVT_SETREGID, 100, 100, "bash", [](event::RecordBuilder& b) {
        b.add_int64(0).add_uint32(7).add_uint32(UINT32_MAX); // effective unchanged
    });
    EXPECT_EQ(t.find_thread(100)->gid, 44u);
    f.emit(KES_EVT_SETREUID, 100, 100, "bash",
           [](event::RecordBuilder& b) { b.add_int64(0).add_uint32(UINT32_MAX).add_uint32(55); });
    EXPECT_EQ(t.find_thread(100)->uid, 55u);
    // A failed call changes nothing.
    f.emit(KES_EVT_SETREUID, 100, 100, "bash",
           [](event::RecordBuilder& b) { b.add_int64(-1).add_uint32(UINT32_MAX).add_uint32(66); });
    EXPECT_EQ(t.find_thread(100)->uid, 55u);
    f.emit(KES_EVT_SETSID, 100, 100, "bash", [](event::RecordBuilder& b) { b.add_int64(100); });
    EXPECT_EQ(t.process(*t.find_thread(100))->sid, 100);
    f.emit(KES_EVT_SETSID, 100, 100, "bash",
           [](event::RecordBuilder& b) { b.add_int64(-1); }); // EPERM: unchanged
    EXPECT_EQ(t.process(*t.find_thread(100))->sid, 100);
}

TEST(state_threads, PurgeRemovesTimedOutDeadThreads) {
    Config c;
    c.thread_timeout_ns = 1000;
    Tables t(c);
    Feed f(t);
    testing::boot(f);
    f.fork(100, 100, 200, "bash");
    size_t n = t.purge(f.ts() + 1'000'000, [](int64_t tid) { return tid != 200; });
    EXPECT_EQ(n, 1u);
    EXPECT_EQ(t.find_thread(200), nullptr);
    EXPECT_NE(t.find_thread(100), nullptr);
    EXPECT_EQ(t.counters().n_purged_threads, 1u);
}

} // namespace
} // namespace kestrel::state

namespace kestrel::state {
namespace {

using testing::Feed;

TEST(state_threads, VforkChildFirstAndExitBeforeParentReturns) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    // vfork: the child runs (exec, exit) while the parent waits; the parent's event comes last
    // and must not bring the exited child back (falco#3664).
    f.clone({.res = 0,
             .tid = 210,
             .pid = 210,
             .ptid = 100,
             .comm = "bash",
             .cwd = "/root",
             .flags = KES_CL_CLONE_VM | KES_CL_CLONE_VFORK,
             .type = KES_EVT_VFORK});
    ASSERT_NE(t.find_thread(210), nullptr);
    f.execve({.tid = 210, .pid = 210, .ptid = 100, .exe = "true", .comm = "true"});
    f.procexit(210, 210, 100);
    f.clone({.res = 210,
             .tid = 100,
             .pid = 100,
             .ptid = 1,
             .comm = "bash",
             .cwd = "/root",
             .flags = KES_CL_CLONE_VM | KES_CL_CLONE_VFORK,
             .type = KES_EVT_VFORK});
    f.tick(100, 100);
    EXPECT_EQ(t.find_thread(210), nullptr);
    EXPECT_EQ(t.thread_count(), 2u);
}

TEST(state_threads, ChildInPidNamespace) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    // The parent's event carries the namespaced tid (1): ignored; the child's event is used.
    f.clone({.res = 1,
             .tid = 100,
             .pid = 100,
             .ptid = 1,
             .comm = "bash",
             .flags = KES_CL_CLONE_NEWPID | KES_CL_CHILD_IN_PIDNS});
    EXPECT_EQ(t.find_thread(1)->comm, "systemd"); // not clobbered
    f.clone({.res = 0,
             .tid = 5000,
             .pid = 5000,
             .ptid = 100,
             .comm = "sh",
             .flags = KES_CL_CLONE_NEWPID | KES_CL_CHILD_IN_PIDNS,
             .vtid = 1,
             .vpid = 1});
    const Thread* c = t.find_thread(5000);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->vtid, 1);
    EXPECT_EQ(t.process(*c)->vpid, 1);
    EXPECT_EQ(t.parent(*c)->tid, 100);
    // Its own children: the caller's vtid differs from its tid, so its clone's res (a
    // namespaced tid) is ignored too.
    f.clone({.res = 2, .tid = 5000, .pid = 5000, .ptid = 100, .comm = "sh"});
    EXPECT_EQ(t.find_thread(2), nullptr);
}

TEST(state_threads, CountersVisitAndFdByPid) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.fork(100, 100, 101, "bash", KES_CL_CLONE_THREAD | KES_CL_CLONE_FILES);
    f.openat(101, 100, 3, Tables::kAtFdcwd, "/etc/hosts");
    ASSERT_NE(t.find_fd_by_pid(100, 3), nullptr);
    EXPECT_EQ(t.find_fd_by_pid(100, 3)->name, "/etc/hosts");
    EXPECT_EQ(t.find_fd_by_pid(4242, 3), nullptr);
    std::vector<std::string> names;
    uint64_t threads = 0;
    t.counters().visit([&](std::string_view name, uint64_t value, bool gauge) {
        names.emplace_back(name);
        if (name == "n_threads") {
            threads = value;
            EXPECT_TRUE(gauge);
        }
    });
    EXPECT_EQ(threads, 3u);
    EXPECT_EQ(names.size(), 24u); // + the initial-state source counters
    EXPECT_EQ(names[12], "n_drops_full_threadtable");
}

} // namespace
} // namespace kestrel::state

#include "event/gen/events.hpp"

namespace kestrel::state {
namespace {

// Every event of the schema, with every parameter absent and then with zeros and small values:
// state counts what it cannot use and never trips.
TEST(state_threads, EveryEventShapeIsSurvivable) {
    Tables t;
    testing::Feed f(t);
    testing::boot(f);
    for (const event::EventInfo& info : event::all_events()) {
        for (int variant = 0; variant < 3; ++variant) {
            std::vector<uint8_t> buf;
            event::RecordBuilder b(buf, info.id);
            b.ts_ns(f.ts() + 1).tid(100).pid(100).comm("fuzz");
            for (const event::ParamInfo& p : info.params) {
                if (variant == 0) {
                    b.add_absent();
                    continue;
                }
                int64_t v = variant == 1 ? 0 : 3;
                switch (event::param_type_size(p.type)) {
                case 1:
                    b.add_uint8(static_cast<uint8_t>(v));
                    break;
                case 2:
                    b.add_uint16(static_cast<uint16_t>(v));
                    break;
                case 4:
                    b.add_uint32(static_cast<uint32_t>(v));
                    break;
                case 8:
                    b.add_int64(v);
                    break;
                default:
                    if (p.type == event::ParamType::kSocktuple) {
                        b.add_socktuple_in(0, 0, 0, 0);
                    } else if (p.type == event::ParamType::kSockaddr) {
                        b.add_sockaddr_in(0, 0);
                    } else {
                        b.add_string("x");
                    }
                    break;
                }
            }
            b.finish();
            auto view = event::decode(buf, nullptr);
            ASSERT_TRUE(view.ok()) << info.name << ": " << view.error().to_string();
            t.apply(*view);
        }
    }
    t.flush_pending();
    EXPECT_NE(t.find_thread(1), nullptr);
    EXPECT_GE(t.counters().n_bad_event, 1u); // clone/execve without their result
}

TEST(state_threads, CloneOrExecWithoutResultChangesNothing) {
    Tables t;
    testing::Feed f(t);
    testing::boot(f);
    for (uint16_t type : {KES_EVT_CLONE, KES_EVT_EXECVE, KES_EVT_FORK}) {
        f.emit(type, 100, 100, "zz", [](event::RecordBuilder&) {});
    }
    const Thread* bash = t.find_thread(100);
    ASSERT_NE(bash, nullptr);
    EXPECT_EQ(bash->comm, "bash");
    EXPECT_EQ(bash->ptid, 1);
    EXPECT_EQ(t.process(*bash)->args, "-l");
    EXPECT_EQ(t.counters().n_bad_event, 3u);
}

} // namespace
} // namespace kestrel::state
