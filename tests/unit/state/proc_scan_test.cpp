// The /proc scan of the test process itself: its threads, fds, cwd, exe; loaded into Tables.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <thread>

#include "gen/kestrel_events.h"
#include "state/proc_scan.hpp"
#include "state/tables.hpp"

namespace kestrel::state {
namespace {

const FdSnapshot* find(const ThreadSnapshot& t, int64_t fd) {
    for (const FdSnapshot& f : t.fds) {
        if (f.fd == fd) {
            return &f;
        }
    }
    return nullptr;
}

TEST(state_proc_scan, OpenFlagsToPpm) {
    EXPECT_EQ(open_flags_to_ppm(O_RDONLY), uint32_t{KES_O_RDONLY});
    EXPECT_EQ(open_flags_to_ppm(O_WRONLY | O_CREAT | O_TRUNC),
              uint32_t{KES_O_WRONLY | KES_O_CREAT | KES_O_TRUNC});
    EXPECT_EQ(open_flags_to_ppm(O_RDWR | O_CLOEXEC) & (KES_O_RDWR | KES_O_CLOEXEC),
              uint32_t{KES_O_RDWR | KES_O_CLOEXEC});
}

TEST(state_proc_scan, ScansSelf) {
    char tmpl[] = "/tmp/kes_state_scanXXXXXX";
    int file = mkstemp(tmpl);
    ASSERT_GE(file, 0);
    int pipes[2];
    ASSERT_EQ(pipe(pipes), 0);
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(listener, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(listen(listener, 1), 0);
    socklen_t len = sizeof(addr);
    getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    uint16_t port = ntohs(addr.sin_port);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);

    std::atomic<bool> stop{false};
    std::thread worker([&] {
        while (!stop) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });

    ProcScanStats stats;
    ProcScanOptions options;
    options.only_pid = getpid();
    auto r = scan_proc(options, &stats);
    stop = true;
    worker.join();
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    ASSERT_GE(r->size(), 2u); // main thread + worker
    const ThreadSnapshot& self = r->front();
    EXPECT_EQ(self.tid, getpid());
    EXPECT_EQ(self.pid, getpid());
    EXPECT_EQ(self.ptid, getppid());
    EXPECT_EQ(stats.processes, 1u);
    EXPECT_GE(stats.threads, 2u);

    char cwd[PATH_MAX];
    ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
    EXPECT_EQ(self.cwd, cwd);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe));
    ASSERT_GT(n, 0);
    EXPECT_EQ(self.exepath, std::string(exe, static_cast<size_t>(n)));
    EXPECT_FALSE(self.exe.empty());
    EXPECT_FALSE(self.comm.empty());
    EXPECT_FALSE(self.cgroups.empty());

    const FdSnapshot* f = find(self, file);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->type, FdType::kFile);
    EXPECT_EQ(f->name, tmpl);
    EXPECT_TRUE((f->openflags & KES_O_RDWR) == KES_O_RDWR);
    const FdSnapshot* p = find(self, pipes[0]);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->type, FdType::kPipe);
    const FdSnapshot* l = find(self, listener);
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->type, FdType::kIpv4Sock);
    EXPECT_EQ(l->role, SockRole::kServer);
    EXPECT_EQ(l->sport, port);
    EXPECT_NE(l->openflags & KES_O_CLOEXEC, 0u);
    const FdSnapshot* c = find(self, client);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->type, FdType::kIpv4Sock);
    EXPECT_EQ(c->sport, port);
    EXPECT_EQ(c->l4proto, L4Proto::kTcp);

    // Loaded into the tables.
    Tables t;
    t.load(*r);
    const Thread* th = t.find_thread(getpid());
    ASSERT_NE(th, nullptr);
    EXPECT_EQ(t.process(*th)->cwd, std::string(cwd) + "/");
    EXPECT_EQ(t.process(*th)->exepath, std::string(exe, static_cast<size_t>(n)));
    const Fd* fd = t.find_fd(*th, file);
    ASSERT_NE(fd, nullptr);
    EXPECT_EQ(fd->name, tmpl);
    const Fd* cfd = t.find_fd(*th, client);
    ASSERT_NE(cfd, nullptr);
    EXPECT_EQ(cfd->name,
              "127.0.0.1:" + std::to_string(c->cport) + "->127.0.0.1:" + std::to_string(port));
    // Every thread of the process shares the one fd table.
    const Thread* w = t.find_thread(r->back().tid);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(t.process(*w), t.process(*th));
    EXPECT_TRUE(proc_alive(getpid()));
    EXPECT_FALSE(proc_alive(INT32_MAX));

    ::close(client);
    ::close(listener);
    ::close(pipes[0]);
    ::close(pipes[1]);
    ::close(file);
    unlink(tmpl);
}

TEST(state_proc_scan, WholeHostAndMissingPid) {
    ProcScanStats stats;
    ProcScanOptions options;
    options.read_fds = false;
    auto r = scan_proc(options, &stats);
    ASSERT_TRUE(r.ok());
    EXPECT_GE(stats.processes, 1u);
    Tables t;
    t.load(*r);
    EXPECT_NE(t.find_thread(getpid()), nullptr);
    Tables live;
    auto loaded = load_proc(live);
    ASSERT_TRUE(loaded.ok());
    EXPECT_GE(loaded->threads, 1u);
    const Thread* self = live.find_thread(getpid());
    ASSERT_NE(self, nullptr);
    EXPECT_NE(live.parent(*self), nullptr); // the test runner's process is there too
    EXPECT_GT(live.counters().n_fds, 0u);
    EXPECT_FALSE(scan_proc_pid(INT32_MAX).ok());
    ProcScanOptions bad;
    bad.proc_root = "/nonexistent-proc";
    EXPECT_FALSE(scan_proc(bad).ok());
}

TEST(state_proc_scan, OnlyTheListedPids) {
    ProcScanStats stats;
    ProcScanOptions options;
    options.only_pids = {getpid(), 0x3fffffff}; // the second cannot exist (above pid_max)
    auto r = scan_proc(options, &stats);
    ASSERT_TRUE(r.ok());
    ASSERT_FALSE(r->empty());
    for (const ThreadSnapshot& t : *r) {
        EXPECT_EQ(t.pid, getpid());
    }
    EXPECT_EQ(stats.processes, 1u);
    EXPECT_GE(stats.vanished, 1u); // the missing one (and the fd that listed our own fds)
    EXPECT_FALSE(list_proc_pids().empty());
}

FdSnapshot from_tuple(const std::vector<uint8_t>& t, bool listening) {
    FdSnapshot f;
    EXPECT_TRUE(socket_fd_from_tuple(t, listening, L4Proto::kUdp, "/own", &f));
    return f;
}

TEST(state_proc_scan, SocketFromTupleAndAnonInodes) {
    std::vector<uint8_t> t(13, 0);
    t[0] = KES_AF_INET;
    t[1] = 127;
    t[4] = 1;
    uint16_t port = 53;
    std::memcpy(&t[5], &port, 2);
    FdSnapshot bound = from_tuple(t, false); // a bound, unconnected UDP socket
    EXPECT_EQ(bound.type, FdType::kIpv4Sock);
    EXPECT_EQ(bound.role, SockRole::kClient);
    EXPECT_EQ(bound.cport, 53);
    EXPECT_EQ(bound.sport, 0);
    EXPECT_EQ(bound.l4proto, L4Proto::kUdp);
    std::vector<uint8_t> u(18, 0);
    u[0] = KES_AF_UNIX; // unconnected: no peer, no peer path
    FdSnapshot unix_fd = from_tuple(u, false);
    EXPECT_EQ(unix_fd.type, FdType::kUnixSock);
    EXPECT_EQ(unix_fd.name, "/own");
    EXPECT_EQ(anon_inode_fd_type("[eventfd]"), FdType::kEvent);
    EXPECT_EQ(anon_inode_fd_type("inotify"), FdType::kInotify);
    EXPECT_EQ(anon_inode_fd_type("[bpf-map]"), FdType::kBpf);
    EXPECT_EQ(anon_inode_fd_type("[something-new]"), FdType::kUnknown);
}

} // namespace
} // namespace kestrel::state
