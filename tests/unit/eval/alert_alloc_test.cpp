// Steady-state alert building allocates nothing once the Alert and the line buffer are reused
// (src/eval/README.md, "Alert output"). Its own binary: it replaces the global operator new.

#include <cstdlib>

#include "../alloc_counter.hpp"
#include "eval/alert.hpp"
#include "eval_test_util.hpp"
#include "state_fixture.hpp"

namespace kestrel::eval {
namespace {

TEST(evalAlertAlloc, SteadyStateAllocatesNothing) {
    setenv("TZ", "UTC", 1);
    tzset();
    rules::RulesLoader loader;
    loader.load_content(
        "- rule: r\n  desc: d\n  condition: evt.type = openat\n"
        "  output: \"Open (file=%fd.name proc=%toupper(proc.name) flags=%evt.arg.flags "
        "res=%evt.res %20fd.directory user=%user.name time=%evt.time)\"\n"
        "  priority: WARNING\n  tags: [a, b]\n",
        "t.yaml");
    ASSERT_TRUE(loader.successful());
    OutputOptions o;
    o.json_output = true;
    o.json_include_message_property = true;
    o.hostname = "h";
    o.static_fields = {{"k", "v"}};
    AppendOutput a;
    a.suggested_output = true;
    a.extra_fields = {{"dir", "%fd.directory", false}, {"proc.pid", "", true}};
    o.append_output = {a};
    auto fmt = OutputFormatter::compile(loader.ruleset(), o);
    ASSERT_TRUE(fmt.ok());
    const auto& rule = loader.ruleset().rules[0];
    auto e = testing::openat("/etc/shadow", KES_O_RDONLY | KES_O_CLOEXEC);
    Alert alert;
    std::string line;
    for (int warm = 0; warm < 3; ++warm) {
        line.clear();
        fmt->build_alert(rule, e->view, nullptr, 1, 1717160711123456789ULL, alert);
        fmt->append_line(alert, line);
    }
    uint64_t before = alloc_counter::allocations();
    for (int i = 0; i < 100; ++i) {
        line.clear();
        fmt->build_alert(rule, e->view, nullptr, 2 + static_cast<uint64_t>(i),
                         1717160711123456789ULL + static_cast<uint64_t>(i), alert);
        fmt->append_line(alert, line);
    }
    EXPECT_EQ(alloc_counter::allocations() - before, 0U) << line;
    EXPECT_NE(line.find("static_k=v"), std::string::npos) << line;
}

// The state-backed fields read views into the tables: evaluating and rendering them allocates
// nothing either (ancestor lists, capability text and joined paths use buffers sized once).
TEST(evalAlertAlloc, StateFieldsAllocateNothing) {
    testing::StateFixture s;
    state::testing::boot(s.feed);
    s.tables.users().add_user({.uid = 0, .gid = 0, .name = "root", .home = "/root", .shell = ""});
    s.feed.fork(100, 100, 200, "bash");
    s.feed.execve({.tid = 200,
                   .pid = 200,
                   .ptid = 100,
                   .exe = "/bin/cat",
                   .args = {"x"},
                   .comm = "cat",
                   .cwd = "/var/tmp",
                   .env = {"HOME=/root"}});
    rules::RulesLoader loader;
    loader.load_content(
        "- rule: r\n  desc: d\n  condition: evt.type = openat and proc.aname in (bash, sh) and "
        "proc.aname[2] = systemd and fd.directory = /var/tmp/data and user.name = root and "
        "thread.cap_effective contains CAP_KILL and proc.env[HOME] = /root and "
        "evt.arg.name startswith /var\n"
        "  output: \"Open (file=%fd.name arg=%evt.arg.name a=%proc.aname[1] p=%proc.pcmdline "
        "caps=%thread.cap_permitted args=%evt.args)\"\n"
        "  priority: WARNING\n",
        "t.yaml");
    ASSERT_TRUE(loader.successful());
    RulesetOptions ro;
    ro.state = &s.tables;
    auto rs = Ruleset::compile(loader.ruleset(), ro);
    ASSERT_TRUE(rs.ok());
    auto fmt = OutputFormatter::compile(loader.ruleset(), OutputOptions{});
    ASSERT_TRUE(fmt.ok());
    auto e = s.apply(testing::openat("data/file.txt", KES_O_RDONLY, 3, "cat", 200));
    Alert alert;
    std::string line;
    auto run = [&] {
        line.clear();
        return rs->evaluate(e->view, [&](const Match& m) {
            fmt->build_alert(*m.rule.source, m.evt, &s.tables, 1, 1717160711123456789ULL, alert);
            fmt->append_line(alert, line);
        });
    };
    for (int warm = 0; warm < 3; ++warm) {
        ASSERT_EQ(run(), 1U) << line;
    }
    uint64_t before = alloc_counter::allocations();
    for (int i = 0; i < 100; ++i) {
        run();
    }
    EXPECT_EQ(alloc_counter::allocations() - before, 0U) << line;
    EXPECT_NE(line.find("file=/var/tmp/data/file.txt arg=/var/tmp/data/file.txt a=bash"),
              std::string::npos)
        << line;
}

} // namespace
} // namespace kestrel::eval
