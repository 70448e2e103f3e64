// The probe's wakeup rules (bpf/record.h): records go into the rings without waking the reader,
// except (a) the one that makes a ring cross its fill threshold and (b) the first record of a CPU
// after a quiet interval (1 ms). Rule (b) is what lets an alert on an idle host leave at once
// instead of at the reader's next poll.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "probe_fixture.hpp"

namespace kestrel::capture {
namespace {

TEST_F(ProbeTest, AnIsolatedRecordWakesTheSleepingReader) {
    // SetUp drained the rings. A wait far longer than the test can only end early through a
    // ring's wakeup: the child's open (and any other record of this host, each of which would
    // equally be the first of its CPU in a while once the reader is idle) must end it. Without
    // rule (b) the records would sit silently (far below the 1 MiB threshold) until the timeout.
    // Not run_child: it drains the child's records itself. The wakeup may come before wait() is
    // called: epoll keeps it (the ring is on its ready list), so wait() returns at once then.
    std::string path = temp_dir() + "/wakeup";
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ::close(fd);
        }
        ::_exit(fd >= 0 ? 0 : 1);
    }
    int status = -1;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_EQ(status, 0);
    auto woken = reader_->wait(/*timeout_ms=*/60'000);
    ASSERT_TRUE(woken.ok()) << woken.error().to_string();
    EXPECT_TRUE(*woken) << "no ring woke the reader: the records waited for the poll timeout";
    size_t records = reader_->drain([](std::span<const uint8_t>) {});
    EXPECT_GT(records, 0u);
    ::unlink(path.c_str());
}

} // namespace
} // namespace kestrel::capture
