// Replay of Falco's own capture files through the rules and outputs (`-e`, and Falco's spelling
// `-o engine.kind=replay -o engine.replay.capture_file=`).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../falco_test_rules.hpp"
#include "kestrel_process.hpp"

namespace kestrel::e2e {
namespace {

const std::string kCatWrite = std::string(KESTREL_SHARED_DIR) + "/corpus/scap/falco/cat_write.scap";

// single_rule.yaml from Falco's test suite (shared/reference/loader-cases.md).
std::string write_single_rule() {
    std::string path = "/tmp/kestrel-e2e-single_rule.yaml";
    std::ofstream(path) << falco_test_rules::kSingleRule;
    return path;
}

struct ReplayRun {
    int exit_code;
    std::vector<std::string> lines;
    std::string err;
};

ReplayRun replay(const std::vector<std::string>& args) {
    Outcome outcome = run_kestrel(args);
    return ReplayRun{outcome.exit_code, split_lines(outcome.out), outcome.err};
}

TEST(Replay, CatWriteOpensAlertInFalcoTextForm) {
    ReplayRun run = replay({"-e", kCatWrite, "-r", write_single_rule()});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    // Each of cat's 4 opens alerts twice, as in Falco's test suite: the old capture's enter
    // event (passed on by libs' converter) and the exit (capture/scap/README.md).
    ASSERT_EQ(run.lines.size(), 8u) << run.err;
    EXPECT_EQ(run.lines.front().rfind("16:17:57.881781397: ", 0), 0u) << run.lines.front();
    // proc.cmdline comes from the state built from the capture's process list and events.
    for (const std::string& line : run.lines) {
        EXPECT_NE(line.find(": Warning An open was seen (command=cat /dev/null)"),
                  std::string::npos)
            << line;
    }
}

TEST(Replay, FalcoSpellingAndJsonOutput) {
    ReplayRun run =
        replay({"-o", "engine.kind=replay", "-o", "engine.replay.capture_file=" + kCatWrite, "-r",
                write_single_rule(), "-o", "json_output=true", "-o", "time_format_iso_8601=true"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ASSERT_GE(run.lines.size(), 4u);
    nlohmann::json alert = nlohmann::json::parse(run.lines.front(), nullptr, false);
    ASSERT_FALSE(alert.is_discarded()) << run.lines.front();
    EXPECT_EQ(alert["rule"], "open_from_cat");
    EXPECT_EQ(alert["priority"], "Warning");
    EXPECT_EQ(alert["source"], "syscall");
    EXPECT_EQ(alert["time"].get<std::string>().rfind("2016-08-04T16:17:57.88178", 0), 0u);
    EXPECT_TRUE(alert.contains("hostname"));
    EXPECT_EQ(alert["output_fields"]["proc.cmdline"], "cat /dev/null");
    EXPECT_EQ(alert["output"].get<std::string>().rfind("2016-08-04T16:17:57.88178", 0), 0u);
}

TEST(Replay, MissingCaptureIsAClearError) {
    ReplayRun run = replay({"-e", "/nonexistent.scap", "-r", write_single_rule()});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.err.find("/nonexistent.scap"), std::string::npos) << run.err;
}

TEST(Replay, NoRulesFileIsFalcosError) {
    // A rules directory with no rules files (none configured at all means the built-in rules).
    std::string empty_dir = "/tmp/kestrel-e2e-replay-empty-rules-dir";
    std::filesystem::create_directories(empty_dir);
    ReplayRun run = replay({"-e", kCatWrite, "-r", empty_dir});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.err.find("You must specify at least one rules file"), std::string::npos)
        << run.err;
}

// SOURCE.md: a socket plus connect to 127.0.0.1; `fd.net in ("127.0.0.1/24")` fires at INFO.
// fd.net, fd.name and the ports come from the fd table the capture's events build.
TEST(Replay, ConnectLocalhostMatchesTheNetwork) {
    std::string rules = "/tmp/kestrel-e2e-connect_localhost.yaml";
    std::ofstream(rules) << R"yaml(- rule: connect_localhost
  desc: a connect to the loopback network
  condition: evt.type=connect and fd.net in ("127.0.0.1/24")
  output: "Localhost connect (connection=%fd.name type=%fd.type proto=%fd.l4proto rport=%fd.rport)"
  priority: INFO
- rule: connect_elsewhere
  desc: never fires on this capture
  condition: evt.type=connect and fd.snet in ("10.0.0.0/8")
  output: "Other connect (connection=%fd.name)"
  priority: INFO
)yaml";
    ReplayRun run =
        replay({"-e", std::string(KESTREL_SHARED_DIR) + "/corpus/scap/falco/connect_localhost.scap",
                "-r", rules});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ASSERT_EQ(run.lines.size(), 1u) << run.err;
    EXPECT_NE(run.lines[0].find(": Informational Localhost connect (connection=127.0.0.1:"),
              std::string::npos)
        << run.lines[0];
    EXPECT_NE(run.lines[0].find("->127.0.0.1:80 type=ipv4 proto=tcp rport=80)"), std::string::npos)
        << run.lines[0];
}

} // namespace
} // namespace kestrel::e2e
