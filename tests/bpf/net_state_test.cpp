// bpf tier: the live network records fed through state::Tables, as the daemon does: sockets get
// their types, roles and `cip:cport->sip:sport` names from what the probe reports. Loopback and
// unix sockets only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "probe_fixture.hpp"
#include "state/tables.hpp"

namespace kestrel::capture {
namespace {

uint16_t local_port(int fd) {
    sockaddr_in a = {};
    socklen_t len = sizeof(a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
}

sockaddr_in lo_addr(uint16_t port) {
    sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return a;
}

std::string lo(int64_t port) { return "127.0.0.1:" + std::to_string(port); }

// Applies every record of the run except its final procexit (which would remove the process).
void apply_run(state::Tables& t, const ChildRun& run) {
    for (const auto& rec : run.events) {
        auto v = event::decode(rec, nullptr);
        ASSERT_TRUE(v.ok());
        if (v->type() != KES_EVT_PROCEXIT) {
            t.apply(*v);
        }
    }
}

TEST_F(ProbeTest, LiveTcpSocketsGetRolesAndNames) {
    auto run = run_child([](Report& r) {
        int l = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a = lo_addr(0);
        ::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        ::listen(l, 4);
        a.sin_port = htons(local_port(l));
        int c = ::socket(AF_INET, SOCK_STREAM, 0);
        ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        int s = ::accept4(l, nullptr, nullptr, SOCK_CLOEXEC);
        r.v[0] = l;
        r.v[1] = c;
        r.v[2] = s;
        r.v[3] = ntohs(a.sin_port);
        r.v[4] = local_port(c);
        r.v[5] = ::sendto(c, "hi", 2, 0, nullptr, 0);
        return 0;
    });
    ASSERT_GE(run.report.v[2], 0);
    ASSERT_EQ(run.report.v[5], 2);
    state::Tables t;
    apply_run(t, run);
    const state::Fd* l = t.find_fd_by_pid(run.pid, run.report.v[0]);
    const state::Fd* c = t.find_fd_by_pid(run.pid, run.report.v[1]);
    const state::Fd* s = t.find_fd_by_pid(run.pid, run.report.v[2]);
    ASSERT_NE(l, nullptr);
    ASSERT_NE(c, nullptr);
    ASSERT_NE(s, nullptr);
    std::string name = lo(run.report.v[4]) + "->" + lo(run.report.v[3]);
    EXPECT_EQ(l->name, lo(run.report.v[3]));
    EXPECT_EQ(l->role, state::SockRole::kServer);
    EXPECT_TRUE(l->cloexec);
    EXPECT_EQ(c->name, name);
    EXPECT_EQ(c->role, state::SockRole::kClient);
    EXPECT_EQ(c->typechar(), '4');
    EXPECT_EQ(c->l4proto, state::L4Proto::kTcp);
    EXPECT_EQ(s->name, name);
    EXPECT_EQ(s->role, state::SockRole::kServer);
    EXPECT_EQ(s->typechar(), '4');
    EXPECT_EQ(s->l4proto, state::L4Proto::kTcp);
    EXPECT_TRUE(s->cloexec);
    EXPECT_EQ(s->lport(), run.report.v[3]);
    EXPECT_EQ(s->rport(), run.report.v[4]);
}

TEST_F(ProbeTest, LiveUdpAndUnixSocketsGetNames) {
    auto run = run_child([](Report& r) {
        int rx = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a = lo_addr(0);
        ::bind(rx, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        a.sin_port = htons(local_port(rx));
        int tx = ::socket(AF_INET, SOCK_DGRAM, 0);
        ::sendto(tx, "q", 1, 0, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        char buf[8];
        sockaddr_in from = {};
        socklen_t flen = sizeof(from);
        r.v[0] = rx;
        r.v[1] = tx;
        r.v[2] = ntohs(a.sin_port);
        r.v[3] = local_port(tx);
        r.v[4] = ::recvfrom(rx, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &flen);
        int sv[2];
        ::socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
        r.v[5] = sv[0];
        r.v[6] = sv[1];
        return 0;
    });
    ASSERT_EQ(run.report.v[4], 1);
    state::Tables t;
    apply_run(t, run);
    const state::Fd* rx = t.find_fd_by_pid(run.pid, run.report.v[0]);
    const state::Fd* tx = t.find_fd_by_pid(run.pid, run.report.v[1]);
    ASSERT_NE(rx, nullptr);
    ASSERT_NE(tx, nullptr);
    // The sender: unbound, so its local address is 0.0.0.0.
    EXPECT_EQ(tx->name, "0.0.0.0:" + std::to_string(run.report.v[3]) + "->" + lo(run.report.v[2]));
    EXPECT_EQ(tx->role, state::SockRole::kClient);
    EXPECT_EQ(tx->l4proto, state::L4Proto::kUdp);
    // The receiver: the datagram's source (as the kernel gave it) is the client.
    EXPECT_EQ(rx->name, lo(run.report.v[3]) + "->" + lo(run.report.v[2]));
    EXPECT_EQ(rx->role, state::SockRole::kServer);
    EXPECT_EQ(rx->l4proto, state::L4Proto::kUdp);

    const state::Fd* u0 = t.find_fd_by_pid(run.pid, run.report.v[5]);
    const state::Fd* u1 = t.find_fd_by_pid(run.pid, run.report.v[6]);
    ASSERT_NE(u0, nullptr);
    ASSERT_NE(u1, nullptr);
    EXPECT_EQ(u0->typechar(), 'u');
    EXPECT_EQ(u1->typechar(), 'u');
    // "<this>-><peer>" each way round.
    auto arrow = u0->name.find("->");
    ASSERT_NE(arrow, std::string::npos);
    EXPECT_EQ(u1->name, u0->name.substr(arrow + 2) + "->" + u0->name.substr(0, arrow));
}

} // namespace
} // namespace kestrel::capture
