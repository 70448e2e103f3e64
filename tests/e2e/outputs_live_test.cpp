// Signals on a live Kestrel (engine modern_ebpf): SIGUSR1 reopens the file output (logrotate:
// rename, signal, the next alerts go to a new file of the configured name), SIGTERM drains the
// outputs and exits 0.

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "kestrel_process.hpp"

namespace kestrel::e2e {
namespace {

namespace fs = std::filesystem;

TEST(OutputsLive, Sigusr1ReopensTheFileAndSigtermExitsCleanly) {
    char tmpl[] = "/tmp/kestrel-e2e-usr1-XXXXXX";
    const std::string dir = ::mkdtemp(tmpl);
    const std::string rules = dir + "/rules.yaml";
    std::ofstream(rules) << "- rule: usr1_open\n"
                            "  desc: an open of this test's files\n"
                            "  condition: evt.type in (open, openat, openat2) and fd.name "
                            "startswith "
                         << dir
                         << "/touch-\n"
                            "  output: \"opened %fd.name\"\n"
                            "  priority: WARNING\n";
    const std::string events = dir + "/events.txt";
    KestrelProcess kestrel({"-r", rules, "-o", "file_output.enabled=true", "-o",
                            "file_output.keep_alive=true", "-o", "file_output.filename=" + events,
                            "-o", "syslog_output.enabled=false", "-o", "webserver.enabled=false"});
    ASSERT_TRUE(poll_until([&] {
        return kestrel.read_stderr().find("live: watching the host") != std::string::npos;
    })) << kestrel.read_stderr();

    std::ofstream(dir + "/touch-before") << "x";
    ASSERT_TRUE(poll_until([&] {
        return read_file(events).find("touch-before") != std::string::npos;
    })) << kestrel.read_stderr();

    fs::rename(events, events + ".1"); // logrotate
    ASSERT_EQ(::kill(kestrel.pid(), SIGUSR1), 0);
    ASSERT_TRUE(poll_until([&] {
        return kestrel.read_stderr().find("output file: reopened") != std::string::npos;
    })) << kestrel.read_stderr();

    std::ofstream(dir + "/touch-after") << "x";
    ASSERT_TRUE(poll_until([&] {
        return read_file(events).find("touch-after") != std::string::npos;
    })) << kestrel.read_stderr();

    ASSERT_EQ(::kill(kestrel.pid(), SIGTERM), 0);
    EXPECT_EQ(kestrel.wait_exit(), 0) << kestrel.read_stderr();
    const std::string rotated = read_file(events + ".1");
    const std::string current = read_file(events);
    EXPECT_NE(rotated.find("touch-before"), std::string::npos);
    EXPECT_EQ(rotated.find("touch-after"), std::string::npos) << rotated;
    EXPECT_EQ(current.find("touch-before"), std::string::npos) << current;
    // Each line went to stdout too, and nothing was dropped on the way out.
    EXPECT_EQ(read_file(events + ".1") + current, kestrel.read_stdout());
    EXPECT_NE(kestrel.read_stderr().find("output file: "), std::string::npos);
    EXPECT_EQ(kestrel.read_stderr().find("not drained"), std::string::npos);
    fs::remove_all(dir);
}

} // namespace
} // namespace kestrel::e2e
