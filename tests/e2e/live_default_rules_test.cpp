// Kestrel live with its built-in rules (no -r, no rules_files: rules/kestrel_rules.yaml compiled
// in): one case per rule family the probe's events can show today. Each test runs its own
// Kestrel and stops it before counting, so every event of the finished trigger was evaluated.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "live_rules_fixture.hpp"

namespace kestrel::e2e {
namespace {

using nlohmann::json;

std::string empty_config() {
    static const std::string path = [] {
        std::string p = "/tmp/" + unique_token("empty-config") + ".yaml";
        std::ofstream(p) << "\n";
        return p;
    }();
    return path;
}

class LiveDefaultRules : public LiveRulesTest {
  protected:
    void SetUp() override { start({"-c", empty_config()}); }
};

TEST_F(LiveDefaultRules, LoadsTheBuiltInRules) {
    session_->stop_and_alerts("none");
    EXPECT_NE(session_->stderr_text().find("rules from the built-in kestrel_rules.yaml"),
              std::string::npos)
        << session_->stderr_text();
    // No load warning and no rule left out of evaluation (a probe without some event types may
    // still warn that rules on them cannot fire live).
    EXPECT_EQ(session_->stderr_text().find("Warnings"), std::string::npos)
        << session_->stderr_text();
    EXPECT_EQ(session_->stderr_text().find("is not evaluated"), std::string::npos)
        << session_->stderr_text();
    EXPECT_EQ(session_->exit_status(), 0);
}

// Shells: a shell started by a program named like a web server.
TEST_F(LiveDefaultRules, ShellSpawnedByServerProgram) {
    std::string token = unique_token("nginx-sh");
    ScratchDir dir(token);
    std::string nginx = dir.trigger_as("nginx");
    ASSERT_EQ(run_trigger({nginx, "spawn", "/bin/sh", "-c", "true " + token}), 0);
    json alert = expect_once("Shell spawned by a server program", token);
    EXPECT_EQ(field(alert, "proc.name"), "sh");
    EXPECT_EQ(field(alert, "proc.pname"), "nginx");
    EXPECT_EQ(field(alert, "container.id"), "host");
    EXPECT_EQ(alert["priority"], "Warning");
}

// Sensitive files: /etc/shadow read by a program that is no authentication tool.
TEST_F(LiveDefaultRules, SensitiveFileRead) {
    std::string token = unique_token("shadow");
    ASSERT_EQ(run_trigger({trigger_path(), "read", "/etc/shadow", token}), 0);
    json alert = expect_once("Sensitive file read by an unexpected program", token);
    EXPECT_EQ(field(alert, "fd.name"), "/etc/shadow");
    EXPECT_EQ(field(alert, "proc.name"), "kestrel-trigger");
    EXPECT_EQ(field(alert, "user.name"), "root");
}

// Sensitive files: searching for private keys.
TEST_F(LiveDefaultRules, SearchForPrivateKeys) {
    std::string token = unique_token("find-key");
    ScratchDir dir(token);
    ASSERT_EQ(run_trigger({"find", dir.path(), "-name", "id_ed25519"}), 0);
    json alert = expect_once("Search for private keys or passwords", token);
    EXPECT_EQ(field(alert, "proc.name"), "find");
    EXPECT_EQ(field(alert, "proc.cmdline"), "find " + dir.path() + " -name id_ed25519");
}

// Writes below /etc.
TEST_F(LiveDefaultRules, WriteBelowEtc) {
    std::string token = unique_token("etc");
    std::string path = "/etc/" + token;
    ASSERT_EQ(run_trigger({trigger_path(), "write", path, token}), 0);
    json alert = expect_once("Write below /etc by an unexpected program", token);
    EXPECT_EQ(field(alert, "fd.name"), path);
    EXPECT_EQ(field(alert, "proc.name"), "kestrel-trigger");
    EXPECT_EQ(alert["priority"], "Error");
}

// Writes below binary directories.
TEST_F(LiveDefaultRules, WriteBelowBinaryDirectory) {
    std::string token = unique_token("bin");
    std::string path = "/usr/local/bin/" + token;
    ASSERT_EQ(run_trigger({trigger_path(), "write", path, token}), 0);
    json alert = expect_once("Write below a binary directory", token);
    EXPECT_EQ(field(alert, "fd.name"), path);
    EXPECT_EQ(field(alert, "fd.directory"), "/usr/local/bin");
}

// Outbound connections: a program named sha1sum connects (UDP) to 10.1.2.3 inside a network
// namespace the trigger creates (the address lives on that namespace's loopback).
TEST_F(LiveDefaultRules, OutboundConnectionFromOfflineProgram) {
    std::string token = unique_token("sha1sum");
    ScratchDir dir(token);
    std::string sha1sum = dir.trigger_as("sha1sum");
    ASSERT_EQ(run_trigger({sha1sum, "netns-udp", "10.1.2.3", "9999", token}), 0);
    json alert = expect_once("Outbound connection from an offline program", token);
    EXPECT_EQ(field(alert, "proc.name"), "sha1sum");
    EXPECT_EQ(field(alert, "fd.sip"), "10.1.2.3");
    EXPECT_EQ(field(alert, "fd.sport"), "9999");
    EXPECT_EQ(field(alert, "fd.l4proto"), "udp");
}

// Privilege changes: a root program in a session whose login user is not root (loginuid 4242),
// with no sudo/su in its ancestry.
TEST_F(LiveDefaultRules, RootProgramInUserSessionWithoutElevationTool) {
    std::string token = unique_token("loginuid");
    ScratchDir dir(token);
    std::string helper = dir.trigger_as("kes-helper");
    ASSERT_EQ(run_trigger({trigger_path(), "loginuid", "4242", helper, "noop", token}), 0);
    json alert =
        expect_once("Root program started from a user session without an elevation tool", token);
    EXPECT_EQ(field(alert, "proc.name"), "kes-helper");
    EXPECT_EQ(field(alert, "user.loginuid"), "4242");
    EXPECT_EQ(alert["priority"], "Critical");
}

// Log clearing: a file under /var/log truncated.
TEST_F(LiveDefaultRules, LogFileCleared) {
    std::string token = unique_token("log");
    std::string path = "/var/log/" + token + ".log";
    int rc = run_trigger({trigger_path(), "truncate", path, token});
    std::filesystem::remove(path);
    ASSERT_EQ(rc, 0);
    json alert = expect_once("Log file cleared", token);
    EXPECT_EQ(field(alert, "fd.name"), path);
    EXPECT_NE(field(alert, "evt.arg.flags").find("O_TRUNC"), std::string::npos);
}

// Fileless execution: memfd_create + fexecve.
TEST_F(LiveDefaultRules, ProgramExecutedFromMemory) {
    std::string token = unique_token("memfd");
    ASSERT_EQ(run_trigger({trigger_path(), "memfd-exec", token}), 0);
    json alert = expect_once("Program executed from memory", token);
    EXPECT_EQ(field(alert, "proc.exepath").rfind("memfd:kestrel-e2e", 0), 0u)
        << field(alert, "proc.exepath");
}

// Fileless execution's neighbour: a program run from /dev/shm.
TEST_F(LiveDefaultRules, ProgramExecutedFromDevShm) {
    std::string token = unique_token("shm");
    std::string exe;
    ASSERT_EQ(run_trigger_from_dev_shm(token, {"noop", token}, &exe), 0);
    json alert = expect_once("Program executed from /dev/shm", token);
    EXPECT_EQ(field(alert, "proc.exepath"), exe);
}

// Privilege changes: setuid(0) by a program of a non-root login session (loginuid 4242).
TEST_F(LiveDefaultRules, UserIdChangedToRoot) {
    std::string token = unique_token("setuid");
    ScratchDir dir(token);
    std::string helper = dir.trigger_as("kes-helper");
    ASSERT_EQ(run_trigger({trigger_path(), "loginuid", "4242", trigger_path(), "setuid", "0",
                           helper, "noop", token}),
              0);
    json alert = expect_once("User id changed to root by a non-root program", token);
    EXPECT_EQ(field(alert, "evt.type"), "setuid");
    EXPECT_EQ(field(alert, "proc.name"), "kestrel-trigger");
    EXPECT_EQ(field(alert, "user.loginuid"), "4242");
}

// Privilege changes: chmod u+s.
TEST_F(LiveDefaultRules, SetuidBitSet) {
    std::string token = unique_token("chmod");
    ScratchDir dir(token);
    std::string file = dir.path() + "/suid";
    std::ofstream(file) << "x\n";
    ASSERT_EQ(run_trigger({"chmod", "u+s", file}), 0);
    json alert = expect_once("Set-user-id or set-group-id bit set", token);
    EXPECT_EQ(field(alert, "proc.name"), "chmod");
    EXPECT_EQ(field(alert, "evt.arg.filename"), file);
    EXPECT_NE(field(alert, "evt.arg.mode").find("S_ISUID"), std::string::npos)
        << field(alert, "evt.arg.mode");
}

// Log clearing: a file under /var/log removed.
TEST_F(LiveDefaultRules, LogFileDeleted) {
    std::string token = unique_token("rmlog");
    std::string path = "/var/log/" + token + ".log";
    std::ofstream(path) << "log line\n";
    ASSERT_EQ(run_trigger({trigger_path(), "unlink", path, token}), 0);
    json alert = expect_once("Log file deleted", token);
    EXPECT_EQ(field(alert, "evt.arg.name") + field(alert, "evt.arg.path"), path);
    EXPECT_EQ(field(alert, "proc.name"), "kestrel-trigger");
}

} // namespace
} // namespace kestrel::e2e
