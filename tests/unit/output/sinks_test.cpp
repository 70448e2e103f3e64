// The sinks on their own (no queue): file (append, keep_alive, reopen after a rename), program
// (keep_alive vs one process per alert, a killed keep-alive program restarted), the syslog
// datagram (RFC 3164, Falco's priority → severity) on a socket the test owns.

#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "output/file_sink.hpp"
#include "output/program_sink.hpp"
#include "output/syslog_sink.hpp"
#include "test_alerts.hpp"

namespace kestrel::output {
namespace {

namespace fs = std::filesystem;

class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/kestrel-output-test-XXXXXX";
        path_ = ::mkdtemp(tmpl);
    }
    ~TempDir() { fs::remove_all(path_); }
    [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

size_t count_lines(const std::string& path) {
    std::string text = read_file(path);
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Waits (the programs run asynchronously) until `path` holds `lines` lines.
void wait_lines(const std::string& path, size_t lines) {
    for (int i = 0; i < 3000 && count_lines(path) < lines; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

eval::Alert alert_of(rules::Priority p) {
    eval::Alert a;
    testing::fill_alert(a, testing::test_rule(p), "m", 0);
    return a;
}

TEST(outputFileSink, AppendsAndReopensAfterRename) {
    TempDir dir;
    const std::string path = dir.file("events.txt");
    std::ofstream(path) << "existing\n";
    auto sink = FileSink::open(path, /*keep_alive=*/true, /*buffered=*/false);
    ASSERT_TRUE(sink.ok()) << sink.error().to_string();
    eval::Alert a = alert_of(rules::Priority::kWarning);
    (*sink)->deliver(a, "one");
    fs::rename(path, dir.file("events.txt.1")); // logrotate
    (*sink)->deliver(a, "two");                 // still the open (renamed) file
    (*sink)->reopen();                          // SIGUSR1
    (*sink)->deliver(a, "three");
    EXPECT_EQ(read_file(dir.file("events.txt.1")), "existing\none\ntwo\n");
    EXPECT_EQ(read_file(path), "three\n");
    EXPECT_EQ((*sink)->counters().delivered.load(), 3u);
}

TEST(outputFileSink, WithoutKeepAliveFollowsTheNameAtOnce) {
    TempDir dir;
    const std::string path = dir.file("events.txt");
    auto sink = FileSink::open(path, /*keep_alive=*/false, /*buffered=*/false);
    ASSERT_TRUE(sink.ok());
    eval::Alert a = alert_of(rules::Priority::kWarning);
    (*sink)->deliver(a, "one");
    fs::rename(path, dir.file("old"));
    (*sink)->deliver(a, "two");
    EXPECT_EQ(read_file(dir.file("old")), "one\n");
    EXPECT_EQ(read_file(path), "two\n");
}

TEST(outputFileSink, BufferedWritesOnFlush) {
    TempDir dir;
    const std::string path = dir.file("events.txt");
    auto sink = FileSink::open(path, /*keep_alive=*/true, /*buffered=*/true);
    ASSERT_TRUE(sink.ok());
    eval::Alert a = alert_of(rules::Priority::kWarning);
    (*sink)->deliver(a, "one");
    (*sink)->deliver(a, "two");
    EXPECT_EQ(read_file(path), "");
    EXPECT_EQ((*sink)->counters().delivered.load(), 0u);
    (*sink)->flush(); // the worker flushes when its queue runs empty
    EXPECT_EQ(read_file(path), "one\ntwo\n");
    EXPECT_EQ((*sink)->counters().delivered.load(), 2u);
}

TEST(outputFileSink, UnopenableFileIsAnErrorNamingTheKey) {
    auto sink = FileSink::open("/nonexistent-dir/x/events.txt", false, false);
    ASSERT_FALSE(sink.ok());
    EXPECT_NE(sink.error().to_string().find("file_output.filename"), std::string::npos);
    EXPECT_NE(sink.error().to_string().find("/nonexistent-dir/x/events.txt"), std::string::npos);
}

TEST(outputProgramSink, KeepAliveOneProcessForAllAlerts) {
    TempDir dir;
    const std::string out = dir.file("out");
    {
        // Each line is prefixed with the shell's pid: one process means one prefix.
        ProgramSink sink("while read -r l; do echo \"$$ $l\" >> " + out + "; done", true, false);
        eval::Alert a = alert_of(rules::Priority::kWarning);
        for (int i = 0; i < 5; ++i) {
            sink.deliver(a, "alert " + std::to_string(i));
        }
        wait_lines(out, 5);
        EXPECT_EQ(sink.counters().delivered.load(), 5u);
    } // closing: end-of-file, the loop ends
    std::istringstream lines(read_file(out));
    std::string pid;
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
        std::string p = line.substr(0, line.find(' '));
        if (pid.empty()) {
            pid = p;
        }
        EXPECT_EQ(p, pid) << line;
        EXPECT_EQ(line.substr(line.find(' ') + 1), "alert " + std::to_string(n++));
    }
    EXPECT_EQ(n, 5);
}

TEST(outputProgramSink, OneProcessPerAlertWithoutKeepAlive) {
    TempDir dir;
    const std::string out = dir.file("out");
    ProgramSink sink("read -r l; echo \"$$ $l\" >> " + out, false, false);
    eval::Alert a = alert_of(rules::Priority::kWarning);
    for (int i = 0; i < 3; ++i) {
        sink.deliver(a, "alert " + std::to_string(i)); // waits for the program, as pclose()
    }
    EXPECT_EQ(count_lines(out), 3u);
    std::istringstream lines(read_file(out));
    std::set<std::string> pids;
    std::string line;
    while (std::getline(lines, line)) {
        pids.insert(line.substr(0, line.find(' ')));
    }
    EXPECT_EQ(pids.size(), 3u);
    EXPECT_EQ(sink.counters().delivered.load(), 3u);
}

TEST(outputProgramSink, KilledKeepAliveProgramIsRestarted) {
    TempDir dir;
    const std::string out = dir.file("out");
    const std::string pidfile = dir.file("pid");
    ProgramSink sink("echo $$ > " + pidfile + "; while read -r l; do echo \"$l\" >> " + out +
                         "; done",
                     true, false);
    eval::Alert a = alert_of(rules::Priority::kWarning);
    sink.deliver(a, "before");
    wait_lines(out, 1);
    const pid_t pid = std::stoi(read_file(pidfile));
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    ASSERT_GE(pidfd, 0);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    pollfd p{pidfd, POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, -1), 1); // it is gone (a zombie until the sink reaps it)
    ::close(pidfd);
    sink.deliver(a, "after");
    wait_lines(out, 2);
    EXPECT_EQ(read_file(out), "before\nafter\n");
    EXPECT_EQ(sink.restarts(), 1u);
    EXPECT_EQ(sink.counters().delivered.load(), 2u);
    EXPECT_NE(std::stoi(read_file(pidfile)), pid);
}

TEST(outputSyslog, DatagramIsRfc3164WithFalcosSeverity) {
    setenv("TZ", "UTC", 1);
    tzset();
    std::string d;
    format_syslog_datagram(4, 1717160711, "kestrel", 42, "13:05:11.1: Warning x", d);
    EXPECT_EQ(d, "<12>May 31 13:05:11 kestrel[42]: 13:05:11.1: Warning x");
    format_syslog_datagram(0, 1704067200, "k", 1, "m", d);
    EXPECT_EQ(d, "<8>Jan  1 00:00:00 k[1]: m"); // day padded with a space, as glibc's %e
}

TEST(outputSyslog, EachPriorityReachesTheSocketWithItsSeverity) {
    TempDir dir;
    const std::string path = dir.file("log.sock");
    const int server = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    ASSERT_EQ(::bind(server, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    SyslogSink sink(path);
    for (int p = 0; p <= 7; ++p) {
        eval::Alert a = alert_of(static_cast<rules::Priority>(p));
        sink.deliver(a, "line " + std::to_string(p));
    }
    for (int p = 0; p <= 7; ++p) {
        char buf[512];
        const ssize_t n = ::recv(server, buf, sizeof(buf), 0);
        ASSERT_GT(n, 0);
        std::string d(buf, static_cast<size_t>(n));
        EXPECT_EQ(d.rfind("<" + std::to_string(8 + p) + ">", 0), 0u) << d;
        EXPECT_NE(d.find("]: line " + std::to_string(p)), std::string::npos) << d;
    }
    EXPECT_EQ(sink.counters().delivered.load(), 8u);
    ::close(server);
    // The receiver is gone: counted, not fatal.
    eval::Alert a = alert_of(rules::Priority::kWarning);
    sink.deliver(a, "lost");
    EXPECT_EQ(sink.counters().failed.load(), 1u);
    EXPECT_EQ(sink.counters().dropped.load(), 1u);
}

} // namespace
} // namespace kestrel::output
