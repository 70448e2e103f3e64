// The hot-path rule (DESIGN.md): no allocation per event in steady state. Open/close, dup and
// socket/connect churn on a warm table must not allocate.

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <vector>

#include "../alloc_counter.hpp"
#include "event/builder.hpp"
#include "event/view.hpp"
#include "gen/kestrel_events.h"
#include "state/tables.hpp"
#include "state_events.hpp"

namespace kestrel::state {
namespace {

struct Record {
    std::vector<uint8_t> bytes;
    event::View view;
};

Record make(uint16_t type, const std::function<void(event::RecordBuilder&)>& params) {
    Record r;
    event::RecordBuilder b(r.bytes, type);
    b.ts_ns(5'000'000'000).tid(100).pid(100).comm("bash");
    params(b);
    b.finish();
    auto v = event::decode(r.bytes, nullptr);
    EXPECT_TRUE(v.ok());
    r.view = *v;
    return r;
}

TEST(state_alloc, OpenCloseDupConnectChurnDoesNotAllocate) {
    Tables t;
    testing::Feed f(t);
    testing::boot(f);
    std::vector<Record> cycle;
    cycle.push_back(make(KES_EVT_OPENAT, [](event::RecordBuilder& b) {
        b.add_int64(3)
            .add_int64(-100)
            .add_string("lib/x86_64-linux-gnu/libc.so.6")
            .add_uint32(KES_O_RDONLY | KES_O_CLOEXEC)
            .add_uint32(0)
            .add_uint32(1)
            .add_uint64(2);
    }));
    cycle.push_back(
        make(KES_EVT_DUP, [](event::RecordBuilder& b) { b.add_int64(4).add_int64(3); }));
    cycle.push_back(make(KES_EVT_SOCKET, [](event::RecordBuilder& b) {
        b.add_int64(5).add_uint32(KES_AF_INET).add_uint32(1).add_uint32(6).add_uint32(0);
    }));
    cycle.push_back(make(KES_EVT_CONNECT, [](event::RecordBuilder& b) {
        b.add_int64(0)
            .add_socktuple_in(htonl(0x0a000002), 51234, htonl(0x01020304), 443)
            .add_int64(5)
            .add_sockaddr_in(htonl(0x01020304), 443);
    }));
    for (int fd : {3, 4, 5}) {
        cycle.push_back(
            make(KES_EVT_CLOSE, [fd](event::RecordBuilder& b) { b.add_int64(0).add_int64(fd); }));
    }
    auto run = [&](int n) {
        for (int i = 0; i < n; ++i) {
            for (const Record& r : cycle) {
                t.apply(r.view);
                const Thread* th = t.find_thread(100);
                (void)t.find_fd(*th, 3);
            }
        }
    };
    run(10); // warm: nodes, capacities
    uint64_t before = alloc_counter::allocations();
    run(1000);
    EXPECT_EQ(alloc_counter::allocations() - before, 0u);
    EXPECT_EQ(t.counters().n_added_fds, 3u * 1010); // boot opens none
}

} // namespace
} // namespace kestrel::state
