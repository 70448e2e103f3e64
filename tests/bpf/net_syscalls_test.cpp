// bpf tier: the network syscalls (bpf/syscalls/net.bpf.h), one test per syscall, success and
// failure, every parameter checked. Traffic stays on loopback (127.0.0.1, ::1) and unix sockets.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "probe_fixture.hpp"

namespace kestrel::capture {
namespace {

constexpr uint32_t kSnaplen = 80; // the probe's default (Falco's falco_libs.snaplen)

std::string u16_bytes(uint16_t v) { return {reinterpret_cast<const char*>(&v), 2}; }

std::string u32_bytes(uint32_t v) { return {reinterpret_cast<const char*>(&v), 4}; }

// Falco's IPv4 socktuple: family, src ip, src port, dst ip, dst port.
std::string tuple4(uint32_t sip, uint16_t sport, uint32_t dip, uint16_t dport) {
    return std::string(1, AF_INET) + u32_bytes(sip) + u16_bytes(sport) + u32_bytes(dip) +
           u16_bytes(dport);
}

std::string addr4(uint32_t ip, uint16_t port) {
    return std::string(1, AF_INET) + u32_bytes(ip) + u16_bytes(port);
}

std::string lo6() { return {reinterpret_cast<const char*>(&in6addr_loopback), 16}; }

const uint32_t kLo = htonl(INADDR_LOOPBACK);

sockaddr_in lo_addr(uint16_t port) {
    sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = kLo;
    a.sin_port = htons(port);
    return a;
}

uint16_t local_port(int fd) {
    sockaddr_storage a = {};
    socklen_t len = sizeof(a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    return a.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&a)->sin6_port)
                                   : ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
}

// A TCP listener on 127.0.0.1 (ephemeral port) with `backlog`; returns the fd.
int tcp_listener(int backlog) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = lo_addr(0);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(fd, backlog) != 0) {
        return -1;
    }
    return fd;
}

int tcp_connect(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = lo_addr(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
        return -1;
    }
    return fd;
}

// The one event of `type` in a run whose `fd_idx` parameter is `fd`.
const event::View* with_fd(const std::vector<event::View>& views, size_t fd_idx, int64_t fd) {
    for (const auto& v : views) {
        if (v.param_int64(fd_idx) == fd) {
            return &v;
        }
    }
    return nullptr;
}

TEST_F(ProbeTest, SocketSuccessAndFailure) {
    auto run = run_child([](Report& r) {
        r.v[0] = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
        r.v[1] = ::socket(AF_INET6, SOCK_DGRAM, 0);
        r.v[2] = ::socket(AF_INET, 99, 0); // no such type
        r.v[3] = errno;
        return 0;
    });
    auto ev = of_type(run, KES_EVT_SOCKET);
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_EQ(ev[0].param_int64(KES_P_SOCKET_FD), run.report.v[0]);
    EXPECT_EQ(ev[0].param_uint(KES_P_SOCKET_DOMAIN), uint64_t{AF_INET});
    EXPECT_EQ(ev[0].param_uint(KES_P_SOCKET_TYPE),
              uint64_t{SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC});
    EXPECT_EQ(ev[0].param_uint(KES_P_SOCKET_PROTO), uint64_t{IPPROTO_TCP});
    EXPECT_EQ(ev[0].param_uint(KES_P_SOCKET_FLAGS), uint64_t{KES_O_NONBLOCK | KES_O_CLOEXEC});

    EXPECT_EQ(ev[1].param_int64(KES_P_SOCKET_FD), run.report.v[1]);
    EXPECT_EQ(ev[1].param_uint(KES_P_SOCKET_DOMAIN), uint64_t{AF_INET6});
    EXPECT_EQ(ev[1].param_uint(KES_P_SOCKET_TYPE), uint64_t{SOCK_DGRAM});
    EXPECT_EQ(ev[1].param_uint(KES_P_SOCKET_PROTO), 0u);
    EXPECT_EQ(ev[1].param_uint(KES_P_SOCKET_FLAGS), 0u);

    ASSERT_EQ(run.report.v[2], -1);
    EXPECT_EQ(ev[2].param_int64(KES_P_SOCKET_FD), -run.report.v[3]);
    EXPECT_EQ(ev[2].param_uint(KES_P_SOCKET_TYPE), 99u);
}

TEST_F(ProbeTest, BindReportsTheKernelsAddress) {
    auto run = run_child([](Report& r) {
        int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a = lo_addr(0); // port 0: the kernel picks one
        r.v[0] = fd;
        r.v[1] = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        r.v[2] = local_port(fd);
        // The same address again: EADDRINUSE, reported with the caller's sockaddr.
        int fd2 = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in b = lo_addr(static_cast<uint16_t>(r.v[2]));
        r.v[3] = fd2;
        r.v[4] = ::bind(fd2, reinterpret_cast<sockaddr*>(&b), sizeof(b));
        r.v[5] = errno;
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 0);
    ASSERT_EQ(run.report.v[4], -1);
    auto ev = of_type(run, KES_EVT_BIND);
    ASSERT_EQ(ev.size(), 2u);
    auto port = static_cast<uint16_t>(run.report.v[2]);
    EXPECT_EQ(ev[0].param_int64(KES_P_BIND_RES), 0);
    EXPECT_EQ(ev[0].param_int64(KES_P_BIND_FD), run.report.v[0]);
    EXPECT_EQ(bytes_of(ev[0].param(KES_P_BIND_ADDR)), addr4(kLo, port));
    EXPECT_EQ(ev[1].param_int64(KES_P_BIND_RES), -run.report.v[5]);
    EXPECT_EQ(run.report.v[5], EADDRINUSE);
    EXPECT_EQ(ev[1].param_int64(KES_P_BIND_FD), run.report.v[3]);
    EXPECT_EQ(bytes_of(ev[1].param(KES_P_BIND_ADDR)), addr4(kLo, port));
}

TEST_F(ProbeTest, BindUnixAndIpv6) {
    std::string dir = temp_dir();
    std::string path = dir + "/bound.sock";
    auto run = run_child([&](Report& r) {
        int u = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un a = {};
        a.sun_family = AF_UNIX;
        std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", path.c_str());
        r.v[0] = ::bind(u, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        int s6 = ::socket(AF_INET6, SOCK_STREAM, 0);
        sockaddr_in6 b = {};
        b.sin6_family = AF_INET6;
        b.sin6_addr = in6addr_loopback;
        r.v[1] = ::bind(s6, reinterpret_cast<sockaddr*>(&b), sizeof(b));
        r.v[2] = local_port(s6);
        return 0;
    });
    ::unlink(path.c_str());
    ::rmdir(dir.c_str());
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[1], 0);
    auto ev = of_type(run, KES_EVT_BIND);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(bytes_of(ev[0].param(KES_P_BIND_ADDR)),
              std::string(1, AF_UNIX) + path + std::string(1, '\0'));
    EXPECT_EQ(bytes_of(ev[1].param(KES_P_BIND_ADDR)),
              std::string(1, AF_INET6) + lo6() + u16_bytes(static_cast<uint16_t>(run.report.v[2])));
}

TEST_F(ProbeTest, ListenSuccessAndFailure) {
    auto run = run_child([](Report& r) {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a = lo_addr(0);
        ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        r.v[0] = fd;
        r.v[1] = ::listen(fd, 7);
        r.v[2] = ::listen(1000, 3); // not an open fd
        r.v[3] = errno;
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 0);
    auto ev = of_type(run, KES_EVT_LISTEN);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].param_int64(KES_P_LISTEN_RES), 0);
    EXPECT_EQ(ev[0].param_int64(KES_P_LISTEN_FD), run.report.v[0]);
    EXPECT_EQ(ev[0].param_int64(KES_P_LISTEN_BACKLOG), 7);
    EXPECT_EQ(ev[1].param_int64(KES_P_LISTEN_RES), -EBADF);
    EXPECT_EQ(ev[1].param_int64(KES_P_LISTEN_FD), 1000);
    EXPECT_EQ(ev[1].param_int64(KES_P_LISTEN_BACKLOG), 3);
}

// Two clients queue on a listener of backlog 4; accept takes the first: the new socket's tuple
// is client -> server, and the queue holds the other one (1 of 4: 25%).
TEST_F(ProbeTest, AcceptTupleAndQueue) {
    auto run = run_child([](Report& r) {
        int l = tcp_listener(4);
        uint16_t port = local_port(l);
        int c1 = tcp_connect(port);
        int c2 = tcp_connect(port);
        r.v[0] = ::accept(l, nullptr, nullptr);
        r.v[1] = local_port(c1);
        r.v[2] = port;
        r.v[3] = ::accept(c2, nullptr, nullptr); // not a listening socket
        r.v[4] = errno;
        return 0;
    });
    ASSERT_GE(run.report.v[0], 0);
    auto ev = of_type(run, KES_EVT_ACCEPT);
    ASSERT_EQ(ev.size(), 2u);
    const auto& e = ev[0];
    EXPECT_EQ(e.param_int64(KES_P_ACCEPT_FD), run.report.v[0]);
    EXPECT_EQ(bytes_of(e.param(KES_P_ACCEPT_TUPLE)),
              tuple4(kLo, static_cast<uint16_t>(run.report.v[1]), kLo,
                     static_cast<uint16_t>(run.report.v[2])));
    EXPECT_EQ(e.param_uint(KES_P_ACCEPT_QUEUELEN), 1u);
    EXPECT_EQ(e.param_uint(KES_P_ACCEPT_QUEUEMAX), 4u);
    EXPECT_EQ(e.param_uint(KES_P_ACCEPT_QUEUEPCT), 25u);

    EXPECT_EQ(run.report.v[4], EINVAL);
    EXPECT_EQ(ev[1].param_int64(KES_P_ACCEPT_FD), -EINVAL);
    EXPECT_FALSE(ev[1].has_param(KES_P_ACCEPT_TUPLE));
    EXPECT_EQ(ev[1].param_uint(KES_P_ACCEPT_QUEUEPCT), 0u);
    EXPECT_EQ(ev[1].param_uint(KES_P_ACCEPT_QUEUELEN), 0u);
    EXPECT_EQ(ev[1].param_uint(KES_P_ACCEPT_QUEUEMAX), 0u);
}

TEST_F(ProbeTest, Accept4Ipv6FlagsAndFailure) {
    auto run = run_child([](Report& r) {
        int l = ::socket(AF_INET6, SOCK_STREAM, 0);
        sockaddr_in6 a = {};
        a.sin6_family = AF_INET6;
        a.sin6_addr = in6addr_loopback;
        ::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        ::listen(l, 2);
        a.sin6_port = htons(local_port(l));
        int c = ::socket(AF_INET6, SOCK_STREAM, 0);
        ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        r.v[0] = ::accept4(l, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        r.v[1] = local_port(c);
        r.v[2] = ntohs(a.sin6_port);
        // Nothing queued on a non-blocking listener: EAGAIN.
        ::fcntl(l, F_SETFL, O_NONBLOCK);
        r.v[3] = ::accept4(l, nullptr, nullptr, 0);
        r.v[4] = errno;
        return 0;
    });
    ASSERT_GE(run.report.v[0], 0);
    auto ev = of_type(run, KES_EVT_ACCEPT4);
    ASSERT_EQ(ev.size(), 2u);
    const auto& e = ev[0];
    EXPECT_EQ(e.param_int64(KES_P_ACCEPT4_FD), run.report.v[0]);
    EXPECT_EQ(bytes_of(e.param(KES_P_ACCEPT4_TUPLE)),
              std::string(1, AF_INET6) + lo6() + u16_bytes(static_cast<uint16_t>(run.report.v[1])) +
                  lo6() + u16_bytes(static_cast<uint16_t>(run.report.v[2])));
    EXPECT_EQ(e.param_uint(KES_P_ACCEPT4_QUEUELEN), 0u);
    EXPECT_EQ(e.param_uint(KES_P_ACCEPT4_QUEUEMAX), 2u);
    EXPECT_EQ(e.param_uint(KES_P_ACCEPT4_QUEUEPCT), 0u);
    EXPECT_EQ(e.param_int64(KES_P_ACCEPT4_FLAGS), SOCK_CLOEXEC | SOCK_NONBLOCK);

    EXPECT_EQ(run.report.v[4], EAGAIN);
    EXPECT_EQ(ev[1].param_int64(KES_P_ACCEPT4_FD), -EAGAIN);
    EXPECT_FALSE(ev[1].has_param(KES_P_ACCEPT4_TUPLE));
    EXPECT_EQ(ev[1].param_int64(KES_P_ACCEPT4_FLAGS), 0);
}

// A unix accept: this socket first, then its peer, then the listener's path (Falco's inbound
// unix packing); the client's connect names the same two sockets the other way round.
TEST_F(ProbeTest, AcceptUnix) {
    std::string dir = temp_dir();
    std::string path = dir + "/accept.sock";
    auto run = run_child([&](Report& r) {
        int l = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un a = {};
        a.sun_family = AF_UNIX;
        std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", path.c_str());
        ::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        ::listen(l, 1);
        int c = ::socket(AF_UNIX, SOCK_STREAM, 0);
        r.v[0] = ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        r.v[1] = ::accept(l, nullptr, nullptr);
        return 0;
    });
    ::unlink(path.c_str());
    ::rmdir(dir.c_str());
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_GE(run.report.v[1], 0);
    auto acc = of_type(run, KES_EVT_ACCEPT);
    auto con = of_type(run, KES_EVT_CONNECT);
    ASSERT_EQ(acc.size(), 1u);
    ASSERT_EQ(con.size(), 1u);
    std::string t = bytes_of(acc[0].param(KES_P_ACCEPT_TUPLE));
    std::string ct = bytes_of(con[0].param(KES_P_CONNECT_TUPLE));
    ASSERT_EQ(t.size(), 17 + path.size() + 1);
    EXPECT_EQ(t[0], AF_UNIX);
    EXPECT_EQ(t.substr(17), path + std::string(1, '\0'));
    // accept: (self = server end, peer = client end); connect: (peer = server end, self).
    EXPECT_EQ(t.substr(1, 16), ct.substr(1, 16));
    EXPECT_NE(t.substr(1, 8), t.substr(9, 8));
}

// UDP to 127.0.0.1 from an unconnected socket: the tuple's remote side is the destination the
// caller gave; data is cut at the snaplen, size is what was asked.
TEST_F(ProbeTest, SendtoUnconnectedUdpAndSnaplen) {
    auto run = run_child([](Report& r) {
        int rx = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a = lo_addr(0);
        ::bind(rx, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        a.sin_port = htons(local_port(rx));
        int tx = ::socket(AF_INET, SOCK_DGRAM, 0);
        char big[200];
        for (size_t i = 0; i < sizeof(big); ++i) {
            big[i] = static_cast<char>('a' + i % 26);
        }
        r.v[0] = tx;
        r.v[1] = ::sendto(tx, "hello", 5, 0, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        r.v[2] = local_port(tx);
        r.v[3] = ntohs(a.sin_port);
        r.v[4] = ::sendto(tx, big, sizeof(big), 0, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        r.v[5] = ::sendto(tx, "x", 1, 0, nullptr, 0); // no destination: EDESTADDRREQ
        r.v[6] = errno;
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 5);
    ASSERT_EQ(run.report.v[4], 200);
    auto ev = of_type(run, KES_EVT_SENDTO);
    ASSERT_EQ(ev.size(), 3u);
    auto sport = static_cast<uint16_t>(run.report.v[2]);
    auto dport = static_cast<uint16_t>(run.report.v[3]);
    EXPECT_EQ(ev[0].param_int64(KES_P_SENDTO_RES), 5);
    EXPECT_EQ(ev[0].param_string(KES_P_SENDTO_DATA), "hello");
    EXPECT_EQ(ev[0].param_int64(KES_P_SENDTO_FD), run.report.v[0]);
    EXPECT_EQ(ev[0].param_uint(KES_P_SENDTO_SIZE), 5u);
    // Unbound sender: local address 0.0.0.0, the port the kernel gave it.
    EXPECT_EQ(bytes_of(ev[0].param(KES_P_SENDTO_TUPLE)), tuple4(0, sport, kLo, dport));

    EXPECT_EQ(ev[1].param_int64(KES_P_SENDTO_RES), 200);
    std::string data = bytes_of(ev[1].param(KES_P_SENDTO_DATA));
    ASSERT_EQ(data.size(), kSnaplen);
    for (size_t i = 0; i < data.size(); ++i) {
        EXPECT_EQ(data[i], static_cast<char>('a' + i % 26)) << i;
    }
    EXPECT_EQ(ev[1].param_uint(KES_P_SENDTO_SIZE), 200u);

    EXPECT_EQ(run.report.v[6], EDESTADDRREQ);
    EXPECT_EQ(ev[2].param_int64(KES_P_SENDTO_RES), -EDESTADDRREQ);
    EXPECT_EQ(ev[2].param_string(KES_P_SENDTO_DATA), "x");
    EXPECT_EQ(ev[2].param_uint(KES_P_SENDTO_SIZE), 1u);
    EXPECT_EQ(bytes_of(ev[2].param(KES_P_SENDTO_TUPLE)), tuple4(0, sport, 0, 0));
}

// TCP on loopback: the client's sendto is outbound (client first), the server's recvfrom
// inbound (client first too: the remote side), so both give `cip:cport->sip:sport`.
TEST_F(ProbeTest, SendtoRecvfromTcp) {
    auto run = run_child([](Report& r) {
        int l = tcp_listener(1);
        uint16_t port = local_port(l);
        int c = tcp_connect(port);
        int s = ::accept(l, nullptr, nullptr);
        r.v[0] = c;
        r.v[1] = s;
        r.v[2] = local_port(c);
        r.v[3] = port;
        r.v[4] = ::sendto(c, "ping", 4, 0, nullptr, 0);
        char buf[64];
        r.v[5] = ::recvfrom(s, buf, sizeof(buf), 0, nullptr, nullptr);
        // Nothing more to read: EAGAIN.
        r.v[6] = ::recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT, nullptr, nullptr);
        r.v[7] = errno;
        return 0;
    });
    ASSERT_EQ(run.report.v[4], 4);
    ASSERT_EQ(run.report.v[5], 4);
    auto cport = static_cast<uint16_t>(run.report.v[2]);
    auto sport = static_cast<uint16_t>(run.report.v[3]);
    std::string tuple = tuple4(kLo, cport, kLo, sport);
    auto sends = of_type(run, KES_EVT_SENDTO);
    ASSERT_EQ(sends.size(), 1u);
    EXPECT_EQ(sends[0].param_int64(KES_P_SENDTO_FD), run.report.v[0]);
    EXPECT_EQ(sends[0].param_string(KES_P_SENDTO_DATA), "ping");
    EXPECT_EQ(bytes_of(sends[0].param(KES_P_SENDTO_TUPLE)), tuple);

    auto recvs = of_type(run, KES_EVT_RECVFROM);
    ASSERT_EQ(recvs.size(), 2u);
    EXPECT_EQ(recvs[0].param_int64(KES_P_RECVFROM_RES), 4);
    EXPECT_EQ(recvs[0].param_string(KES_P_RECVFROM_DATA), "ping");
    EXPECT_EQ(bytes_of(recvs[0].param(KES_P_RECVFROM_TUPLE)), tuple);
    EXPECT_EQ(recvs[0].param_int64(KES_P_RECVFROM_FD), run.report.v[1]);
    EXPECT_EQ(recvs[0].param_uint(KES_P_RECVFROM_SIZE), 64u);

    EXPECT_EQ(run.report.v[7], EAGAIN);
    EXPECT_EQ(recvs[1].param_int64(KES_P_RECVFROM_RES), -EAGAIN);
    EXPECT_FALSE(recvs[1].has_param(KES_P_RECVFROM_DATA));
    EXPECT_FALSE(recvs[1].has_param(KES_P_RECVFROM_TUPLE));
    EXPECT_EQ(recvs[1].param_int64(KES_P_RECVFROM_FD), run.report.v[1]);
    EXPECT_EQ(recvs[1].param_uint(KES_P_RECVFROM_SIZE), 64u);
}

// recvfrom on an unconnected UDP socket: the remote side is the source the kernel wrote.
TEST_F(ProbeTest, RecvfromUnconnectedUdp) {
    auto run = run_child([](Report& r) {
        int rx = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a = lo_addr(0);
        ::bind(rx, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        a.sin_port = htons(local_port(rx));
        int tx = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in b = lo_addr(0);
        ::bind(tx, reinterpret_cast<sockaddr*>(&b), sizeof(b));
        ::sendto(tx, "datagram", 8, 0, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        char buf[16];
        sockaddr_in from = {};
        socklen_t flen = sizeof(from);
        r.v[0] = rx;
        r.v[1] = ::recvfrom(rx, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &flen);
        r.v[2] = local_port(tx);
        r.v[3] = ntohs(a.sin_port);
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 8);
    auto recvs = of_type(run, KES_EVT_RECVFROM);
    ASSERT_EQ(recvs.size(), 1u);
    const auto& e = recvs[0];
    EXPECT_EQ(e.param_string(KES_P_RECVFROM_DATA), "datagram");
    EXPECT_EQ(bytes_of(e.param(KES_P_RECVFROM_TUPLE)),
              tuple4(kLo, static_cast<uint16_t>(run.report.v[2]), kLo,
                     static_cast<uint16_t>(run.report.v[3])));
    EXPECT_EQ(e.param_int64(KES_P_RECVFROM_FD), run.report.v[0]);
    EXPECT_EQ(e.param_uint(KES_P_RECVFROM_SIZE), 16u);
}

// sendmsg gathers its iovecs; recvmsg scatters them and brings an SCM_RIGHTS control message.
TEST_F(ProbeTest, SendmsgRecvmsgIovecsAndControl) {
    auto run = run_child([](Report& r) {
        int rx = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a = lo_addr(0);
        ::bind(rx, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        a.sin_port = htons(local_port(rx));
        int tx = ::socket(AF_INET, SOCK_DGRAM, 0);
        char p1[] = "abc";
        char p2[] = "defg";
        iovec iov[2] = {{p1, 3}, {p2, 4}};
        msghdr m = {};
        m.msg_name = &a;
        m.msg_namelen = sizeof(a);
        m.msg_iov = iov;
        m.msg_iovlen = 2;
        r.v[0] = tx;
        r.v[1] = ::sendmsg(tx, &m, 0);
        r.v[2] = local_port(tx);
        r.v[3] = ntohs(a.sin_port);

        int sv[2];
        ::socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
        int passed = ::dup(0);
        char cbuf[CMSG_SPACE(sizeof(int))] = {};
        char payload[] = "fdpass";
        iovec siov = {payload, 6};
        msghdr sm = {};
        sm.msg_iov = &siov;
        sm.msg_iovlen = 1;
        sm.msg_control = cbuf;
        sm.msg_controllen = sizeof(cbuf);
        cmsghdr* c = CMSG_FIRSTHDR(&sm);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &passed, sizeof(int));
        ::sendmsg(sv[0], &sm, 0);

        char rbuf1[2];
        char rbuf2[16];
        iovec riov[2] = {{rbuf1, 2}, {rbuf2, 16}};
        char rcbuf[CMSG_SPACE(sizeof(int)) + 64] = {};
        msghdr rm = {};
        rm.msg_iov = riov;
        rm.msg_iovlen = 2;
        rm.msg_control = rcbuf;
        rm.msg_controllen = sizeof(rcbuf);
        r.v[4] = sv[1];
        r.v[5] = ::recvmsg(sv[1], &rm, 0);
        r.v[6] = static_cast<int64_t>(rm.msg_controllen);
        r.v[7] = ::recvmsg(sv[1], &rm, MSG_DONTWAIT); // nothing left: EAGAIN
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 7);
    auto sends = of_type(run, KES_EVT_SENDMSG);
    const auto* s = with_fd(sends, KES_P_SENDMSG_FD, run.report.v[0]);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->param_int64(KES_P_SENDMSG_RES), 7);
    EXPECT_EQ(bytes_of(s->param(KES_P_SENDMSG_DATA)), "abcdefg");
    EXPECT_EQ(s->param_uint(KES_P_SENDMSG_SIZE), 7u);
    EXPECT_EQ(bytes_of(s->param(KES_P_SENDMSG_TUPLE)),
              tuple4(0, static_cast<uint16_t>(run.report.v[2]), kLo,
                     static_cast<uint16_t>(run.report.v[3])));

    ASSERT_EQ(run.report.v[5], 6);
    ASSERT_GT(run.report.v[6], 0);
    auto recvs = of_type(run, KES_EVT_RECVMSG);
    ASSERT_EQ(recvs.size(), 2u);
    const auto& e = recvs[0];
    EXPECT_EQ(e.param_int64(KES_P_RECVMSG_RES), 6);
    EXPECT_EQ(e.param_uint(KES_P_RECVMSG_SIZE), 6u);
    EXPECT_EQ(bytes_of(e.param(KES_P_RECVMSG_DATA)), "fdpass");
    EXPECT_EQ(e.param_int64(KES_P_RECVMSG_FD), run.report.v[4]);
    std::string cmsg = bytes_of(e.param(KES_P_RECVMSG_MSGCONTROL));
    ASSERT_EQ(cmsg.size(), static_cast<size_t>(run.report.v[6]));
    cmsghdr h = {};
    std::memcpy(&h, cmsg.data(), sizeof(h));
    EXPECT_EQ(h.cmsg_level, SOL_SOCKET);
    EXPECT_EQ(h.cmsg_type, SCM_RIGHTS);
    // A socketpair end: unix tuple, this socket first, no path.
    std::string t = bytes_of(e.param(KES_P_RECVMSG_TUPLE));
    ASSERT_EQ(t.size(), 18u);
    EXPECT_EQ(t[0], AF_UNIX);
    EXPECT_EQ(t[17], '\0');

    EXPECT_EQ(run.report.v[7], -1);
    EXPECT_EQ(recvs[1].param_int64(KES_P_RECVMSG_RES), -EAGAIN);
    EXPECT_EQ(recvs[1].param_uint(KES_P_RECVMSG_SIZE), 0u);
    EXPECT_FALSE(recvs[1].has_param(KES_P_RECVMSG_DATA));
    EXPECT_FALSE(recvs[1].has_param(KES_P_RECVMSG_TUPLE));
    EXPECT_EQ(recvs[1].param_int64(KES_P_RECVMSG_FD), run.report.v[4]);
}

TEST_F(ProbeTest, SocketpairSuccessAndFailure) {
    auto run = run_child([](Report& r) {
        int sv[2] = {-1, -1};
        r.v[0] = ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
        r.v[1] = sv[0];
        r.v[2] = sv[1];
        r.v[3] = ::socketpair(AF_INET, SOCK_STREAM, 0, sv);
        r.v[4] = errno;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    auto ev = of_type(run, KES_EVT_SOCKETPAIR);
    ASSERT_EQ(ev.size(), 2u);
    const auto& e = ev[0];
    EXPECT_EQ(e.param_int64(KES_P_SOCKETPAIR_RES), 0);
    EXPECT_EQ(e.param_int64(KES_P_SOCKETPAIR_FD1), run.report.v[1]);
    EXPECT_EQ(e.param_int64(KES_P_SOCKETPAIR_FD2), run.report.v[2]);
    EXPECT_NE(e.param_uint(KES_P_SOCKETPAIR_SOURCE), 0u);
    EXPECT_NE(e.param_uint(KES_P_SOCKETPAIR_PEER), 0u);
    EXPECT_NE(e.param_uint(KES_P_SOCKETPAIR_SOURCE), e.param_uint(KES_P_SOCKETPAIR_PEER));
    EXPECT_EQ(e.param_uint(KES_P_SOCKETPAIR_DOMAIN), uint64_t{AF_UNIX});
    EXPECT_EQ(e.param_uint(KES_P_SOCKETPAIR_TYPE), uint64_t{SOCK_STREAM | SOCK_CLOEXEC});
    EXPECT_EQ(e.param_uint(KES_P_SOCKETPAIR_PROTO), 0u);

    EXPECT_EQ(run.report.v[4], EOPNOTSUPP);
    EXPECT_EQ(ev[1].param_int64(KES_P_SOCKETPAIR_RES), -EOPNOTSUPP);
    EXPECT_EQ(ev[1].param_int64(KES_P_SOCKETPAIR_FD1), -1);
    EXPECT_EQ(ev[1].param_int64(KES_P_SOCKETPAIR_FD2), -1);
    EXPECT_EQ(ev[1].param_uint(KES_P_SOCKETPAIR_SOURCE), 0u);
    EXPECT_EQ(ev[1].param_uint(KES_P_SOCKETPAIR_DOMAIN), uint64_t{AF_INET});
}

// The socketpair's source/peer are the kernel sockets a later unix tuple names.
TEST_F(ProbeTest, SocketpairIdsMatchTuples) {
    auto run = run_child([](Report& r) {
        int sv[2];
        ::socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
        r.v[0] = ::sendto(sv[0], "x", 1, 0, nullptr, 0);
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 1);
    auto pairs = of_type(run, KES_EVT_SOCKETPAIR);
    auto sends = of_type(run, KES_EVT_SENDTO);
    ASSERT_EQ(pairs.size(), 1u);
    ASSERT_EQ(sends.size(), 1u);
    std::string t = bytes_of(sends[0].param(KES_P_SENDTO_TUPLE));
    ASSERT_EQ(t.size(), 18u);
    uint64_t peer = 0;
    uint64_t self = 0;
    std::memcpy(&peer, &t[1], 8);
    std::memcpy(&self, &t[9], 8);
    EXPECT_EQ(self, pairs[0].param_uint(KES_P_SOCKETPAIR_SOURCE));
    EXPECT_EQ(peer, pairs[0].param_uint(KES_P_SOCKETPAIR_PEER));
}

TEST_F(ProbeTest, ShutdownSuccessAndFailure) {
    auto run = run_child([](Report& r) {
        int sv[2];
        ::socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
        r.v[0] = sv[0];
        r.v[1] = ::shutdown(sv[0], SHUT_WR);
        int f = ::open("/dev/null", O_RDONLY);
        r.v[2] = f;
        r.v[3] = ::shutdown(f, SHUT_RDWR);
        r.v[4] = errno;
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 0);
    auto ev = of_type(run, KES_EVT_SHUTDOWN);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].param_int64(KES_P_SHUTDOWN_RES), 0);
    EXPECT_EQ(ev[0].param_int64(KES_P_SHUTDOWN_FD), run.report.v[0]);
    EXPECT_EQ(ev[0].param_uint(KES_P_SHUTDOWN_HOW), uint64_t{SHUT_WR});
    EXPECT_EQ(run.report.v[4], ENOTSOCK);
    EXPECT_EQ(ev[1].param_int64(KES_P_SHUTDOWN_RES), -ENOTSOCK);
    EXPECT_EQ(ev[1].param_int64(KES_P_SHUTDOWN_FD), run.report.v[2]);
    EXPECT_EQ(ev[1].param_uint(KES_P_SHUTDOWN_HOW), uint64_t{SHUT_RDWR});
}

// getsockopt: the value in Falco's dynamic layout (tag byte, then the value).
TEST_F(ProbeTest, GetsockoptValuesAndFailure) {
    uint16_t closed_port = 0;
    {
        int l = tcp_listener(1);
        closed_port = local_port(l);
        ::close(l); // connecting to it now is refused
    }
    auto run = run_child([&](Report& r) {
        int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        sockaddr_in a = lo_addr(closed_port);
        ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        pollfd pfd = {c, POLLOUT, 0};
        ::poll(&pfd, 1, 5000);
        int err = -1;
        socklen_t len = sizeof(err);
        r.v[0] = ::getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
        r.v[1] = err;
        int rcvbuf = 0;
        len = sizeof(rcvbuf);
        ::getsockopt(c, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len);
        r.v[2] = rcvbuf;
        timeval tv = {1, 500000};
        ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        len = sizeof(tv);
        ::getsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
        int nodelay = 0;
        len = sizeof(nodelay);
        ::getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len);
        r.v[3] = nodelay;
        int f = ::open("/dev/null", O_RDONLY);
        len = sizeof(err);
        r.v[4] = ::getsockopt(f, SOL_SOCKET, SO_ERROR, &err, &len);
        r.v[5] = errno;
        r.v[6] = c;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    auto ev = of_type(run, KES_EVT_GETSOCKOPT);
    ASSERT_EQ(ev.size(), 5u);
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(ev[i].param_int64(KES_P_GETSOCKOPT_RES), 0) << i;
        EXPECT_EQ(ev[i].param_int64(KES_P_GETSOCKOPT_FD), run.report.v[6]) << i;
    }
    // SO_ERROR: an errno, negated (0 if connect() itself already reported the refusal).
    EXPECT_EQ(ev[0].param_uint(KES_P_GETSOCKOPT_LEVEL), 1u);
    EXPECT_EQ(ev[0].param_uint(KES_P_GETSOCKOPT_OPTNAME), uint64_t{SO_ERROR});
    int64_t neg = -run.report.v[1];
    EXPECT_EQ(bytes_of(ev[0].param(KES_P_GETSOCKOPT_VAL)),
              std::string(1, '\1') + std::string(reinterpret_cast<const char*>(&neg), 8));
    EXPECT_EQ(ev[0].param_uint(KES_P_GETSOCKOPT_OPTLEN), 4u);
    // SO_RCVBUF: uint32.
    EXPECT_EQ(ev[1].param_uint(KES_P_GETSOCKOPT_OPTNAME), uint64_t{SO_RCVBUF});
    EXPECT_EQ(bytes_of(ev[1].param(KES_P_GETSOCKOPT_VAL)),
              std::string(1, '\2') + u32_bytes(static_cast<uint32_t>(run.report.v[2])));
    // SO_RCVTIMEO: a timeval in nanoseconds.
    EXPECT_EQ(ev[2].param_uint(KES_P_GETSOCKOPT_OPTNAME), uint64_t{SO_RCVTIMEO});
    uint64_t ns = 1500000000;
    EXPECT_EQ(bytes_of(ev[2].param(KES_P_GETSOCKOPT_VAL)),
              std::string(1, '\4') + std::string(reinterpret_cast<const char*>(&ns), 8));
    EXPECT_EQ(ev[2].param_uint(KES_P_GETSOCKOPT_OPTLEN), sizeof(timeval));
    // SOL_TCP: level 2, option unknown to PPM, the raw bytes.
    EXPECT_EQ(ev[3].param_uint(KES_P_GETSOCKOPT_LEVEL), 2u);
    EXPECT_EQ(ev[3].param_uint(KES_P_GETSOCKOPT_OPTNAME), 0u);
    EXPECT_EQ(bytes_of(ev[3].param(KES_P_GETSOCKOPT_VAL)),
              std::string(1, '\0') + u32_bytes(static_cast<uint32_t>(run.report.v[3])));
    // Not a socket.
    EXPECT_EQ(run.report.v[5], ENOTSOCK);
    EXPECT_EQ(ev[4].param_int64(KES_P_GETSOCKOPT_RES), -ENOTSOCK);
    EXPECT_FALSE(ev[4].has_param(KES_P_GETSOCKOPT_VAL));
    EXPECT_EQ(ev[4].param_uint(KES_P_GETSOCKOPT_OPTLEN), 4u);
}

// ProbeOptions::snaplen reaches the probe: a second probe, loaded with a 16-byte snaplen, cuts
// the same sendto that the fixture's probe (default 80) keeps whole.
TEST_F(ProbeTest, SnaplenFromProbeOptions) {
    ProbeOptions opts;
    opts.cpus_for_each_buffer = 0;
    opts.buf_size_preset = 1;
    opts.snaplen = 16;
    opts.events = {KES_EVT_SENDTO};
    auto probe = Probe::start(opts);
    ASSERT_TRUE(probe.ok()) << probe.error().to_string();
    auto reader = RingReader::create((*probe)->ring_fds(), (*probe)->ring_size());
    ASSERT_TRUE(reader.ok()) << reader.error().to_string();
    const std::string payload(40, 'z');
    auto run = run_child([&](Report& r) {
        int rx = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a = lo_addr(0);
        ::bind(rx, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        a.sin_port = htons(local_port(rx));
        int tx = ::socket(AF_INET, SOCK_DGRAM, 0);
        r.v[0] = ::sendto(tx, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&a),
                          sizeof(a));
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 40);
    auto full = of_type(run, KES_EVT_SENDTO);
    ASSERT_EQ(full.size(), 1u);
    EXPECT_EQ(bytes_of(full[0].param(KES_P_SENDTO_DATA)), payload);
    // The child has exited: everything it caused is in the second probe's rings.
    std::vector<std::string> cut;
    reader->drain([&](std::span<const uint8_t> rec) {
        auto v = event::decode(rec, nullptr);
        if (v.ok() && v->pid() == static_cast<uint32_t>(run.pid) && v->type() == KES_EVT_SENDTO) {
            cut.push_back(bytes_of(v->param(KES_P_SENDTO_DATA)));
            EXPECT_EQ(v->param_uint(KES_P_SENDTO_SIZE), 40u);
        }
    });
    ASSERT_EQ(cut.size(), 1u);
    EXPECT_EQ(cut[0], payload.substr(0, 16));
}

} // namespace
} // namespace kestrel::capture
