// Fd tables: opens with dirfd/cwd resolution, close, dup family, fcntl, sockets (IPv4/IPv6/unix,
// client and server roles), pipes, memfd, chdir, rename.

#include <gtest/gtest.h>

#include "state/internal.hpp"
#include "state/tables.hpp"
#include "state_events.hpp"

namespace kestrel::state {
namespace {

using testing::Feed;

const Fd* fd_of(const Tables& t, int64_t tid, int64_t fd) {
    const Thread* th = t.find_thread(tid);
    return th == nullptr ? nullptr : t.find_fd(*th, fd);
}

TEST(state_fds, PathJoinNormalizes) {
    std::string out;
    detail::join_path("/root/", "a/../b/./c", out);
    EXPECT_EQ(out, "/root/b/c");
    detail::join_path("/root", "/etc//passwd", out);
    EXPECT_EQ(out, "/etc/passwd");
    detail::join_path("/", "../../x", out);
    EXPECT_EQ(out, "/x");
    detail::join_path("/a/b", "..", out);
    EXPECT_EQ(out, "/a");
    detail::join_path("/", "", out);
    EXPECT_EQ(out, "/");
    // Absolute paths that look almost normal.
    detail::join_path("/x", "/a/./b", out);
    EXPECT_EQ(out, "/a/b");
    detail::join_path("/x", "/a/b/..", out);
    EXPECT_EQ(out, "/a");
    detail::join_path("/x", "/a/b/", out);
    EXPECT_EQ(out, "/a/b");
    detail::join_path("/x", "/.hidden/..dots/f.", out);
    EXPECT_EQ(out, "/.hidden/..dots/f.");
    detail::join_path("/x", "/", out);
    EXPECT_EQ(out, "/");
}

TEST(state_fds, OpenResolvesCwdAndDirfd) {
    Tables t;
    Feed f(t);
    testing::boot(f); // bash in /root
    f.openat(100, 100, 3, Tables::kAtFdcwd, "notes.txt", KES_O_WRONLY | KES_O_CREAT);
    const Fd* fd = fd_of(t, 100, 3);
    ASSERT_NE(fd, nullptr);
    EXPECT_EQ(fd->name, "/root/notes.txt");
    EXPECT_EQ(fd->nameraw, "notes.txt");
    EXPECT_EQ(fd->typechar(), 'f');
    EXPECT_EQ(fd->directory(), "/root");
    EXPECT_EQ(fd->filename(), "notes.txt");
    EXPECT_EQ(fd->openflags, KES_O_WRONLY | KES_O_CREAT);
    EXPECT_EQ(fd->ino, 99u);

    // A directory fd, then a path relative to it.
    f.openat(100, 100, 4, Tables::kAtFdcwd, "/etc", KES_O_RDONLY | KES_O_DIRECTORY);
    EXPECT_EQ(fd_of(t, 100, 4)->typechar(), 'd');
    EXPECT_EQ(fd_of(t, 100, 4)->directory(), "/etc");
    f.openat(100, 100, 5, 4, "ssh/sshd_config");
    EXPECT_EQ(fd_of(t, 100, 5)->name, "/etc/ssh/sshd_config");
    EXPECT_EQ(fd_of(t, 100, 5)->directory(), "/etc/ssh");
    // An absolute path ignores the dirfd; an unknown dirfd is unknown.
    f.openat(100, 100, 6, 77, "/bin/sh");
    EXPECT_EQ(fd_of(t, 100, 6)->name, "/bin/sh");
    f.openat(100, 100, 7, 77, "rel");
    EXPECT_EQ(fd_of(t, 100, 7)->name, "<UNKNOWN>rel");
    // open(2) is cwd-relative; a failed open adds nothing.
    f.open(100, 100, 8, "../etc/hosts");
    EXPECT_EQ(fd_of(t, 100, 8)->name, "/etc/hosts");
    f.open(100, 100, -2, "missing");
    EXPECT_EQ(fd_of(t, 100, -2), nullptr);
}

TEST(state_fds, EnterEventsOfOldCapturesChangeNothing) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    // An old capture's open enter (flagged KES_HDR_F_ENTER) carries no fd: only its exit, with
    // the merged parameters, may add one.
    std::vector<uint8_t> buf;
    event::RecordBuilder b(buf, KES_EVT_OPENAT);
    b.ts_ns(f.ts() + 1).tid(100).pid(100).comm("bash").flags(KES_HDR_F_ENTER);
    b.add_int64(3).add_int64(Tables::kAtFdcwd).add_string("/etc/passwd");
    b.finish();
    auto view = event::decode(buf, nullptr);
    ASSERT_TRUE(view.ok());
    uint64_t added = t.counters().n_added_fds;
    t.apply(*view);
    EXPECT_EQ(fd_of(t, 100, 3), nullptr);
    EXPECT_EQ(t.counters().n_added_fds, added);
}

TEST(state_fds, ChdirMovesRelativeOpens) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.chdir(100, 100, "/var/log");
    EXPECT_EQ(t.process(*t.find_thread(100))->cwd, "/var/log/");
    f.chdir(100, 100, "../lib");
    EXPECT_EQ(t.process(*t.find_thread(100))->cwd, "/var/lib/");
    f.chdir(100, 100, "/nonexistent", -2);
    EXPECT_EQ(t.process(*t.find_thread(100))->cwd, "/var/lib/");
    f.openat(100, 100, 3, Tables::kAtFdcwd, "dpkg/status");
    EXPECT_EQ(fd_of(t, 100, 3)->name, "/var/lib/dpkg/status");
}

TEST(state_fds, CloseIsDeferredToNextEvent) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.openat(100, 100, 3, Tables::kAtFdcwd, "/etc/passwd");
    uint64_t removed = t.counters().n_removed_fds;
    f.close(100, 100, 3);
    EXPECT_NE(fd_of(t, 100, 3), nullptr); // rules on the close see it
    f.tick(100, 100);
    EXPECT_EQ(fd_of(t, 100, 3), nullptr);
    EXPECT_EQ(t.counters().n_removed_fds, removed + 1);
    // A failed close removes nothing.
    f.openat(100, 100, 3, Tables::kAtFdcwd, "/etc/group");
    f.close(100, 100, 3, -9);
    f.tick(100, 100);
    EXPECT_NE(fd_of(t, 100, 3), nullptr);
}

TEST(state_fds, DupFamilyAndFcntl) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.openat(100, 100, 3, Tables::kAtFdcwd, "/tmp/log", KES_O_WRONLY | KES_O_CLOEXEC);
    f.dup(100, 100, 3, 4);
    ASSERT_NE(fd_of(t, 100, 4), nullptr);
    EXPECT_EQ(fd_of(t, 100, 4)->name, "/tmp/log");
    EXPECT_FALSE(fd_of(t, 100, 4)->cloexec);
    EXPECT_TRUE(fd_of(t, 100, 3)->cloexec);

    // dup2 onto an open fd replaces it.
    f.openat(100, 100, 1, Tables::kAtFdcwd, "/dev/pts/0");
    f.dup2(100, 100, 3, 1);
    EXPECT_EQ(fd_of(t, 100, 1)->name, "/tmp/log");
    f.dup3(100, 100, 3, 9, KES_O_CLOEXEC);
    EXPECT_TRUE(fd_of(t, 100, 9)->cloexec);

    // fcntl(F_DUPFD)=1, F_DUPFD_CLOEXEC=26, F_SETFD=3 (PPM values).
    f.fcntl(100, 100, 3, 1, 10);
    EXPECT_EQ(fd_of(t, 100, 10)->name, "/tmp/log");
    EXPECT_FALSE(fd_of(t, 100, 10)->cloexec);
    f.fcntl(100, 100, 3, 26, 11);
    EXPECT_TRUE(fd_of(t, 100, 11)->cloexec);
    f.fcntl(100, 100, 10, 3, 0, 1);
    EXPECT_TRUE(fd_of(t, 100, 10)->cloexec);
    // A failed dup adds nothing.
    f.dup(100, 100, 3, -24);
    EXPECT_EQ(fd_of(t, 100, -24), nullptr);

    // exec drops the close-on-exec ones.
    f.execve({.tid = 100, .pid = 100, .ptid = 1, .exe = "x", .comm = "x"});
    EXPECT_EQ(fd_of(t, 100, 3), nullptr);
    EXPECT_NE(fd_of(t, 100, 4), nullptr);
    EXPECT_NE(fd_of(t, 100, 1), nullptr);
    EXPECT_EQ(fd_of(t, 100, 9), nullptr);
    EXPECT_EQ(fd_of(t, 100, 10), nullptr);
    EXPECT_EQ(fd_of(t, 100, 11), nullptr);
}

TEST(state_fds, Ipv4ClientAndServer) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.socket(100, 100, 3, KES_AF_INET, 1 /*SOCK_STREAM*/, 0);
    const Fd* s = fd_of(t, 100, 3);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->typechar(), '4');
    EXPECT_EQ(s->l4proto, L4Proto::kTcp);
    f.connect4(100, 100, 3, 0x0a000002, 51234, 0x01020304, 443);
    s = fd_of(t, 100, 3);
    EXPECT_EQ(s->name, "10.0.0.2:51234->1.2.3.4:443");
    EXPECT_EQ(s->role, SockRole::kClient);
    EXPECT_EQ(s->sport, 443);
    EXPECT_EQ(s->cport, 51234);
    EXPECT_EQ(s->lport(), 51234);
    EXPECT_EQ(s->rport(), 443);
    EXPECT_EQ(l4proto_name(s->l4proto), "tcp");

    // A server: socket, bind, listen, accept4.
    f.socket(100, 100, 5, KES_AF_INET, 1 | 02000000 /*SOCK_CLOEXEC*/, 6);
    EXPECT_TRUE(fd_of(t, 100, 5)->cloexec);
    f.bind4(100, 100, 5, 0, 8080);
    EXPECT_EQ(fd_of(t, 100, 5)->name, "0.0.0.0:8080");
    EXPECT_EQ(fd_of(t, 100, 5)->role, SockRole::kServer);
    EXPECT_EQ(fd_of(t, 100, 5)->sport, 8080);
    f.listen(100, 100, 5);
    EXPECT_EQ(fd_of(t, 100, 5)->role, SockRole::kServer);
    f.accept4(100, 100, 6, 0xc0a80105, 40000, 0xc0a80101, 8080);
    const Fd* a = fd_of(t, 100, 6);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->name, "192.168.1.5:40000->192.168.1.1:8080");
    EXPECT_EQ(a->role, SockRole::kServer);
    EXPECT_EQ(a->lport(), 8080);
    EXPECT_EQ(a->rport(), 40000);
    EXPECT_EQ(a->lip().bytes[3], 1);
    EXPECT_EQ(a->rip().bytes[3], 5);
    EXPECT_EQ(a->l4proto, L4Proto::kTcp);

    // A failed connect (other than EINPROGRESS) leaves the socket alone.
    f.socket(100, 100, 7, KES_AF_INET, 2 /*SOCK_DGRAM*/, 0);
    f.connect4(100, 100, 7, 0x0a000002, 1, 0x08080808, 53, -111);
    EXPECT_EQ(fd_of(t, 100, 7)->name, "");
    EXPECT_EQ(fd_of(t, 100, 7)->l4proto, L4Proto::kUdp);
    f.connect4(100, 100, 7, 0x0a000002, 1, 0x08080808, 53, -115);
    EXPECT_EQ(fd_of(t, 100, 7)->name, "10.0.0.2:1->8.8.8.8:53");
}

TEST(state_fds, Ipv6AndMappedIpv4) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    std::array<uint8_t, 16> lo{};
    lo[15] = 1;
    f.socket(100, 100, 3, KES_AF_INET6, 1, 0);
    f.connect6(100, 100, 3, lo, 43734, lo, 8080);
    const Fd* s = fd_of(t, 100, 3);
    EXPECT_EQ(s->typechar(), '6');
    EXPECT_EQ(s->name, "::1:43734->::1:8080");

    std::array<uint8_t, 16> m1{};
    std::array<uint8_t, 16> m2{};
    m1[10] = m1[11] = m2[10] = m2[11] = 0xff;
    m1[12] = 10, m1[15] = 1;
    m2[12] = 10, m2[15] = 2;
    f.accept6(100, 100, 4, m1, 5555, m2, 80);
    const Fd* a = fd_of(t, 100, 4);
    EXPECT_EQ(a->typechar(), '4');
    EXPECT_EQ(a->name, "10.0.0.1:5555->10.0.0.2:80");
    EXPECT_EQ(a->role, SockRole::kServer);
}

TEST(state_fds, UnixSocketsPipesMemfd) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.socket(100, 100, 3, KES_AF_UNIX, 1, 0);
    f.connect_unix(100, 100, 3, 0xffff9b6f8c5d5000, 0xffff9b6f8c5d6400, "/var/run/docker.sock");
    const Fd* u = fd_of(t, 100, 3);
    EXPECT_EQ(u->typechar(), 'u');
    EXPECT_EQ(u->name, "ffff9b6f8c5d5000->ffff9b6f8c5d6400 /var/run/docker.sock");

    f.pipe(100, 100, 4, 5, 777);
    EXPECT_EQ(fd_of(t, 100, 4)->typechar(), 'p');
    EXPECT_EQ(fd_of(t, 100, 5)->name, "pipe:[777]");

    f.socketpair(100, 100, 6, 7, 0xa, 0xb);
    EXPECT_EQ(fd_of(t, 100, 6)->name, "a->b");
    EXPECT_EQ(fd_of(t, 100, 7)->name, "b->a");

    f.memfd(100, 100, 8, "payload", 1 /*PPM_MFD_CLOEXEC*/);
    const Fd* m = fd_of(t, 100, 8);
    EXPECT_EQ(m->typechar(), 'm');
    EXPECT_EQ(m->name, "memfd:payload");
    EXPECT_TRUE(m->cloexec);
}

TEST(state_fds, UdpSendNamesTheSocket) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    auto sendto = [&](int64_t fd) {
        f.emit(KES_EVT_SENDTO, 100, 100, "dig", [fd](event::RecordBuilder& b) {
            b.add_int64(12)
                .add_bytes(std::string_view("query"))
                .add_int64(fd)
                .add_uint32(12)
                .add_socktuple_in(htonl(0x0a000002), 5353, htonl(0x08080808), 53);
        });
    };
    f.socket(100, 100, 3, KES_AF_INET, 2 /*SOCK_DGRAM*/, 17);
    sendto(3);
    EXPECT_EQ(fd_of(t, 100, 3)->name, "10.0.0.2:5353->8.8.8.8:53");
    EXPECT_TRUE(t.fd_name_changed());
    EXPECT_EQ(fd_of(t, 100, 3)->role, SockRole::kClient);
    // An fd state never saw created: a UDP socket, as libsinsp guesses.
    sendto(4);
    ASSERT_NE(fd_of(t, 100, 4), nullptr);
    EXPECT_EQ(fd_of(t, 100, 4)->l4proto, L4Proto::kUdp);
    EXPECT_EQ(fd_of(t, 100, 4)->typechar(), '4');
}

// recvfrom/recvmsg on a datagram socket name it from the tuple (remote side first): a socket
// with no role, or bound (a server), becomes the server end; a client keeps its own address as
// the client side. A named TCP socket is left alone.
TEST(state_fds, UdpRecvNamesTheSocket) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    auto recv = [&](uint16_t type, int64_t fd, uint32_t rip, uint16_t rport, uint32_t lip,
                    uint16_t lport) {
        f.emit(type, 100, 100, "named", [&](event::RecordBuilder& b) {
            if (type == KES_EVT_RECVFROM) {
                b.add_int64(5)
                    .add_bytes(std::string_view("hello"))
                    .add_socktuple_in(htonl(rip), rport, htonl(lip), lport)
                    .add_int64(fd)
                    .add_uint32(512);
            } else {
                b.add_int64(5)
                    .add_uint32(5)
                    .add_bytes(std::string_view("hello"))
                    .add_socktuple_in(htonl(rip), rport, htonl(lip), lport)
                    .add_bytes(std::string_view())
                    .add_int64(fd);
            }
        });
    };
    // A bound DNS server: remote client first.
    f.socket(100, 100, 3, KES_AF_INET, 2 /*SOCK_DGRAM*/, 17);
    f.bind4(100, 100, 3, 0, 53);
    recv(KES_EVT_RECVFROM, 3, 0x0a000005, 40000, 0x0a000001, 53);
    EXPECT_EQ(fd_of(t, 100, 3)->name, "10.0.0.5:40000->10.0.0.1:53");
    EXPECT_EQ(fd_of(t, 100, 3)->role, SockRole::kServer);
    EXPECT_EQ(fd_of(t, 100, 3)->lport(), 53);
    // fd.name_changed: on the event that renamed it only; the same peer again changes nothing,
    // another peer renames it again.
    EXPECT_TRUE(t.fd_name_changed());
    recv(KES_EVT_RECVFROM, 3, 0x0a000005, 40000, 0x0a000001, 53);
    EXPECT_FALSE(t.fd_name_changed());
    recv(KES_EVT_RECVFROM, 3, 0x0a000007, 40001, 0x0a000001, 53);
    EXPECT_TRUE(t.fd_name_changed());
    EXPECT_EQ(fd_of(t, 100, 3)->name, "10.0.0.7:40001->10.0.0.1:53");
    f.socket(100, 100, 9, KES_AF_INET, 2, 0);
    EXPECT_FALSE(t.fd_name_changed());

    // A socket whose first I/O is a read: taken as the server.
    f.socket(100, 100, 4, KES_AF_INET, 2, 0);
    recv(KES_EVT_RECVMSG, 4, 0x0a000006, 5000, 0x0a000001, 6000);
    EXPECT_EQ(fd_of(t, 100, 4)->name, "10.0.0.6:5000->10.0.0.1:6000");
    EXPECT_EQ(fd_of(t, 100, 4)->role, SockRole::kServer);

    // A client (it sent first): its own address stays the client side.
    f.socket(100, 100, 5, KES_AF_INET, 2, 0);
    f.emit(KES_EVT_SENDTO, 100, 100, "named", [](event::RecordBuilder& b) {
        b.add_int64(5)
            .add_bytes(std::string_view("query"))
            .add_int64(5)
            .add_uint32(5)
            .add_socktuple_in(htonl(0x0a000001), 7000, htonl(0x08080808), 53);
    });
    recv(KES_EVT_RECVFROM, 5, 0x08080404, 53, 0x0a000001, 7000);
    EXPECT_EQ(fd_of(t, 100, 5)->name, "10.0.0.1:7000->8.8.4.4:53");
    EXPECT_EQ(fd_of(t, 100, 5)->role, SockRole::kClient);

    // A connected TCP socket keeps its name.
    f.socket(100, 100, 6, KES_AF_INET, 1 /*SOCK_STREAM*/, 0);
    f.connect4(100, 100, 6, 0x0a000002, 51234, 0x01020304, 443);
    recv(KES_EVT_RECVFROM, 6, 0x05050505, 1, 0x0a000002, 2);
    EXPECT_EQ(fd_of(t, 100, 6)->name, "10.0.0.2:51234->1.2.3.4:443");
    EXPECT_FALSE(t.fd_name_changed());
}

TEST(state_fds, AbsentFdParametersTouchNothing) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.openat(100, 100, 0, Tables::kAtFdcwd, "/dev/null");
    for (uint16_t type : {KES_EVT_OPENAT, KES_EVT_DUP, KES_EVT_SOCKET, KES_EVT_PIPE, KES_EVT_CLOSE,
                          KES_EVT_ACCEPT4}) {
        f.emit(type, 100, 100, "p", [](event::RecordBuilder&) {}); // every parameter absent
    }
    f.tick(100, 100);
    ASSERT_NE(fd_of(t, 100, 0), nullptr);
    EXPECT_EQ(fd_of(t, 100, 0)->name, "/dev/null");
    EXPECT_EQ(t.process(*t.find_thread(100))->fds.size(), 1u);
    // An openat record without its dirfd resolves against the cwd.
    f.emit(KES_EVT_OPENAT, 100, 100, "p", [](event::RecordBuilder& b) {
        b.add_int64(5).add_absent().add_string("notes").add_uint32(KES_O_RDONLY);
    });
    EXPECT_EQ(fd_of(t, 100, 5)->name, "/root/notes");
}

TEST(state_fds, RenameKeepsOpenFdName) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.openat(100, 100, 3, Tables::kAtFdcwd, "/tmp/a");
    f.rename(100, 100, "/tmp/a", "/tmp/b");
    EXPECT_EQ(fd_of(t, 100, 3)->name, "/tmp/a");
}

TEST(state_fds, FdlimitBoundsTheTable) {
    // fdlimit is 4096 from boot's execve; a tiny cap through the config instead.
    Config c;
    c.max_fds_per_process = 2;
    Tables small(c);
    Feed g(small);
    testing::boot(g);
    g.openat(100, 100, 3, Tables::kAtFdcwd, "/a");
    g.openat(100, 100, 4, Tables::kAtFdcwd, "/b");
    g.openat(100, 100, 5, Tables::kAtFdcwd, "/c");
    EXPECT_EQ(fd_of(small, 100, 5), nullptr);
    EXPECT_EQ(small.counters().n_drops_full_fdtable, 1u);
    EXPECT_EQ(small.counters().n_fds, 2u);
    // Replacing an open number is not growth.
    g.openat(100, 100, 4, Tables::kAtFdcwd, "/d");
    EXPECT_EQ(fd_of(small, 100, 4)->name, "/d");
}

TEST(state_fds, FdCountersAndCache) {
    Tables t;
    Feed f(t);
    testing::boot(f);
    f.openat(100, 100, 3, Tables::kAtFdcwd, "/a");
    EXPECT_EQ(t.counters().n_fds, 1u);
    EXPECT_EQ(t.counters().n_added_fds, 1u);
    const Thread* th = t.find_thread(100);
    Counters c0 = t.counters();
    (void)t.find_fd(*th, 3);
    (void)t.find_fd(*th, 3);
    (void)t.find_fd(*th, 42);
    EXPECT_EQ(t.counters().n_noncached_fd_lookups, c0.n_noncached_fd_lookups + 2);
    EXPECT_EQ(t.counters().n_cached_fd_lookups, c0.n_cached_fd_lookups + 1);
    EXPECT_EQ(t.counters().n_failed_fd_lookups, c0.n_failed_fd_lookups + 1);
    // Exit of the process drops its fds.
    f.procexit(100, 100);
    f.tick(1, 1);
    EXPECT_EQ(t.counters().n_fds, 0u);
}

} // namespace
} // namespace kestrel::state
