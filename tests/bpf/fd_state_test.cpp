// bpf tier: the live file and fd records fed through state::Tables, as the daemon does: the cwd
// from chdir/fchdir, relative opens resolved against it, dup3/pipe2/eventfd2/inotify/memfd fds
// with their types and close-on-exec bits, close_range removing a range.
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "probe_fixture.hpp"
#include "state/tables.hpp"

namespace kestrel::capture {
namespace {

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

TEST_F(ProbeTest, LiveFdEventsKeepTheFdTableAndCwd) {
    std::string dir = temp_dir();
    std::string sub = dir + "/sub";
    auto run = run_child([&](Report& r) {
        ::mkdir(sub.c_str(), 0700);
        ::syscall(SYS_chdir, dir.c_str());
        int fd = static_cast<int>(::syscall(SYS_openat, AT_FDCWD, "f", O_CREAT | O_WRONLY, 0600));
        r.v[0] = ::syscall(SYS_dup3, fd, 40, O_CLOEXEC);
        int p[2];
        ::syscall(SYS_pipe2, p, O_CLOEXEC);
        r.v[1] = p[0];
        r.v[2] = ::syscall(SYS_eventfd2, 0, EFD_CLOEXEC);
        r.v[3] = ::syscall(SYS_inotify_init1, 0);
        r.v[4] = ::syscall(SYS_memfd_create, "kes", 0);
        int dfd = static_cast<int>(::syscall(SYS_openat, AT_FDCWD, "sub", O_RDONLY | O_DIRECTORY));
        ::syscall(SYS_fchdir, dfd);
        r.v[5] = ::syscall(SYS_openat, AT_FDCWD, "g", O_CREAT | O_WRONLY, 0600);
        ::syscall(SYS_dup2, fd, 55);
        r.v[6] = ::syscall(SYS_close_range, 50u, 60u, 0u);
        ::syscall(SYS_close, 9999); // one more event: the close_range takes effect before it
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 40);
    ASSERT_EQ(run.report.v[6], 0);
    state::Tables t;
    apply_run(t, run);

    const state::Fd* dupped = t.find_fd_by_pid(run.pid, 40);
    ASSERT_NE(dupped, nullptr);
    EXPECT_EQ(dupped->name, dir + "/f");
    EXPECT_TRUE(dupped->cloexec);
    const state::Fd* pipe = t.find_fd_by_pid(run.pid, run.report.v[1]);
    ASSERT_NE(pipe, nullptr);
    EXPECT_EQ(pipe->typechar(), 'p');
    EXPECT_TRUE(pipe->cloexec);
    const state::Fd* efd = t.find_fd_by_pid(run.pid, run.report.v[2]);
    ASSERT_NE(efd, nullptr);
    EXPECT_EQ(efd->type, state::FdType::kEvent);
    EXPECT_TRUE(efd->cloexec);
    const state::Fd* ifd = t.find_fd_by_pid(run.pid, run.report.v[3]);
    ASSERT_NE(ifd, nullptr);
    EXPECT_EQ(ifd->type, state::FdType::kInotify);
    EXPECT_FALSE(ifd->cloexec);
    const state::Fd* mfd = t.find_fd_by_pid(run.pid, run.report.v[4]);
    ASSERT_NE(mfd, nullptr);
    EXPECT_EQ(mfd->name, "memfd:kes");
    // fchdir moved the cwd: the relative open after it lands in sub/.
    const state::Fd* g = t.find_fd_by_pid(run.pid, run.report.v[5]);
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->name, sub + "/g");
    EXPECT_EQ(t.find_fd_by_pid(run.pid, 55), nullptr) << "close_range(50, 60) closed it";
    std::string cmd = "rm -rf '" + dir + "'";
    (void)!std::system(cmd.c_str());
}

} // namespace
} // namespace kestrel::capture
