// Operator x type semantics (falco-compat.md 2.2; libs filter_compare.cpp), absent values.

#include "eval_test_util.hpp"

namespace kestrel::eval {
namespace {

using namespace testing;

class evalOps : public ::testing::Test {
  protected:
    std::unique_ptr<Event> e_ = openat("/var/run/docker.sock", KES_O_RDWR, 7, "Dockerd");
    bool c(const std::string& rest) { return cond("evt.type = openat and " + rest, e_->view); }
};

TEST_F(evalOps, StringEquality) {
    EXPECT_TRUE(c("fd.name = /var/run/docker.sock"));
    EXPECT_TRUE(c("fd.name == /var/run/docker.sock"));
    EXPECT_FALSE(c("fd.name = /var/run/docker"));
    EXPECT_TRUE(c("fd.name != /var/run/docker"));
    EXPECT_FALSE(c("fd.name != /var/run/docker.sock"));
}

TEST(evalOpsOrdering, StringsCompareBytewise) {
    // The loader rejects `<` with a non-numeric value, as libs does; the comparison itself
    // orders strings like strcmp for val() operands.
    std::string cstr;
    Constant k;
    k.text = "/var/s";
    Value v = Value::of_string("/var/run");
    EXPECT_TRUE(compare_value(rules::CompareOp::kLt, v, k, false, nullptr, {}, cstr));
    EXPECT_FALSE(compare_value(rules::CompareOp::kGe, v, k, false, nullptr, {}, cstr));
}

TEST_F(evalOps, Substrings) {
    EXPECT_TRUE(c("fd.name contains docker"));
    EXPECT_FALSE(c("fd.name contains DOCKER"));
    EXPECT_TRUE(c("fd.name icontains DOCKER"));
    EXPECT_TRUE(c("proc.name icontains dockerd"));
    EXPECT_TRUE(c("fd.name startswith /var/run/"));
    EXPECT_FALSE(c("fd.name startswith /run"));
    EXPECT_TRUE(c("fd.name endswith .sock"));
    EXPECT_FALSE(c("fd.name endswith .socket"));
}

TEST_F(evalOps, Glob) {
    EXPECT_TRUE(c("fd.name glob /var/run/*.sock"));
    EXPECT_TRUE(c("fd.name glob '/var/*/docker.so?k'"));
    EXPECT_FALSE(c("fd.name glob /var/*.sock/x"));
    EXPECT_FALSE(c("proc.name glob dockerd"));
    EXPECT_TRUE(c("proc.name iglob dockerd"));
}

TEST_F(evalOps, Pmatch) {
    EXPECT_TRUE(c("fd.name pmatch (/var/run)"));
    EXPECT_TRUE(c("fd.name pmatch (/tmp, /var/run/docker.sock)"));
    EXPECT_FALSE(c("fd.name pmatch (/var/ru)"));
    EXPECT_FALSE(c("fd.name pmatch (/tmp, /usr)"));
    EXPECT_TRUE(c("fd.name pmatch (/var/*/docker.sock)"));
    EXPECT_TRUE(c("fd.name pmatch ('/v?r/run')"));
    EXPECT_FALSE(c("fd.name pmatch (/var/*/podman)"));
    EXPECT_FALSE(c("fd.name pmatch ('/v?r/ru')"));
}

TEST_F(evalOps, InSets) {
    EXPECT_TRUE(c("proc.name in (sshd, Dockerd, containerd)"));
    EXPECT_FALSE(c("proc.name in (sshd, dockerd)"));
    EXPECT_TRUE(c("proc.name intersects (Dockerd)"));
    EXPECT_TRUE(c("fd.num in (1, 7, 9)"));
    EXPECT_FALSE(c("fd.num in (1, 2)"));
}

TEST_F(evalOps, ListsFromMacrosAndLists) {
    std::string prelude = "- list: shells\n  items: [bash, Dockerd]\n"
                          "- macro: shell_procs\n  condition: proc.name in (shells)\n";
    RulesetOptions o;
    auto l = load({{"r", "evt.type = openat and shell_procs"}}, std::move(o), prelude);
    EXPECT_EQ(l.ruleset->evaluate(e_->view), 1U);
}

TEST_F(evalOps, Regex) {
    EXPECT_TRUE(c("fd.name regex '/var/run/[a-z]+[.]sock'"));
    // Anchored full match since Falco 0.39.
    EXPECT_FALSE(c("fd.name regex 'docker'"));
    EXPECT_TRUE(c("fd.name regex '.*docker.*'"));
}

TEST_F(evalOps, Numbers) {
    EXPECT_TRUE(c("fd.num = 7"));
    EXPECT_TRUE(c("fd.num != 8"));
    EXPECT_TRUE(c("fd.num > 6 and fd.num < 8 and fd.num >= 7 and fd.num <= 7"));
    EXPECT_FALSE(c("fd.num > 7"));
    EXPECT_TRUE(c("evt.rawarg.ino > 1000"));
}

TEST_F(evalOps, Bool) {
    EXPECT_TRUE(c("evt.is_open_read = true"));
    EXPECT_TRUE(c("evt.failed != true"));
    EXPECT_TRUE(c("evt.failed in (false)"));
}

TEST(evalOpsNet, PortsAndAddresses) {
    auto e = connect("10.0.0.2", 51234, "192.168.1.9", 22);
    auto c = [&](const std::string& rest) {
        return cond("evt.type = connect and " + rest, e->view);
    };
    EXPECT_TRUE(c("fd.sport = 22"));
    EXPECT_TRUE(c("fd.sport in (22, 2222)"));
    EXPECT_FALSE(c("fd.sport in (80, 443)"));
    EXPECT_TRUE(c("fd.port = 22"));
    EXPECT_TRUE(c("fd.port = 51234"));
    EXPECT_TRUE(c("fd.sip = 192.168.1.9"));
    EXPECT_TRUE(c("fd.sip != 192.168.1.8"));
    EXPECT_TRUE(c("fd.ip = 10.0.0.2"));
    EXPECT_TRUE(c("fd.snet in (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)"));
    EXPECT_FALSE(c("fd.snet in (10.0.0.0/8, 172.16.0.0/12)"));
    EXPECT_TRUE(c("fd.cnet = 10.0.0.0/8"));
    EXPECT_TRUE(c("fd.net = 192.168.0.0/16"));
    EXPECT_FALSE(c("fd.net = 172.16.0.0/12"));
}

TEST_F(evalOps, AbsentFieldsAreFalseEvenForNotEqual) {
    // proc.exe needs state: absent.
    EXPECT_FALSE(c("proc.exe = /bin/cat"));
    EXPECT_FALSE(c("proc.exe != /bin/cat"));
    EXPECT_FALSE(c("proc.exe in (a, b)"));
    EXPECT_FALSE(c("proc.exe exists"));
    EXPECT_TRUE(c("not proc.exe exists"));
    EXPECT_TRUE(c("not proc.exe = /bin/cat"));
    EXPECT_TRUE(c("not proc.exe != /bin/cat"));
    // A connect-only field on an openat is absent too.
    EXPECT_FALSE(c("fd.sport != 80"));
}

TEST_F(evalOps, ValComparesTwoFields) {
    EXPECT_TRUE(c("fd.name = val(evt.arg.name)"));
    EXPECT_FALSE(c("fd.name = val(proc.name)"));
    EXPECT_FALSE(c("fd.name = val(proc.exe)")); // absent right side
}

TEST_F(evalOps, Transformers) {
    EXPECT_TRUE(c("tolower(proc.name) = dockerd"));
    EXPECT_TRUE(c("toupper(proc.name) = DOCKERD"));
    EXPECT_TRUE(c("basename(fd.name) = docker.sock"));
    EXPECT_TRUE(c("toupper(basename(fd.name)) = DOCKER.SOCK"));
    EXPECT_TRUE(c("len(fd.name) = 20"));
    // "L3Zhci9ydW4=" is base64 for "/var/run".
    auto b = openat("L3Zhci9ydW4=", KES_O_RDONLY, 7);
    EXPECT_TRUE(cond("evt.type = openat and b64(evt.arg.name) = /var/run", b->view));
    EXPECT_TRUE(cond("evt.type = openat and basename(b64(evt.arg.name)) = run", b->view));
}

TEST_F(evalOps, Modifiers) {
    EXPECT_TRUE(c("fd.name startswith anyof (/etc, /var)"));
    EXPECT_FALSE(c("fd.name startswith anyof (/etc, /usr)"));
    EXPECT_TRUE(c("fd.name contains allof (var, docker)"));
    EXPECT_FALSE(c("fd.name contains allof (var, podman)"));
    EXPECT_TRUE(c("fd.name contains oneof (var, podman)"));
    EXPECT_FALSE(c("fd.name contains oneof (var, docker)"));
}

TEST(evalOpsBytes, BcontainsAndBstartswith) {
    std::string cstr;
    Constant k;
    Value v = Value::of_string(std::string_view("\x7f"
                                                "ELF\x02",
                                                5));
    EXPECT_TRUE(compare_value(rules::CompareOp::kBContains, v, k, false, nullptr, "ELF", cstr));
    EXPECT_TRUE(compare_value(rules::CompareOp::kBStartsWith, v, k, false, nullptr,
                              "\x7f"
                              "E",
                              cstr));
    EXPECT_FALSE(compare_value(rules::CompareOp::kBStartsWith, v, k, false, nullptr, "ELF", cstr));
}

} // namespace
} // namespace kestrel::eval
