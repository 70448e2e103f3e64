// The iterator records' decoder (capture/task_iter) and their conversion into state snapshots
// (daemon/initial_state), on crafted records: no kernel involved.

#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "capture/task_iter.hpp"
#include "daemon/initial_state.hpp"
#include "daemon/metrics_probe.hpp"
#include "gen/kestrel_events.h"
#include "iter/kestrel_iter.h"
#include "state/tables.hpp"

namespace kestrel {
namespace {

// Builds one record in the iterators' layout: header, u16 lengths, parameters.
class RecordBuilder {
  public:
    RecordBuilder(uint16_t type, uint16_t nparams, uint32_t tid, uint32_t pid, const char* comm)
        : params_(nparams) {
        std::memset(&h_, 0, sizeof(h_));
        h_.type = type;
        h_.nparams = nparams;
        h_.tid = tid;
        h_.pid = pid;
        std::strncpy(h_.comm, comm, sizeof(h_.comm) - 1);
    }
    template <typename T> RecordBuilder& num(size_t idx, T v) {
        params_[idx].assign(reinterpret_cast<const char*>(&v), sizeof(v));
        return *this;
    }
    RecordBuilder& str(size_t idx, std::string v) {
        params_[idx] = std::move(v);
        return *this;
    }
    RecordBuilder& flags(uint16_t f) {
        h_.flags = f;
        return *this;
    }
    std::vector<uint8_t> build() {
        std::string payload;
        std::vector<uint16_t> lens;
        for (const std::string& p : params_) {
            lens.push_back(static_cast<uint16_t>(p.size()));
            payload += p;
        }
        h_.len = static_cast<uint32_t>(sizeof(h_) + lens.size() * 2 + payload.size());
        std::vector<uint8_t> out(h_.len);
        std::memcpy(out.data(), &h_, sizeof(h_));
        std::memcpy(out.data() + sizeof(h_), lens.data(), lens.size() * 2);
        std::memcpy(out.data() + sizeof(h_) + lens.size() * 2, payload.data(), payload.size());
        return out;
    }

  private:
    kes_event_header h_;
    std::vector<std::string> params_;
};

std::vector<uint8_t> leader_record() {
    using std::string_literals::operator""s;
    return RecordBuilder(KES_ITER_REC_TASK, KES_IT_NPARAMS, 42, 42, "nginx")
        .num<int64_t>(KES_IT_PTID, 1)
        .num<int64_t>(KES_IT_VTID, 7)
        .num<int64_t>(KES_IT_VPID, 7)
        .num<int64_t>(KES_IT_SID, 40)
        .num<int64_t>(KES_IT_PGID, 41)
        .num<int64_t>(KES_IT_VPGID, 5)
        .num<uint32_t>(KES_IT_UID, 33)
        .num<uint32_t>(KES_IT_GID, 34)
        .num<uint32_t>(KES_IT_LOGINUID, 1000)
        .num<uint64_t>(KES_IT_CAP_INH, 1)
        .num<uint64_t>(KES_IT_CAP_PRM, 2)
        .num<uint64_t>(KES_IT_CAP_EFF, 3)
        .num<uint32_t>(KES_IT_TTY, 34816)
        .num<int64_t>(KES_IT_FDLIMIT, 1024)
        .num<uint64_t>(KES_IT_START_TS, 123456789)
        .num<uint32_t>(KES_IT_FLAGS, KES_IT_F_LEADER)
        .num<uint64_t>(KES_IT_EXE_INO, 99)
        .num<uint64_t>(KES_IT_EXE_CTIME, 5)
        .num<uint64_t>(KES_IT_EXE_MTIME, 6)
        .num<uint32_t>(KES_IT_EXE_FLAGS, KES_EXE_UPPER_LAYER | KES_EXE_WRITABLE)
        .str(KES_IT_EXEPATH, "/usr/sbin/nginx\0"s)
        .str(KES_IT_ARGS, "nginx\0-g\0daemon off;\0"s)
        .str(KES_IT_ENV, "HOME=/root\0TERM=xterm"s) // cut: no final NUL
        .str(KES_IT_CWD, "/srv\0"s)
        .str(KES_IT_CGROUPS,
             "cpu=/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\0"s)
        .build();
}

std::vector<uint8_t> thread_record() {
    return RecordBuilder(KES_ITER_REC_TASK, KES_IT_NPARAMS, 43, 42, "nginx-worker")
        .num<int64_t>(KES_IT_PTID, 1)
        .num<int64_t>(KES_IT_VTID, 8)
        .num<int64_t>(KES_IT_VPID, 7)
        .num<uint32_t>(KES_IT_UID, 33)
        .num<uint32_t>(KES_IT_FLAGS, 0)
        .build();
}

std::vector<uint8_t> file_record(int64_t fd, uint32_t kind, std::string name,
                                 std::vector<uint8_t> tuple = {}, std::vector<uint8_t> sock = {},
                                 uint64_t ino = 0, uint32_t flags = 0) {
    RecordBuilder b(KES_ITER_REC_FILE, KES_IF_NPARAMS, 42, 42, "nginx");
    b.num<int64_t>(KES_IF_FD, fd).num<uint32_t>(KES_IF_KIND, kind);
    b.num<uint32_t>(KES_IF_FLAGS, flags).num<uint32_t>(KES_IF_DEV, 0x801);
    b.num<uint64_t>(KES_IF_INO, ino);
    if (!name.empty()) {
        b.str(KES_IF_NAME, name + '\0');
    }
    b.str(KES_IF_TUPLE, std::string(tuple.begin(), tuple.end()));
    b.str(KES_IF_SOCK, std::string(sock.begin(), sock.end()));
    return b.build();
}

std::vector<uint8_t> ipv4_tuple(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport) {
    std::vector<uint8_t> t(13);
    t[0] = KES_AF_INET;
    std::memcpy(&t[1], &laddr, 4);
    std::memcpy(&t[5], &lport, 2);
    std::memcpy(&t[7], &raddr, 4);
    std::memcpy(&t[11], &rport, 2);
    return t;
}

void append(std::vector<uint8_t>& out, const std::vector<uint8_t>& rec) {
    out.insert(out.end(), rec.begin(), rec.end());
}

uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    uint8_t bytes[4] = {a, b, c, d};
    uint32_t v;
    std::memcpy(&v, bytes, 4);
    return v;
}

TEST(TaskIterDecode, TaskRecordsEveryField) {
    capture::IterSnapshot out;
    std::vector<uint8_t> data = leader_record();
    append(data, thread_record());
    EXPECT_EQ(capture::decode_iter_records(data, &out), data.size());
    ASSERT_EQ(out.tasks.size(), 2u);
    const capture::IterTask& t = out.tasks[0];
    EXPECT_EQ(t.tid, 42);
    EXPECT_EQ(t.pid, 42);
    EXPECT_EQ(t.comm, "nginx");
    EXPECT_EQ(t.ptid, 1);
    EXPECT_EQ(t.vtid, 7);
    EXPECT_EQ(t.sid, 40);
    EXPECT_EQ(t.pgid, 41);
    EXPECT_EQ(t.vpgid, 5);
    EXPECT_EQ(t.uid, 33u);
    EXPECT_EQ(t.gid, 34u);
    EXPECT_EQ(t.loginuid, 1000u);
    EXPECT_EQ(t.cap_effective, 3u);
    EXPECT_EQ(t.tty, 34816u);
    EXPECT_EQ(t.fdlimit, 1024);
    EXPECT_EQ(t.start_ts, 123456789u);
    EXPECT_TRUE(t.leader);
    EXPECT_EQ(t.exe_ino, 99u);
    EXPECT_EQ(t.exepath, "/usr/sbin/nginx");
    EXPECT_EQ(t.args_raw, std::string("nginx\0-g\0daemon off;\0", 21));
    EXPECT_EQ(t.env_raw, std::string("HOME=/root\0TERM=xterm\0", 22)); // cut entry closed
    EXPECT_EQ(t.cwd, "/srv");
    const capture::IterTask& w = out.tasks[1];
    EXPECT_EQ(w.tid, 43);
    EXPECT_EQ(w.pid, 42);
    EXPECT_FALSE(w.leader);
    EXPECT_EQ(w.fdlimit, -1); // process fields only for leaders
    EXPECT_EQ(out.counters.n_evts_task, 2u);
    EXPECT_EQ(out.counters.n_bad_records, 0u);
}

TEST(TaskIterDecode, RecordCutAtTheEndIsLeftForTheNextRead) {
    capture::IterSnapshot out;
    std::vector<uint8_t> data = leader_record();
    size_t first = data.size();
    append(data, thread_record());
    std::vector<uint8_t> part(data.begin(), data.end() - 10);
    EXPECT_EQ(capture::decode_iter_records(part, &out), first);
    EXPECT_EQ(out.tasks.size(), 1u);
    EXPECT_EQ(out.counters.n_bad_records, 0u);
    // A header alone, shorter than its own size, waits too.
    std::vector<uint8_t> tiny(data.begin(), data.begin() + 20);
    EXPECT_EQ(capture::decode_iter_records(tiny, &out), 0u);
}

TEST(TaskIterDecode, MalformedRecordsAreCounted) {
    capture::IterSnapshot out;
    std::vector<uint8_t> bad = RecordBuilder(77, 3, 1, 1, "x").build(); // unknown type
    EXPECT_EQ(capture::decode_iter_records(bad, &out), bad.size());
    EXPECT_EQ(out.counters.n_bad_records, 1u);
    // Lengths that run past the record's end: that record is skipped, the next one is read.
    std::vector<uint8_t> over = thread_record();
    uint16_t huge = 60000;
    std::memcpy(over.data() + sizeof(kes_event_header), &huge, 2);
    append(over, thread_record());
    EXPECT_EQ(capture::decode_iter_records(over, &out), over.size());
    EXPECT_EQ(out.counters.n_bad_records, 2u);
    EXPECT_EQ(out.tasks.size(), 1u);
}

TEST(TaskIterDecode, FilesAreCountedByFalcoKind) {
    capture::IterSnapshot out;
    std::vector<uint8_t> data = file_record(3, KES_IFK_REGULAR, "/var/log/x.log");
    append(data, file_record(4, KES_IFK_PIPE, "", {}, {}, 555));
    append(data, file_record(5, KES_IFK_ANON_INODE, "[eventfd]"));
    capture::decode_iter_records(data, &out);
    ASSERT_EQ(out.files.size(), 3u);
    EXPECT_EQ(out.files[0].name, "/var/log/x.log");
    EXPECT_EQ(out.files[0].dev, 0x801u);
    EXPECT_EQ(out.files[1].ino, 555u);
    EXPECT_EQ(out.counters.n_evts_task_file[KES_IFK_REGULAR], 1u);
    EXPECT_EQ(out.counters.n_evts_task_file[KES_IFK_PIPE], 1u);
    EXPECT_EQ(out.counters.n_evts_task_file[KES_IFK_ANON_INODE], 1u);
}

TEST(TaskIterToState, SnapshotsLoadLikeTheProcScan) {
    capture::IterSnapshot snap;
    std::vector<uint8_t> data = leader_record();
    append(data, thread_record());
    append(data, file_record(3, KES_IFK_REGULAR, "/var/log/x.log", {}, {}, 7,
                             KES_O_WRONLY | KES_O_APPEND | KES_O_CLOEXEC));
    append(data, file_record(4, KES_IFK_PIPE, "", {}, {}, 555));
    append(data, file_record(5, KES_IFK_ANON_INODE, "[eventfd]"));
    append(data, file_record(6, KES_IFK_MEMFD, "memfd:jit"));
    append(data, file_record(7, KES_IFK_DIRECTORY, "/srv"));
    // Listening on 0.0.0.0:80, an accepted connection on it, a client to 10.0.0.9:5432.
    append(data, file_record(8, KES_IFK_SOCKET_INET, "", ipv4_tuple(0, 80, 0, 0),
                             {KES_AF_INET, 1, 6, 1}));
    append(data, file_record(9, KES_IFK_SOCKET_INET, "",
                             ipv4_tuple(ip(10, 0, 0, 1), 80, ip(10, 0, 0, 2), 40000),
                             {KES_AF_INET, 1, 6, 0}));
    append(data, file_record(10, KES_IFK_SOCKET_INET, "",
                             ipv4_tuple(ip(10, 0, 0, 1), 41000, ip(10, 0, 0, 9), 5432),
                             {KES_AF_INET, 1, 6, 0}));
    std::vector<uint8_t> unix_tuple(17, 0);
    unix_tuple[0] = KES_AF_UNIX;
    uint64_t peer = 0xffff0001;
    uint64_t self = 0xffff0002;
    std::memcpy(&unix_tuple[1], &peer, 8);
    std::memcpy(&unix_tuple[9], &self, 8);
    std::string path = "/run/app.sock";
    unix_tuple.insert(unix_tuple.end(), path.begin(), path.end());
    unix_tuple.push_back(0);
    append(data, file_record(11, KES_IFK_SOCKET_UNIX, "", unix_tuple, {KES_AF_UNIX, 1, 0, 0}));
    append(data, file_record(12, KES_IFK_SOCKET_NETLINK, "", {}, {16, 3, 0, 0}, 777));
    capture::decode_iter_records(data, &snap);
    ASSERT_EQ(snap.counters.n_bad_records, 0u);

    std::vector<state::ThreadSnapshot> threads = daemon::iter_to_snapshots(snap);
    ASSERT_EQ(threads.size(), 2u);
    EXPECT_EQ(threads[0].exe, "nginx");
    EXPECT_EQ(threads[0].args_raw, std::string("-g\0daemon off;\0", 15));
    EXPECT_TRUE(threads[0].exe_upper_layer);
    EXPECT_TRUE(threads[0].exe_writable);
    EXPECT_FALSE(threads[0].exe_from_memfd);
    EXPECT_EQ(threads[0].fds.size(), 10u);
    EXPECT_TRUE(threads[1].fds.empty());

    state::Tables tables;
    tables.load(threads);
    const state::Thread* t = tables.find_thread(42);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->cmdline, "nginx -g daemon off;");
    const state::Process* p = tables.process(*t);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->cwd, "/srv/");
    EXPECT_EQ(p->env_value("TERM"), "xterm");
    EXPECT_EQ(p->container_id, "0123456789ab");
    const state::Thread* w = tables.find_thread(43);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(tables.process(*w), p); // the worker joins its leader's process
    EXPECT_EQ(w->comm, "nginx-worker");

    auto fd = [&](int n) { return tables.find_fd(*t, n); };
    ASSERT_NE(fd(3), nullptr);
    EXPECT_EQ(fd(3)->type, state::FdType::kFile);
    EXPECT_EQ(fd(3)->name, "/var/log/x.log");
    EXPECT_TRUE(fd(3)->cloexec);
    EXPECT_EQ(fd(4)->type, state::FdType::kPipe);
    EXPECT_EQ(fd(4)->name, "pipe:[555]");
    EXPECT_EQ(fd(5)->type, state::FdType::kEvent);
    EXPECT_EQ(fd(5)->name, "anon_inode:[eventfd]");
    EXPECT_EQ(fd(6)->type, state::FdType::kMemfd);
    EXPECT_EQ(fd(6)->name, "memfd:jit");
    EXPECT_EQ(fd(7)->type, state::FdType::kDirectory);
    EXPECT_EQ(fd(8)->role, state::SockRole::kServer);
    EXPECT_EQ(fd(8)->sport, 80);
    EXPECT_EQ(fd(8)->l4proto, state::L4Proto::kTcp);
    // Accepted on a loaded listening port: the server end, client first in the name.
    EXPECT_EQ(fd(9)->role, state::SockRole::kServer);
    EXPECT_EQ(fd(9)->name, "10.0.0.2:40000->10.0.0.1:80");
    EXPECT_EQ(fd(10)->role, state::SockRole::kClient);
    EXPECT_EQ(fd(10)->name, "10.0.0.1:41000->10.0.0.9:5432");
    EXPECT_EQ(fd(11)->type, state::FdType::kUnixSock);
    EXPECT_EQ(fd(11)->unix_src, peer);
    EXPECT_EQ(fd(11)->unix_dst, self);
    EXPECT_EQ(fd(11)->name, "ffff0001->ffff0002 /run/app.sock");
    EXPECT_EQ(fd(12)->type, state::FdType::kNetlink);
}

TEST(TaskIterToState, Ipv4MappedSocketsBecomeIpv4) {
    std::vector<uint8_t> t(37, 0);
    t[0] = KES_AF_INET6;
    uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
    std::memcpy(&t[1], mapped, 16);
    uint16_t lport = 8080;
    std::memcpy(&t[17], &lport, 2);
    std::memcpy(&t[19], mapped, 16);
    uint16_t rport = 50000;
    std::memcpy(&t[35], &rport, 2);
    state::FdSnapshot f;
    ASSERT_TRUE(state::socket_fd_from_tuple(t, false, state::L4Proto::kTcp, "", &f));
    EXPECT_EQ(f.type, state::FdType::kIpv4Sock);
    EXPECT_EQ(f.cport, 8080);
    EXPECT_EQ(f.sport, 50000);
    EXPECT_EQ(f.cip.family, 4);
    EXPECT_EQ(f.cip.bytes[0], 127);
    EXPECT_FALSE(state::socket_fd_from_tuple({}, false, state::L4Proto::kTcp, "", &f));
}

TEST(TaskIterToState, WhatTheIteratorMissedComesFromProc) {
    // A snapshot with one thread of this process and not its leader (as when the leader's
    // record was too large): the whole process, and every other process of the host, come
    // from /proc; the orphan thread record is not loaded on top.
    daemon::InitialStateOptions options;
    options.iterate = []() -> base::Result<capture::IterSnapshot> {
        capture::IterSnapshot snap;
        capture::IterTask t;
        t.tid = 0x3ffffff0; // above pid_max: cannot be a real thread
        t.pid = getpid();
        t.comm = "orphan";
        snap.tasks.push_back(t);
        return snap;
    };
    state::Tables tables;
    daemon::InitialStateReport r = daemon::load_initial_state(tables, options);
    EXPECT_EQ(r.source, daemon::InitialSource::kIterator);
    EXPECT_GE(r.completed_processes, 1u);
    EXPECT_EQ(tables.find_thread(0x3ffffff0), nullptr);
    const state::Thread* self = tables.find_thread(getpid());
    ASSERT_NE(self, nullptr);
    EXPECT_FALSE(tables.process(*self)->exepath.empty());
    EXPECT_EQ(tables.counters().n_proc_scan_threads, r.completed_threads);
    EXPECT_EQ(r.threads, r.completed_threads);
}

TEST(TaskIterMetrics, FalcoKernelIterCounters) {
    capture::IterCounters c;
    c.n_evts_task = 17;
    c.n_evts_task_file[KES_IFK_PIPE] = 24;
    c.n_evts_task_file[KES_IFK_ANON_INODE] = 217;
    c.n_evts_task_file[KES_IFK_OTHER] = 5; // no Falco counter
    c.n_drops_task_file[KES_IFK_REGULAR] = 2;
    c.n_drops_max_event_size = 1;
    metrics::KernelCounters k;
    daemon::add_iter_counters(c, &k);
    EXPECT_EQ(k.n_evts_task, 17u);
    EXPECT_EQ(k.n_evts_task_file[0], 24u); // metrics::kTaskFileKinds: "pipe" first
    EXPECT_EQ(metrics::kTaskFileKinds[KES_IFK_ANON_INODE], "anon_inode");
    EXPECT_EQ(k.n_evts_task_file[KES_IFK_ANON_INODE], 217u);
    EXPECT_EQ(metrics::kTaskFileKinds[KES_IFK_REGULAR], "regular");
    EXPECT_EQ(k.n_drops_task_file[KES_IFK_REGULAR], 2u);
    EXPECT_EQ(k.n_drops_max_event_size, 1u);
}

} // namespace
} // namespace kestrel
