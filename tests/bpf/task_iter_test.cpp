// The initial-state iterators (bpf/iter/) on the running kernel: a child set up BEFORE the
// iterators run (args, env, cwd, a regular file, a pipe, TCP and unix sockets on loopback or in
// its own directory) must come out of them as it is, and the state built from them must match
// the state the /proc scan builds. The fallback to /proc is forced both ways.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "capture/task_iter.hpp"
#include "daemon/initial_state.hpp"
#include "gen/kestrel_events.h"
#include "state/proc_scan.hpp"
#include "state/tables.hpp"

namespace kestrel {
namespace {

// What the child set up, reported through a close-on-exec pipe (EOF = exec done).
struct ChildFds {
    int file = -1;
    int pipe_r = -1;
    int pipe_w = -1;
    int tcp_listen = -1;
    int tcp_client = -1;
    int tcp_accepted = -1;
    int unix_listen = -1;
    int unix_client = -1;
    int unix_accepted = -1;
    int memfd = -1;
    int eventfd = -1;
    uint16_t port = 0;
    uint16_t client_port = 0;
    uint64_t file_ino = 0;
    uint64_t pipe_ino = 0;
};

[[noreturn]] void die(const char* what) {
    std::perror(what);
    _exit(127);
}

// The child: everything is set up before exec, so the fds survive into `sleep`.
[[noreturn]] void child_main(const std::string& dir, int report) {
    ChildFds c;
    if (::chdir(dir.c_str()) != 0) {
        die("chdir");
    }
    c.file = ::open("data.txt", O_RDWR | O_CREAT | O_APPEND, 0600);
    int p[2];
    if (c.file < 0 || ::pipe(p) != 0) {
        die("open/pipe");
    }
    c.pipe_r = p[0];
    c.pipe_w = p[1];
    struct stat st {};
    ::fstat(c.file, &st);
    c.file_ino = st.st_ino;
    ::fstat(c.pipe_r, &st);
    c.pipe_ino = st.st_ino;

    c.tcp_listen = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof(a);
    if (::bind(c.tcp_listen, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        ::listen(c.tcp_listen, 4) != 0 ||
        ::getsockname(c.tcp_listen, reinterpret_cast<sockaddr*>(&a), &alen) != 0) {
        die("tcp listen");
    }
    c.port = ntohs(a.sin_port);
    c.tcp_client = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(c.tcp_client, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
        die("tcp connect");
    }
    c.tcp_accepted = ::accept(c.tcp_listen, nullptr, nullptr);
    sockaddr_in local{};
    alen = sizeof(local);
    ::getsockname(c.tcp_client, reinterpret_cast<sockaddr*>(&local), &alen);
    c.client_port = ntohs(local.sin_port);

    c.unix_listen = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un u{};
    u.sun_family = AF_UNIX;
    std::snprintf(u.sun_path, sizeof(u.sun_path), "%s/sock", dir.c_str());
    if (::bind(c.unix_listen, reinterpret_cast<sockaddr*>(&u), sizeof(u)) != 0 ||
        ::listen(c.unix_listen, 4) != 0) {
        die("unix listen");
    }
    c.unix_client = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (::connect(c.unix_client, reinterpret_cast<sockaddr*>(&u), sizeof(u)) != 0) {
        die("unix connect");
    }
    c.unix_accepted = ::accept(c.unix_listen, nullptr, nullptr);
    c.memfd = ::memfd_create("kes-iter", 0);
    c.eventfd = ::eventfd(0, 0);
    if (c.memfd < 0 || c.eventfd < 0 || c.tcp_accepted < 0 || c.unix_accepted < 0 ||
        ::write(report, &c, sizeof(c)) != static_cast<ssize_t>(sizeof(c))) {
        die("accept/report");
    }
    char arg0[] = "sleep";
    char arg1[] = "61";
    char arg2[] = "1";
    char env0[] = "KES_ITER_TEST=marker value";
    char env1[] = "PATH=/usr/bin:/bin";
    char* argv[] = {arg0, arg1, arg2, nullptr};
    char* envp[] = {env0, env1, nullptr};
    ::execve("/bin/sleep", argv, envp);
    die("execve");
}

class TaskIterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/kes-iter-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        char real[PATH_MAX];
        ASSERT_NE(::realpath(tmpl, real), nullptr);
        dir_ = real;
        int report[2];
        ASSERT_EQ(::pipe2(report, O_CLOEXEC), 0);
        pid_ = ::fork();
        ASSERT_GE(pid_, 0);
        if (pid_ == 0) {
            ::close(report[0]);
            child_main(dir_, report[1]);
        }
        ::close(report[1]);
        ASSERT_EQ(::read(report[0], &fds_, sizeof(fds_)), static_cast<ssize_t>(sizeof(fds_)));
        char b;
        ASSERT_EQ(::read(report[0], &b, 1), 0); // EOF: the child has exec'd
        ::close(report[0]);
    }

    void TearDown() override {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        std::string cmd = "rm -rf " + dir_;
        (void)std::system(cmd.c_str());
    }

    const capture::IterTask* task(const capture::IterSnapshot& s, int64_t tid) const {
        for (const capture::IterTask& t : s.tasks) {
            if (t.tid == tid) {
                return &t;
            }
        }
        return nullptr;
    }
    const capture::IterFile* file(const capture::IterSnapshot& s, int64_t pid, int fd) const {
        for (const capture::IterFile& f : s.files) {
            if (f.pid == pid && f.fd == fd) {
                return &f;
            }
        }
        return nullptr;
    }

    std::string dir_;
    pid_t pid_ = -1;
    ChildFds fds_;
};

std::string realpath_of(const char* p) {
    char real[PATH_MAX];
    return ::realpath(p, real) != nullptr ? real : "";
}

TEST_F(TaskIterTest, RecordsDescribeAProcessStartedBefore) {
    auto snap = capture::run_task_iterators();
    ASSERT_TRUE(snap.ok()) << snap.error().to_string();
    EXPECT_EQ(snap->counters.n_bad_records, 0u);
    EXPECT_EQ(snap->counters.n_drops_task, 0u);
    EXPECT_EQ(snap->counters.n_evts_task, snap->tasks.size());
    const capture::IterTask* t = task(*snap, pid_);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->pid, pid_);
    EXPECT_TRUE(t->leader);
    EXPECT_FALSE(t->kthread);
    EXPECT_FALSE(t->mm_unread);
    EXPECT_EQ(t->comm, "sleep");
    EXPECT_EQ(t->ptid, ::getpid());
    EXPECT_EQ(t->vtid, pid_);
    EXPECT_EQ(t->vpid, pid_);
    EXPECT_EQ(t->pgid, ::getpgid(0));
    EXPECT_EQ(t->sid, ::getsid(0));
    EXPECT_EQ(t->uid, ::geteuid());
    EXPECT_EQ(t->gid, ::getegid());
    EXPECT_EQ(t->args_raw, std::string("sleep\0"
                                       "61\0"
                                       "1\0",
                                       11));
    EXPECT_EQ(t->env_raw, std::string("KES_ITER_TEST=marker value\0PATH=/usr/bin:/bin\0", 46));
    EXPECT_EQ(t->cwd, dir_);
    std::string exe = realpath_of("/bin/sleep");
    EXPECT_EQ(t->exepath, exe);
    struct stat st {};
    ASSERT_EQ(::stat(exe.c_str(), &st), 0);
    EXPECT_EQ(t->exe_ino, st.st_ino);
    EXPECT_EQ(t->exe_ino_mtime,
              uint64_t(st.st_mtim.tv_sec) * 1000000000ULL + uint64_t(st.st_mtim.tv_nsec));
    EXPECT_EQ(t->exe_flags & KES_EXE_FROM_MEMFD, 0u);
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    EXPECT_EQ(t->fdlimit, static_cast<int64_t>(rl.rlim_cur));
    EXPECT_NE(t->cgroups_raw.find("memory="), std::string::npos) << t->cgroups_raw;
    timespec now{};
    ::clock_gettime(CLOCK_BOOTTIME, &now);
    uint64_t now_ns = uint64_t(now.tv_sec) * 1000000000ULL + uint64_t(now.tv_nsec);
    EXPECT_GT(t->start_ts, 0u);
    EXPECT_LT(now_ns - t->start_ts, 60ULL * 1000000000ULL); // started during this test

    const capture::IterFile* f = file(*snap, pid_, fds_.file);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->kind, capture::IterFileKind::kRegular);
    EXPECT_EQ(f->name, dir_ + "/data.txt");
    EXPECT_EQ(f->ino, fds_.file_ino);
    EXPECT_EQ(f->openflags & (KES_O_RDWR | KES_O_APPEND), uint32_t{KES_O_RDWR | KES_O_APPEND});
    EXPECT_EQ(f->openflags & KES_O_CLOEXEC, 0u);

    const capture::IterFile* pr = file(*snap, pid_, fds_.pipe_r);
    ASSERT_NE(pr, nullptr);
    EXPECT_EQ(pr->kind, capture::IterFileKind::kPipe);
    EXPECT_EQ(pr->ino, fds_.pipe_ino);
    const capture::IterFile* pw = file(*snap, pid_, fds_.pipe_w);
    ASSERT_NE(pw, nullptr);
    EXPECT_EQ(pw->ino, fds_.pipe_ino);
    EXPECT_NE(pw->openflags & KES_O_WRONLY, 0u);

    const capture::IterFile* l = file(*snap, pid_, fds_.tcp_listen);
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->kind, capture::IterFileKind::kSocketInet);
    EXPECT_TRUE(l->listening);
    EXPECT_EQ(l->protocol, IPPROTO_TCP);
    EXPECT_EQ(l->sock_type, SOCK_STREAM);
    ASSERT_EQ(l->socktuple.size(), 13u);
    uint16_t lport = 0;
    std::memcpy(&lport, &l->socktuple[5], 2);
    EXPECT_EQ(lport, fds_.port);

    const capture::IterFile* c = file(*snap, pid_, fds_.tcp_client);
    ASSERT_NE(c, nullptr);
    EXPECT_FALSE(c->listening);
    ASSERT_EQ(c->socktuple.size(), 13u);
    uint16_t sport = 0;
    uint16_t dport = 0;
    std::memcpy(&sport, &c->socktuple[5], 2);
    std::memcpy(&dport, &c->socktuple[11], 2);
    EXPECT_EQ(sport, fds_.client_port);
    EXPECT_EQ(dport, fds_.port);

    const capture::IterFile* ul = file(*snap, pid_, fds_.unix_listen);
    ASSERT_NE(ul, nullptr);
    EXPECT_EQ(ul->kind, capture::IterFileKind::kSocketUnix);
    EXPECT_EQ(ul->name, dir_ + "/sock");
    const capture::IterFile* uc = file(*snap, pid_, fds_.unix_client);
    ASSERT_NE(uc, nullptr);
    EXPECT_EQ(uc->name, ""); // unbound
    EXPECT_GE(uc->socktuple.size(), 17u);

    const capture::IterFile* m = file(*snap, pid_, fds_.memfd);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->kind, capture::IterFileKind::kMemfd);
    EXPECT_EQ(m->name, "memfd:kes-iter");
    const capture::IterFile* e = file(*snap, pid_, fds_.eventfd);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->kind, capture::IterFileKind::kAnonInode);
    EXPECT_EQ(e->name, "[eventfd]");

    // Falco's counters: every decoded record counted by kind.
    uint64_t files = 0;
    for (uint64_t n : snap->counters.n_evts_task_file) {
        files += n;
    }
    EXPECT_EQ(files, snap->files.size());
    EXPECT_GE(snap->counters.n_evts_task_file[size_t(capture::IterFileKind::kPipe)], 2u);
    EXPECT_EQ(capture::last_iter_counters().n_evts_task, snap->counters.n_evts_task);
}

TEST_F(TaskIterTest, StateFromIteratorsHasTheChildsFdNames) {
    auto snap = capture::run_task_iterators();
    ASSERT_TRUE(snap.ok()) << snap.error().to_string();
    state::Tables tables;
    tables.load(daemon::iter_to_snapshots(*snap));
    const state::Thread* t = tables.find_thread(pid_);
    ASSERT_NE(t, nullptr);
    const state::Process* p = tables.process(*t);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->exe, "sleep");
    EXPECT_EQ(p->args, "61 1");
    EXPECT_EQ(p->cwd, dir_ + "/");
    EXPECT_EQ(p->env_value("KES_ITER_TEST"), "marker value");
    EXPECT_EQ(t->cmdline, "sleep 61 1");
    EXPECT_EQ(t->ptid, ::getpid());
    auto fd = [&](int n) { return tables.find_fd(*t, n); };
    ASSERT_NE(fd(fds_.file), nullptr);
    EXPECT_EQ(fd(fds_.file)->type, state::FdType::kFile);
    EXPECT_EQ(fd(fds_.file)->name, dir_ + "/data.txt");
    ASSERT_NE(fd(fds_.pipe_r), nullptr);
    EXPECT_EQ(fd(fds_.pipe_r)->name, "pipe:[" + std::to_string(fds_.pipe_ino) + "]");
    std::string port = std::to_string(fds_.port);
    std::string cport = std::to_string(fds_.client_port);
    ASSERT_NE(fd(fds_.tcp_listen), nullptr);
    EXPECT_EQ(fd(fds_.tcp_listen)->role, state::SockRole::kServer);
    EXPECT_EQ(fd(fds_.tcp_listen)->l4proto, state::L4Proto::kTcp);
    ASSERT_NE(fd(fds_.tcp_client), nullptr);
    EXPECT_EQ(fd(fds_.tcp_client)->name, "127.0.0.1:" + cport + "->127.0.0.1:" + port);
    EXPECT_EQ(fd(fds_.tcp_client)->role, state::SockRole::kClient);
    // The accepted end: its local port is a loaded listening port, so it is the server end.
    ASSERT_NE(fd(fds_.tcp_accepted), nullptr);
    EXPECT_EQ(fd(fds_.tcp_accepted)->role, state::SockRole::kServer);
    EXPECT_EQ(fd(fds_.tcp_accepted)->name, "127.0.0.1:" + cport + "->127.0.0.1:" + port);
    ASSERT_NE(fd(fds_.unix_client), nullptr);
    EXPECT_EQ(fd(fds_.unix_client)->type, state::FdType::kUnixSock);
    // Connected to the bound path: the live probe's naming (peer's path).
    EXPECT_TRUE(fd(fds_.unix_client)->name.ends_with(" " + dir_ + "/sock"))
        << fd(fds_.unix_client)->name;
    ASSERT_NE(fd(fds_.memfd), nullptr);
    EXPECT_EQ(fd(fds_.memfd)->type, state::FdType::kMemfd);
    EXPECT_EQ(fd(fds_.memfd)->name, "memfd:kes-iter");
    ASSERT_NE(fd(fds_.eventfd), nullptr);
    EXPECT_EQ(fd(fds_.eventfd)->type, state::FdType::kEvent);
    EXPECT_EQ(fd(fds_.eventfd)->name, "anon_inode:[eventfd]");
    ASSERT_NE(fd(fds_.unix_listen), nullptr);
    EXPECT_TRUE(fd(fds_.unix_listen)->name.ends_with(dir_ + "/sock"));
}

// Parked until the test ends: a second thread of this process for both sources to describe.
class ParkedThread {
  public:
    ParkedThread()
        : thread_([this] {
              std::unique_lock lock(mu_);
              tid_ = ::gettid();
              cv_.notify_all();
              cv_.wait(lock, [this] { return done_; });
          }) {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return tid_ != 0; });
    }
    ~ParkedThread() {
        {
            std::lock_guard lock(mu_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    pid_t tid() const { return tid_; }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    pid_t tid_ = 0;
    bool done_ = false;
    std::thread thread_;
};

TEST_F(TaskIterTest, IteratorStateMatchesProcScanForOurTree) {
    ParkedThread parked;
    auto snap = capture::run_task_iterators();
    ASSERT_TRUE(snap.ok()) << snap.error().to_string();
    capture::IterSnapshot mine;
    for (const capture::IterTask& t : snap->tasks) {
        if (t.pid == ::getpid() || t.pid == pid_) {
            mine.tasks.push_back(t);
        }
    }
    for (const capture::IterFile& f : snap->files) {
        if (f.pid == pid_) { // our own fds change between the two reads (iterator, scan fds)
            mine.files.push_back(f);
        }
    }
    ASSERT_EQ(mine.tasks.size(), 3u); // this process's two threads, the child
    state::Tables from_iter;
    from_iter.load(daemon::iter_to_snapshots(mine));

    std::vector<state::ThreadSnapshot> scanned;
    for (int64_t pid : {int64_t{::getpid()}, int64_t{pid_}}) {
        auto r = state::scan_proc_pid(pid);
        ASSERT_TRUE(r.ok());
        for (state::ThreadSnapshot& s : *r) {
            if (s.pid == ::getpid()) {
                s.fds.clear();
            }
            scanned.push_back(std::move(s));
        }
    }
    state::Tables from_proc;
    from_proc.load(scanned);

    for (int64_t tid : {int64_t{::getpid()}, int64_t{parked.tid()}, int64_t{pid_}}) {
        SCOPED_TRACE("tid " + std::to_string(tid));
        const state::Thread* a = from_iter.find_thread(tid);
        const state::Thread* b = from_proc.find_thread(tid);
        ASSERT_NE(a, nullptr);
        ASSERT_NE(b, nullptr);
        EXPECT_EQ(a->pid, b->pid);
        EXPECT_EQ(a->ptid, b->ptid);
        EXPECT_EQ(a->vtid, b->vtid);
        EXPECT_EQ(a->comm, b->comm);
        EXPECT_EQ(a->cmdline, b->cmdline);
        EXPECT_EQ(a->uid, b->uid);
        EXPECT_EQ(a->gid, b->gid);
        EXPECT_EQ(a->loginuid, b->loginuid);
        EXPECT_EQ(a->cap_effective, b->cap_effective);
        EXPECT_EQ(a->cap_permitted, b->cap_permitted);
        EXPECT_EQ(a->cap_inheritable, b->cap_inheritable);
        // /proc's start time has clock-tick resolution.
        uint64_t d =
            a->clone_ts > b->clone_ts ? a->clone_ts - b->clone_ts : b->clone_ts - a->clone_ts;
        EXPECT_LT(d, 20ULL * 1000000) << a->clone_ts << " vs " << b->clone_ts;
        const state::Process* pa = from_iter.process(*a);
        const state::Process* pb = from_proc.process(*b);
        ASSERT_NE(pa, nullptr);
        ASSERT_NE(pb, nullptr);
        EXPECT_EQ(pa->vpid, pb->vpid);
        EXPECT_EQ(pa->sid, pb->sid);
        EXPECT_EQ(pa->pgid, pb->pgid);
        EXPECT_EQ(pa->vpgid, pb->vpgid);
        EXPECT_EQ(pa->tty, pb->tty);
        EXPECT_EQ(pa->fdlimit, pb->fdlimit);
        EXPECT_EQ(pa->exe, pb->exe);
        EXPECT_EQ(pa->exepath, pb->exepath);
        EXPECT_EQ(pa->args, pb->args);
        if (a->pid == pid_) { // ours may be longer than the iterator's 4 KiB
            EXPECT_EQ(pa->env, pb->env);
        }
        EXPECT_EQ(pa->cwd, pb->cwd);
        EXPECT_EQ(pa->exe_ino, pb->exe_ino);
        EXPECT_EQ(pa->exe_ino_mtime, pb->exe_ino_mtime);
        EXPECT_EQ(pa->exe_from_memfd, pb->exe_from_memfd);
        EXPECT_EQ(pa->container_id, pb->container_id);
        EXPECT_EQ(pa->cgroup("memory"), pb->cgroup("memory"));
        if (a->pid != pid_) {
            continue;
        }
        EXPECT_EQ(pa->fds.size(), pb->fds.size());
        for (const auto& [num, fa] : pa->fds) {
            SCOPED_TRACE("fd " + std::to_string(num));
            auto it = pb->fds.find(num);
            ASSERT_NE(it, pb->fds.end());
            const state::Fd& fb = it->second;
            EXPECT_EQ(fa.type, fb.type);
            EXPECT_EQ(fa.ino, fb.ino);
            EXPECT_EQ(fa.cloexec, fb.cloexec);
            if (fa.type == state::FdType::kUnixSock) {
                // /proc/net/unix shows hashed kernel addresses; the iterator the real ones
                // (what live events carry). The path part: the listener's for both.
                continue;
            }
            EXPECT_EQ(fa.name, fb.name);
            EXPECT_EQ(fa.openflags, fb.openflags);
            EXPECT_EQ(fa.role, fb.role);
            EXPECT_EQ(fa.l4proto, fb.l4proto);
            if (fa.type == state::FdType::kFile) {
                EXPECT_EQ(fa.dev, fb.dev);
            }
        }
    }
}

TEST_F(TaskIterTest, FallsBackToProcWhenTheIteratorFails) {
    state::Tables tables;
    daemon::InitialStateOptions options;
    options.iterate = []() -> base::Result<capture::IterSnapshot> {
        return base::make_error(base::ErrorCode::kUnsupported, "forced by the test");
    };
    daemon::InitialStateReport r = daemon::load_initial_state(tables, options);
    EXPECT_EQ(r.source, daemon::InitialSource::kProc);
    EXPECT_NE(r.iterator_error.find("forced by the test"), std::string::npos);
    EXPECT_EQ(tables.counters().n_task_iter_failures, 1u);
    EXPECT_EQ(tables.counters().n_proc_scan_threads, r.threads);
    EXPECT_GT(r.threads, 0u);
    EXPECT_EQ(tables.counters().n_proc_scan_fds, r.fds);
    const state::Thread* t = tables.find_thread(pid_);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->comm, "sleep");
}

TEST_F(TaskIterTest, DisabledIteratorsUseProcWithoutAFailure) {
    state::Tables tables;
    daemon::InitialStateOptions options;
    options.use_iterators = false; // engine.modern_ebpf.disable_iterators
    daemon::InitialStateReport r = daemon::load_initial_state(tables, options);
    EXPECT_EQ(r.source, daemon::InitialSource::kProc);
    EXPECT_EQ(tables.counters().n_task_iter_failures, 0u);
    EXPECT_GT(tables.counters().n_proc_scan_threads, 0u);
    EXPECT_NE(tables.find_thread(pid_), nullptr);
}

TEST_F(TaskIterTest, LoadsFromTheIteratorWhenItWorks) {
    state::Tables tables;
    daemon::InitialStateReport r = daemon::load_initial_state(tables, {});
    EXPECT_EQ(r.source, daemon::InitialSource::kIterator) << r.iterator_error;
    EXPECT_TRUE(r.iterator_error.empty());
    // Only what the iterator did not show came from /proc (here: pid 1, which this kernel's
    // task iterator never visits).
    EXPECT_EQ(tables.counters().n_proc_scan_threads, r.completed_threads);
    EXPECT_EQ(tables.counters().n_task_iter_failures, 0u);
    EXPECT_EQ(capture::last_iter_counters().n_evts_task, r.threads - r.completed_threads);
    const state::Thread* t = tables.find_thread(pid_);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->cmdline, "sleep 61 1");
    // Ancestry reaches init through loaded threads.
    EXPECT_NE(tables.find_thread(1), nullptr);
}

TEST_F(TaskIterTest, PreloadedIteratorsWalkLater) {
    daemon::IteratorPreload preload(true);
    auto snap = preload.iterate(); // waits for the load, then walks
    ASSERT_TRUE(snap.ok()) << snap.error().to_string();
    EXPECT_GT(snap->load_ns, 0u);
    EXPECT_NE(task(*snap, pid_), nullptr);
    auto again = preload.iterate(); // the loaded object walks again
    ASSERT_TRUE(again.ok());
    EXPECT_NE(task(*again, pid_), nullptr);
    daemon::IteratorPreload disabled(false);
    EXPECT_FALSE(disabled.iterate().ok());
}

} // namespace
} // namespace kestrel
