#pragma once
// The fixture of the live rules suites (live_falco_rules_test, live_default_rules_test): a fresh
// Kestrel per test, started by the suite's SetUp with its rules, and the check every case ends
// with: the rule fired exactly once for the trigger's token.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "live_session.hpp"

namespace kestrel::e2e {

class LiveRulesTest : public ::testing::Test {
  protected:
    // Starts `kestrel <args>` with one ring buffer for all CPUs (the merge order is then the
    // kernel's) and waits for it to watch the host; a fatal failure if it does not.
    void start(std::vector<std::string> args) {
        args.insert(args.end(), {"-o", "engine.modern_ebpf.cpus_for_each_buffer=1"});
        session_ = std::make_unique<LiveSession>(std::move(args));
        ASSERT_TRUE(session_->ready()) << session_->stderr_text();
    }

    // The one alert of `rule` carrying `token`; fails the test unless there is exactly one.
    nlohmann::json expect_once(const std::string& rule, const std::string& token) {
        std::vector<nlohmann::json> alerts = session_->alerts_for(rule, token);
        if (alerts.size() != 1) {
            std::string shown;
            for (const nlohmann::json& a : alerts) {
                shown += a.dump() + "\n";
            }
            ADD_FAILURE() << alerts.size() << " alerts of " << rule << " (expected 1)\n"
                          << shown << session_->stderr_text();
        }
        return alerts.empty() ? nlohmann::json::object() : alerts.front();
    }

    std::unique_ptr<LiveSession> session_;
};

// Runs a copy of the trigger program from /dev/shm/<token> (owner-only permissions) with
// `args`, then removes it; returns the exit code (-1 if it could not run) and sets *exe.
inline int run_trigger_from_dev_shm(const std::string& token, const std::vector<std::string>& args,
                                    std::string* exe) {
    *exe = "/dev/shm/" + token;
    std::filesystem::copy_file(trigger_path(), *exe);
    std::filesystem::permissions(*exe, std::filesystem::perms::owner_all);
    std::vector<std::string> argv{*exe};
    argv.insert(argv.end(), args.begin(), args.end());
    const int rc = run_trigger(argv);
    std::filesystem::remove(*exe);
    return rc;
}

} // namespace kestrel::e2e
