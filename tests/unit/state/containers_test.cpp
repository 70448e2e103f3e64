// Container ids from cgroup paths of each runtime, and the container table through events.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "state/containers.hpp"
#include "state/tables.hpp"
#include "state_events.hpp"

namespace kestrel::state {
namespace {

const std::string sample_id = "3b7a5c1f9e2d4a6b8c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b";

struct Case {
    std::string path;
    std::string_view type;
};

TEST(state_containers, RuntimePatterns) {
    const Case cases[] = {
        {"/docker/" + sample_id, "docker"},
        {"/system.slice/docker-" + sample_id + ".scope", "docker"},
        {"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234.slice/"
         "cri-containerd-" +
             sample_id + ".scope",
         "containerd"},
        {"/kubepods/besteffort/pod1234-5678/" + sample_id, "containerd"},
        {"/system.slice/containerd.service/kubepods-burstable-pod12.slice:cri-containerd:" +
             sample_id,
         "containerd"},
        {"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podab.slice/crio-" +
             sample_id + ".scope",
         "cri-o"},
        {"/kubepods/burstable/podab/crio-" + sample_id, "cri-o"},
        {"/machine.slice/libpod-" + sample_id + ".scope", "podman"},
        {"/machine.slice/libpod-" + sample_id + ".scope/container", "podman"},
        {"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + sample_id + ".scope",
         "podman"},
        {"/libpod_parent/libpod-" + sample_id, "podman"},
    };
    for (const Case& c : cases) {
        ContainerMatch m;
        ASSERT_TRUE(match_container_cgroup(c.path, &m)) << c.path;
        EXPECT_EQ(m.type, c.type) << c.path;
        EXPECT_EQ(m.full_id, sample_id) << c.path;
        EXPECT_EQ(short_container_id(m.full_id), sample_id.substr(0, 12));
    }
}

TEST(state_containers, LxcAndLibvirt) {
    ContainerMatch m;
    ASSERT_TRUE(match_container_cgroup("/lxc/web01", &m));
    EXPECT_EQ(m.type, "lxc");
    EXPECT_EQ(m.full_id, "web01");
    ASSERT_TRUE(match_container_cgroup("/lxc.payload.db02/init.scope", &m));
    EXPECT_EQ(m.full_id, "db02");
    ASSERT_TRUE(match_container_cgroup("/machine.slice/machine-lxc\\x2dvm7.scope", &m));
    EXPECT_EQ(m.type, "libvirt-lxc");
    EXPECT_EQ(m.full_id, "vm7");
}

TEST(state_containers, HostPathsDoNotMatch) {
    ContainerMatch m;
    for (std::string_view p :
         {"/", "/init.scope", "/system.slice/sshd.service",
          "/user.slice/user-0.slice/session-3.scope", "/system.slice/docker.service",
          "/system.slice/containerd.service", "/docker/abc" /* too short */,
          "/system.slice/crio-conmon-x.scope"}) {
        EXPECT_FALSE(match_container_cgroup(p, &m)) << p;
    }
}

TEST(state_containers, NestedPicksInnermost) {
    std::string inner(64, 'a');
    std::string path = "/docker/" + sample_id + "/docker/" + inner; // the match points into it
    ContainerMatch m;
    ASSERT_TRUE(match_container_cgroup(path, &m));
    EXPECT_EQ(m.full_id, inner);
}

TEST(state_containers, CgroupsParamFirstMatchWins) {
    // Built piecewise: the entries are NUL-separated.
    std::string param;
    param += "cpuset=/";
    param.push_back('\0');
    param += "cpu=/system.slice/docker-" + sample_id + ".scope";
    param.push_back('\0');
    ContainerMatch m;
    ASSERT_TRUE(match_container_cgroups(
        {reinterpret_cast<const uint8_t*>(param.data()), param.size()}, &m));
    EXPECT_EQ(m.type, "docker");
}

TEST(state_containers, ExecIntoContainerAndTable) {
    Tables t;
    testing::Feed f(t);
    testing::boot(f);
    f.fork(100, 100, 200, "runc");
    std::string cg = "cpu=/system.slice/docker-" + sample_id + ".scope";
    cg.push_back('\0');
    f.execve({.tid = 200, .pid = 200, .ptid = 100, .exe = "nginx", .comm = "nginx", .cgroups = cg});
    const Thread* n = t.find_thread(200);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(t.process(*n)->container_id, sample_id.substr(0, 12));
    EXPECT_EQ(t.process(*n)->cgroup("cpu"), "/system.slice/docker-" + sample_id + ".scope");
    const Container* c = t.container_of(*n);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->type, "docker");
    EXPECT_EQ(c->full_id, sample_id);
    EXPECT_TRUE(c->name.empty());
    EXPECT_EQ(t.counters().n_containers, 1u);
    EXPECT_EQ(t.container_of(*t.find_thread(100))->id, "host");

    // A fork inside inherits it; the container goes with its last process.
    f.fork(200, 200, 201, "nginx");
    EXPECT_EQ(t.process(*t.find_thread(201))->container_id, sample_id.substr(0, 12));
    f.procexit(200, 200, 1);
    f.tick(100, 100);
    EXPECT_EQ(t.counters().n_containers, 1u);
    f.procexit(201, 201, 1);
    f.tick(100, 100);
    EXPECT_EQ(t.counters().n_containers, 0u);
    EXPECT_EQ(t.find_container(sample_id.substr(0, 12)), nullptr);
}

// An old capture's `container` event (or a runtime) describes a container: the entry is created
// under the short id, later descriptions fill what they know and keep the rest, and a process
// that execs into it finds the metadata.
TEST(state_containers, UpsertFillsAndKeeps) {
    Tables t;
    Container info;
    info.id = sample_id;
    info.type = "docker";
    info.name = "web";
    info.image = "incomplete";
    t.upsert_container(info, 5);
    const Container* c = t.find_container(sample_id.substr(0, 12));
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->full_id, sample_id);
    EXPECT_EQ(c->image, "incomplete");
    EXPECT_FALSE(c->privileged.has_value());
    EXPECT_EQ(c->first_seen_ts, 5u);
    EXPECT_EQ(t.counters().n_containers, 1u);

    Container later;
    later.id = sample_id.substr(0, 12);
    later.image = "nginx:latest";
    later.privileged = true;
    t.upsert_container(later, 9);
    c = t.find_container(sample_id.substr(0, 12));
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->full_id, sample_id); // a short id does not replace the full one
    EXPECT_EQ(c->name, "web");
    EXPECT_EQ(c->type, "docker");
    EXPECT_EQ(c->image, "nginx:latest");
    EXPECT_EQ(c->privileged, std::optional<bool>(true));
    EXPECT_EQ(c->first_seen_ts, 5u);

    later.privileged = false;
    t.upsert_container(later, 10);
    EXPECT_EQ(t.find_container(later.id)->privileged, std::optional<bool>(false));

    // "host" and empty ids are not stored.
    Container host;
    host.id = "host";
    host.privileged = true;
    t.upsert_container(host, 11);
    t.upsert_container(Container{}, 11);
    EXPECT_EQ(t.counters().n_containers, 1u);
    EXPECT_FALSE(t.find_container("host")->privileged.has_value());

    testing::Feed f(t);
    testing::boot(f);
    f.fork(100, 100, 200, "runc");
    std::string cg = "cpu=/system.slice/docker-" + sample_id + ".scope";
    cg.push_back('\0');
    f.execve({.tid = 200, .pid = 200, .ptid = 100, .exe = "nginx", .comm = "nginx", .cgroups = cg});
    c = t.container_of(*t.find_thread(200));
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->name, "web");
    EXPECT_EQ(c->processes, 1);
}

} // namespace
} // namespace kestrel::state
