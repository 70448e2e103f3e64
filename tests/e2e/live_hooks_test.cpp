// Kestrel live with a rule on an optional hook's event (evt.type = signaldeliver): the rule's
// event type turns the signal_deliver hook on (it is off otherwise, as in Falco), and a shell
// that sends itself SIGUSR1 raises the alert with Falco's rendering of the parameters.

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "live_session.hpp"

namespace kestrel::e2e {
namespace {

TEST(LiveHooks, SignaldeliverRuleTurnsTheHookOn) {
    std::string token = unique_token("sigdeliver");
    ScratchDir dir(token);
    std::string rules = dir.path() + "/hooks_rules.yaml";
    {
        std::ofstream out(rules);
        out << "- rule: Signal delivered to a marked shell\n"
               "  desc: e2e of the optional signal_deliver hook\n"
               "  condition: evt.type = signaldeliver and proc.cmdline contains \""
            << token
            << "\"\n"
               "  output: \"signal %evt.arg.sig from %evt.arg.spid to %evt.arg.dpid "
               "(%proc.cmdline)\"\n"
               "  priority: WARNING\n";
    }
    LiveSession session({"-r", rules, "-o", "engine.modern_ebpf.cpus_for_each_buffer=1"});
    ASSERT_TRUE(session.ready()) << session.stderr_text();
    // $0 of the shell is the token, so its proc.cmdline carries it; the trap makes the signal
    // one the shell handles (delivered, not fatal).
    ASSERT_EQ(run_trigger({"/bin/sh", "-c", "trap : USR1; kill -USR1 $$", token}), 0);
    std::vector<nlohmann::json> alerts =
        session.alerts_for("Signal delivered to a marked shell", token);
    ASSERT_EQ(alerts.size(), 1u) << session.stderr_text();
    const nlohmann::json& a = alerts.front();
    std::cerr << a.dump() << "\n";
    EXPECT_EQ(field(a, "evt.arg.sig"), "SIGUSR1");
    // The shell signalled itself: sender and receiver are the same thread.
    EXPECT_EQ(field(a, "evt.arg.spid"), field(a, "evt.arg.dpid"));
    EXPECT_NE(field(a, "evt.arg.spid"), "0");
}

} // namespace
} // namespace kestrel::e2e
