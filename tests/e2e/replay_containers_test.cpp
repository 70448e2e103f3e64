// Replay of captures that describe containers with old-style `container` JSON events, and of the
// IPv6 captures whose socket tuples libs' tests check (shared/corpus/scap/SOURCE.md).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kestrel_process.hpp"

namespace kestrel::e2e {
namespace {

const std::string kCorpus = std::string(KESTREL_SHARED_DIR) + "/corpus/scap/";

struct ReplayOutcome {
    int exit_code = -1;
    std::vector<nlohmann::json> alerts; // one per stdout line (json_output=true)
    std::string out;
};

ReplayOutcome replay_json(const std::string& capture, const std::string& rules_yaml,
                          const std::string& name) {
    std::string rules = "/tmp/kestrel-e2e-containers-" + name + ".yaml";
    std::ofstream(rules) << rules_yaml;
    KestrelProcess p({"-e", kCorpus + capture, "-r", rules, "-o", "json_output=true"});
    ReplayOutcome run;
    if (!p.started()) {
        return run;
    }
    run.exit_code = p.wait_exit();
    run.out = p.read_stdout();
    std::istringstream in(run.out);
    for (std::string line; std::getline(in, line);) {
        auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (!j.is_discarded()) {
            run.alerts.push_back(std::move(j));
        }
    }
    return run;
}

std::string rule(const std::string& condition, const std::string& output) {
    return "- rule: r\n  desc: d\n  condition: " + condition + "\n  output: \"" + output +
           "\"\n  priority: WARNING\n";
}

// privileged.scap's container event says 9dbcbd0c435f is privileged, but every other event in
// it is procinfo, which Kestrel does not evaluate: no rule can fire on it, with or without the
// container table. What it can show is that the capture replays cleanly with the JSON event
// applied (and that no host event is mistaken for a privileged container's).
TEST(ReplayContainers, PrivilegedCaptureHasNoEvaluatedEvents) {
    ReplayOutcome run =
        replay_json("falco/psp/privileged.scap",
                    rule("container.privileged=true", "priv %container.id"), "priv");
    ASSERT_EQ(run.exit_code, 0);
    EXPECT_TRUE(run.alerts.empty()) << run.out;
}

// run_as_user_0_container.scap: its container events describe 697956520d89 (first with image
// "incomplete", then "nginx", privileged false), and an `ls` runs inside it as uid 0 with
// Kestrel events (execve, opens, closes). The later description wins.
TEST(ReplayContainers, ContainerMetadataFromJsonEvents) {
    ReplayOutcome run = replay_json(
        "falco/psp/run_as_user_0_container.scap",
        rule("container.privileged=false and proc.name=ls and evt.type=procexit",
             "%container.id %container.name %container.image %container.image.repository "
             "%container.privileged %container.type"),
        "user0");
    ASSERT_EQ(run.exit_code, 0);
    ASSERT_EQ(run.alerts.size(), 1u) << run.out;
    const auto& f = run.alerts[0]["output_fields"];
    EXPECT_EQ(f["container.id"], "697956520d89");
    EXPECT_EQ(f["container.name"], "hopeful_taussig");
    EXPECT_EQ(f["container.image"], "nginx");
    EXPECT_EQ(f["container.image.repository"], "nginx");
    EXPECT_EQ(f["container.privileged"], false);
    EXPECT_EQ(f["container.type"], "docker");

    ReplayOutcome none =
        replay_json("falco/psp/run_as_user_0_container.scap",
                    rule("container.privileged=true", "%container.id"), "user0-priv");
    ASSERT_EQ(none.exit_code, 0);
    EXPECT_TRUE(none.alerts.empty()) << none.out;
}

// The same container's JSON also carries its labels (the nginx image's maintainer), no mounts,
// no Kubernetes labels: container.label/labels read them, mount and k8s fields stay absent.
TEST(ReplayContainers, LabelsMountsAndK8sFromJsonEvents) {
    ReplayOutcome run = replay_json(
        "falco/psp/run_as_user_0_container.scap",
        rule("proc.name=ls and evt.type=procexit and container.label[maintainer] exists and not "
             "container.mount.dest[/proc*] exists and not k8s.ns.name exists",
             "%container.labels %container.label.maintainer %container.mounts"),
        "labels");
    ASSERT_EQ(run.exit_code, 0);
    ASSERT_EQ(run.alerts.size(), 1u) << run.out;
    const auto& f = run.alerts[0]["output_fields"];
    EXPECT_EQ(f["container.labels"],
              "maintainer:NGINX Docker Maintainers <docker-maint@nginx.com>");
    EXPECT_EQ(f["container.label.maintainer"], "NGINX Docker Maintainers <docker-maint@nginx.com>");
    EXPECT_EQ(f["container.mounts"], "");
}

// write_tmp_test.scap: the open of /tmp/test for writing inside the same container.
TEST(ReplayContainers, WriteInsideContainer) {
    ReplayOutcome run = replay_json("falco/psp/write_tmp_test.scap",
                                    rule("evt.type=open and evt.dir=< and fd.name=/tmp/test and "
                                         "container.image=nginx and container.privileged=false",
                                         "%proc.name %container.id"),
                                    "tmp");
    ASSERT_EQ(run.exit_code, 0);
    ASSERT_EQ(run.alerts.size(), 1u) << run.out;
    EXPECT_EQ(run.alerts[0]["output_fields"]["container.id"], "697956520d89");
}

// libs' ipv6.cpp: tid 17497's HTTP connect over IPv6.
TEST(ReplayContainers, CurlGoogleIpv6ConnectTuple) {
    ReplayOutcome run =
        replay_json("libs/curl_google.scap",
                    rule("evt.type=connect and evt.dir=< and thread.tid=17497",
                         "%fd.name %fd.sip %fd.sport %fd.cip %fd.cport %fd.l4proto"),
                    "curl");
    ASSERT_EQ(run.exit_code, 0);
    ASSERT_EQ(run.alerts.size(), 1u) << run.out;
    const auto& f = run.alerts[0]["output_fields"];
    EXPECT_EQ(f["fd.name"],
              "2600:1f18:262c:6542:9aa6:df7a:9a47:d29e:37140->2607:f8b0:4004:802::2004:80");
    EXPECT_EQ(f["fd.sip"], "2607:f8b0:4004:802::2004");
    EXPECT_EQ(f["fd.sport"], 80);
    EXPECT_EQ(f["fd.cip"], "2600:1f18:262c:6542:9aa6:df7a:9a47:d29e");
    EXPECT_EQ(f["fd.cport"], 37140);
    EXPECT_EQ(f["fd.l4proto"], "tcp");
}

// single_ipv6_conn.scap: client tid 25888 connects, server tid 25886 accepts; both ends name the
// same tuple. Neither thread is in the capture's process list nor created by a recorded clone:
// both come from event headers without a pid, and lead their own process (pid = tid).
TEST(ReplayContainers, SingleIpv6ConnectAndAccept) {
    ReplayOutcome run =
        replay_json("libs/single_ipv6_conn.scap",
                    rule("evt.type in (connect, accept, accept4) and evt.dir=< and "
                         "fd.sport exists",
                         "%evt.type %thread.tid %proc.pid %fd.name %fd.sip %fd.sport"),
                    "single");
    ASSERT_EQ(run.exit_code, 0);
    ASSERT_EQ(run.alerts.size(), 2u) << run.out;
    bool saw_connect = false;
    bool saw_accept = false;
    for (const auto& a : run.alerts) {
        const auto& f = a["output_fields"];
        EXPECT_EQ(f["fd.name"], "2001:db8::4:54405->2001:db8::3:1234");
        EXPECT_EQ(f["fd.sip"], "2001:db8::3");
        EXPECT_EQ(f["fd.sport"], 1234);
        if (f["evt.type"] == "connect") {
            saw_connect = true;
            EXPECT_EQ(f["thread.tid"], 25888);
            EXPECT_EQ(f["proc.pid"], 25888);
        } else {
            saw_accept = true;
            EXPECT_EQ(f["thread.tid"], 25886);
            EXPECT_EQ(f["proc.pid"], 25886);
        }
    }
    EXPECT_TRUE(saw_connect);
    EXPECT_TRUE(saw_accept);
}

} // namespace
} // namespace kestrel::e2e
