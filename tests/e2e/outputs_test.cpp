// Alert delivery through the real kestrel binary replaying Falco's captures: a real rsyslogd on a
// private socket gets the syslog output with Falco's facility and severity; program output
// (keep_alive and one process per alert) and file output get exactly stdout's lines, in order;
// a program that never reads its input neither stops event processing nor hangs shutdown, and
// every alert it could not take is counted.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kestrel_process.hpp"

namespace kestrel::e2e {
namespace {

namespace fs = std::filesystem;

const std::string kCorpus = std::string(KESTREL_SHARED_DIR) + "/corpus/scap/falco/";

class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/kestrel-e2e-outputs-XXXXXX";
        path_ = ::mkdtemp(tmpl);
    }
    ~TempDir() { fs::remove_all(path_); }
    [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }
    [[nodiscard]] const std::string& path() const { return path_; }

  private:
    std::string path_;
};

// cat_write.scap: cat's 4 opens alert twice each (replay_test.cpp), 8 Warning alerts.
std::string write_open_rule(const TempDir& dir) {
    std::string path = dir.file("rule.yaml");
    std::ofstream(path) << R"yaml(- rule: open_from_cat
  desc: A process named cat does an open
  condition: evt.type=open and proc.name=cat
  output: "An open was seen (command=%proc.cmdline)"
  priority: WARNING
)yaml";
    return path;
}

// Every open of open-multiple-files.scap, each line padded to 20000 bytes: enough bytes to fill
// a pipe (64 KiB) that nobody reads.
std::string write_wide_rule(const TempDir& dir) {
    std::string path = dir.file("wide.yaml");
    std::ofstream(path) << R"yaml(- rule: every_open
  desc: every open, wide
  condition: evt.type in (open, openat)
  output: "open %20000fd.name"
  priority: NOTICE
)yaml";
    return path;
}

// One "output <name>: D delivered, F failed, R retried, X dropped" summary line's numbers.
struct SinkSummary {
    uint64_t delivered = 0, failed = 0, retried = 0, dropped = 0;
    bool found = false;
};

SinkSummary summary_of(const std::string& err, const std::string& sink) {
    std::regex re("output " + sink +
                  R"(: (\d+) delivered, (\d+) failed, (\d+) retried, (\d+) dropped)");
    std::smatch m;
    SinkSummary s;
    if (std::regex_search(err, m, re)) {
        s = {std::stoull(m[1]), std::stoull(m[2]), std::stoull(m[3]), std::stoull(m[4]), true};
    }
    return s;
}

uint64_t alerts_of(const std::string& err) {
    std::smatch m;
    if (std::regex_search(err, m, std::regex(R"(events evaluated, (\d+) alerts)"))) {
        return std::stoull(m[1]);
    }
    return UINT64_MAX;
}

// A real rsyslogd with its own configuration, socket, pid and work files in `dir`, writing
// "<facility> <severity> <programname> <msg>" per message to out.log.
class Rsyslogd {
  public:
    explicit Rsyslogd(const TempDir& dir)
        : socket_(dir.file("log.sock")), out_(dir.file("out.log")) {
        const std::string conf = dir.file("rsyslog.conf");
        std::ofstream(conf) << "global(workDirectory=\"" << dir.path() << "\")\n"
                            << "module(load=\"imuxsock\" SysSock.Use=\"off\")\n"
                            << "input(type=\"imuxsock\" Socket=\"" << socket_
                            << "\" RateLimit.Interval=\"0\")\n"
                            << "template(name=\"t\" type=\"string\" string=\"%syslogfacility% "
                               "%syslogseverity% %programname% %msg%\\n\")\n"
                            << "*.* action(type=\"omfile\" file=\"" << out_
                            << "\" template=\"t\")\n";
        const std::string pidfile = dir.file("rsyslogd.pid");
        pid_ = fork();
        if (pid_ == 0) {
            execl("/usr/sbin/rsyslogd", "rsyslogd", "-n", "-f", conf.c_str(), "-i", pidfile.c_str(),
                  static_cast<char*>(nullptr));
            _exit(127);
        }
        ready_ = poll_until([&] { return fs::exists(socket_); });
    }
    ~Rsyslogd() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
    }
    Rsyslogd(const Rsyslogd&) = delete;
    Rsyslogd& operator=(const Rsyslogd&) = delete;

    [[nodiscard]] bool ready() const { return ready_; }
    [[nodiscard]] const std::string& socket() const { return socket_; }
    [[nodiscard]] std::vector<std::string> lines() const { return split_lines(read_file(out_)); }

  private:
    std::string socket_;
    std::string out_;
    pid_t pid_ = -1;
    bool ready_ = false;
};

TEST(Outputs, RealRsyslogdGetsFalcosFacilityAndSeverity) {
    TempDir dir;
    Rsyslogd syslogd(dir);
    ASSERT_TRUE(syslogd.ready()) << "rsyslogd did not create " << syslogd.socket();
    Outcome run = run_kestrel({"-e", kCorpus + "cat_write.scap", "-r", write_open_rule(dir), "-o",
                               "syslog_output.enabled=true", "-o",
                               "syslog_output.socket_path=" + syslogd.socket()});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    std::vector<std::string> out = split_lines(run.out);
    ASSERT_EQ(out.size(), 8u) << run.err;
    ASSERT_TRUE(poll_until([&] { return syslogd.lines().size() >= 8; })) << run.err;
    std::vector<std::string> got = syslogd.lines();
    ASSERT_EQ(got.size(), 8u);
    for (size_t i = 0; i < got.size(); ++i) {
        // facility 1 (user), severity 4 (warning: the rule's priority), ident kestrel, and the
        // same line as stdout.
        EXPECT_EQ(got[i].rfind("1 4 kestrel ", 0), 0u) << got[i];
        EXPECT_NE(got[i].find(out[i]), std::string::npos) << got[i] << "\n" << out[i];
    }
    EXPECT_EQ(summary_of(run.err, "syslog").delivered, 8u) << run.err;
}

TEST(Outputs, ProgramKeepAliveAndPerAlertGetStdoutsLinesInOrder) {
    for (const char* keep_alive : {"true", "false"}) {
        TempDir dir;
        const std::string got = dir.file("program.out");
        Outcome run = run_kestrel({"-e", kCorpus + "cat_write.scap", "-r", write_open_rule(dir),
                                   "-o", "program_output.enabled=true", "-o",
                                   std::string("program_output.keep_alive=") + keep_alive, "-o",
                                   "program_output.program=cat >> " + got});
        ASSERT_EQ(run.exit_code, 0) << run.err;
        ASSERT_EQ(split_lines(run.out).size(), 8u) << run.err;
        EXPECT_EQ(read_file(got), run.out) << "keep_alive=" << keep_alive;
        SinkSummary program = summary_of(run.err, "program");
        EXPECT_EQ(program.delivered, 8u) << run.err;
        EXPECT_EQ(program.dropped, 0u) << run.err;
    }
}

TEST(Outputs, BufferedFileIsCompleteAtExit) {
    TempDir dir;
    const std::string file = dir.file("events.txt");
    Outcome run = run_kestrel({"-e", kCorpus + "open-multiple-files.scap", "-r",
                               write_wide_rule(dir), "-o", "buffered_outputs=true", "-o",
                               "file_output.enabled=true", "-o", "file_output.keep_alive=true",
                               "-o", "file_output.filename=" + file, "-o", "json_output=true"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ASSERT_GT(split_lines(run.out).size(), 10u) << run.err;
    EXPECT_EQ(read_file(file), run.out);
}

TEST(Outputs, ProgramThatNeverReadsStopsNeitherEventsNorShutdown) {
    TempDir dir;
    const std::string rules = write_wide_rule(dir);
    Outcome baseline = run_kestrel({"-e", kCorpus + "open-multiple-files.scap", "-r", rules});
    ASSERT_EQ(baseline.exit_code, 0) << baseline.err;
    const uint64_t alerts = alerts_of(baseline.err);
    ASSERT_GT(alerts * 20000, 2u * 65536) << "the lines must overfill the program's pipe";

    Outcome run = run_kestrel({"-e", kCorpus + "open-multiple-files.scap", "-r", rules, "-o",
                               "outputs_queue.capacity=4", "-o", "program_output.enabled=true",
                               "-o", "program_output.keep_alive=true", "-o",
                               "program_output.program=exec sleep 3600"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(alerts_of(run.err), alerts) << run.err; // every event evaluated, every alert raised
    EXPECT_NE(run.err.find("output program: not drained"), std::string::npos) << run.err;
    SinkSummary program = summary_of(run.err, "program");
    ASSERT_TRUE(program.found) << run.err;
    EXPECT_GT(program.dropped, 0u) << run.err;
    SinkSummary out = summary_of(run.err, "stdout");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(run.err, m, std::regex(R"((\d+) alerts queued, (\d+) dropped)")));
    const uint64_t queued = std::stoull(m[1]);
    EXPECT_EQ(queued + std::stoull(m[2]), alerts) << run.err;
    // Nothing lost silently: each queued alert was delivered or counted as dropped, per sink.
    EXPECT_EQ(program.delivered + program.dropped, queued) << run.err;
    EXPECT_EQ(out.delivered + out.dropped, queued) << run.err;
    EXPECT_EQ(split_lines(run.out).size(), out.delivered);
}

} // namespace
} // namespace kestrel::e2e
