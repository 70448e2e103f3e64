// proc.*, user.*, group.*, fd.* and resolved evt.arg.* fields read from real state tables fed
// with synthetic event sequences (exec -> open -> connect under a parent chain).

#include "eval_test_util.hpp"
#include "state_fixture.hpp"

namespace kestrel::eval {
namespace {

using namespace testing;

constexpr uint32_t kLoopback = 0x7f000001;

// init(1) -> bash(100) -> sh(200) -> curl(300), users and groups loaded.
struct Chain : StateFixture {
    Chain() {
        state::testing::boot(feed);
        tables.users().add_user(
            {.uid = 0, .gid = 0, .name = "root", .home = "/root", .shell = "/bin/bash"});
        tables.users().add_user({.uid = 1000,
                                 .gid = 1000,
                                 .name = "alice",
                                 .home = "/home/alice",
                                 .shell = "/bin/zsh"});
        tables.users().add_user(
            {.uid = 65534, .gid = 65534, .name = "nobody", .home = "/", .shell = ""});
        tables.users().add_group({.gid = 1000, .name = "staff"});
        feed.fork(100, 100, 200, "bash");
        feed.execve({.tid = 200,
                     .pid = 200,
                     .ptid = 100,
                     .exe = "/bin/sh",
                     .args = {"-c", "curl x"},
                     .comm = "sh",
                     .cwd = "/tmp",
                     .env = {"HOME=/home/alice", "LANG=C"},
                     .uid = 1000,
                     .gid = 1000,
                     .tty = 34816});
        feed.fork(200, 200, 300, "sh");
        feed.execve({.tid = 300,
                     .pid = 300,
                     .ptid = 200,
                     .exe = "curl",
                     .args = {"-s", "http://x"},
                     .comm = "curl",
                     .exepath = "/usr/bin/curl",
                     .cwd = "/tmp/work",
                     .env = {"PATH=/usr/bin"},
                     .uid = 1000,
                     .gid = 1000,
                     .loginuid = 1000,
                     .tty = 34816});
    }
    bool on(const std::string& condition, const event::View& evt) {
        return cond(condition, evt, &tables);
    }
};

TEST(evalStateFields, ProcessAndAncestors) {
    Chain s;
    auto e = s.apply(openat("data.txt", KES_O_RDONLY, 3, "curl", 300));
    const auto& v = e->view;
    EXPECT_TRUE(s.on("proc.name = curl and proc.exe = curl and proc.exepath = /usr/bin/curl", v));
    EXPECT_TRUE(s.on("proc.args = \"-s http://x\" and proc.cmdline = \"curl -s http://x\"", v));
    EXPECT_TRUE(s.on("proc.args[0] = -s and proc.args[1] = http://x", v));
    EXPECT_FALSE(s.on("proc.args[2] exists", v));
    EXPECT_TRUE(
        s.on("proc.pname = sh and proc.pexe = /bin/sh and proc.pcmdline = \"sh -c curl x\"", v));
    EXPECT_TRUE(s.on("proc.ppid = 200 and proc.pid = 300 and proc.vpid = 300", v));
    EXPECT_TRUE(s.on("proc.aname[0] = curl and proc.aname[1] = sh", v));
    EXPECT_TRUE(s.on("proc.aname[2] = bash and proc.aname[3] = systemd", v));
    EXPECT_FALSE(s.on("proc.aname[4] exists", v));
    EXPECT_TRUE(s.on("proc.apid[2] = 100 and proc.aexe[2] = bash", v));
    // No index: any ancestor (not the process itself), for every operator.
    EXPECT_TRUE(s.on("proc.aname = bash", v));
    EXPECT_TRUE(s.on("proc.aname in (zsh, systemd)", v));
    EXPECT_FALSE(s.on("proc.aname = curl", v));
    EXPECT_TRUE(s.on("not proc.aname in (zsh, fish)", v));
    EXPECT_TRUE(s.on("proc.aname startswith sys", v));
    EXPECT_TRUE(s.on("proc.apid = 1", v));
    EXPECT_TRUE(s.on("proc.cwd = /tmp/work/ and proc.tty = 34816", v));
    EXPECT_TRUE(s.on("proc.env contains \"PATH=/usr/bin\" and proc.env[PATH] = /usr/bin", v));
    // A variable the process lacks is looked up in its ancestors (libsinsp).
    EXPECT_TRUE(s.on("proc.env[HOME] = /home/alice", v));
    EXPECT_TRUE(s.on("proc.is_exe_upper_layer = false and proc.is_exe_from_memfd = false", v));
    EXPECT_TRUE(s.on("thread.tid = 300 and thread.vtid = 300", v));
    // The builder's execve carries cap_permitted/effective 0x1ff: CAP_CHOWN..CAP_SETPCAP.
    EXPECT_TRUE(s.on("thread.cap_effective contains CAP_SETPCAP", v));
    EXPECT_TRUE(s.on("thread.cap_permitted = \"CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH "
                     "CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP\"",
                     v));
    EXPECT_FALSE(s.on("thread.cap_effective contains CAP_SYS_ADMIN", v));
    EXPECT_TRUE(s.on("container.id = host and container.name = host", v));
    // The host never says whether it is privileged: absent, so neither value matches.
    EXPECT_FALSE(s.on("container.privileged exists", v));
    EXPECT_FALSE(s.on("container.privileged = false", v));
}

// container.* from metadata upserted into the table (an old capture's `container` event):
// name, image, repository/tag and privileged read from it; privileged is absent until known.
TEST(evalStateFields, ContainerMetadata) {
    Chain s;
    const std::string full = "9dbcbd0c435f1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0";
    std::string cg = "cpu=/docker/" + full;
    cg.push_back('\0');
    s.feed.fork(100, 100, 400, "bash");
    s.feed.execve(
        {.tid = 400, .pid = 400, .ptid = 100, .exe = "nginx", .comm = "nginx", .cgroups = cg});
    auto e = s.apply(openat("/etc/passwd", KES_O_RDONLY, 3, "nginx", 400));
    const auto& v = e->view;
    EXPECT_TRUE(s.on("container.id = 9dbcbd0c435f and container.type = docker", v));
    EXPECT_FALSE(s.on("container.privileged exists", v));
    EXPECT_FALSE(s.on("container.image exists", v));

    state::Container info;
    info.id = "9dbcbd0c435f";
    info.name = "web";
    info.image = "registry:5000/library/nginx:latest";
    info.privileged = true;
    s.tables.upsert_container(info, 1);
    EXPECT_TRUE(s.on("container.privileged = true", v));
    EXPECT_FALSE(s.on("container.privileged = false", v));
    EXPECT_TRUE(
        s.on("container.name = web and container.image = registry:5000/library/nginx:latest", v));
    EXPECT_TRUE(s.on("container.image.repository = registry:5000/library/nginx", v));
    EXPECT_TRUE(s.on("container.image.tag = latest", v));

    info.privileged = false;
    s.tables.upsert_container(info, 2);
    EXPECT_TRUE(s.on("container.privileged = false", v));
}

// Mounts, labels and the k8s.* fields, as the container plugin extracts them from a runtime's
// description (here: the table entry an old capture's container JSON fills).
TEST(evalStateFields, ContainerMountsLabelsAndK8s) {
    Chain s;
    const std::string full = "5c0a8f2e1d3b4a5968778695a4b3c2d1e0f9e8d7c6b5a4938271605f4e3d2c1b";
    std::string cg = "cpu=/kubepods/besteffort/pod1/" + full;
    cg.push_back('\0');
    s.feed.fork(100, 100, 500, "bash");
    s.feed.execve(
        {.tid = 500, .pid = 500, .ptid = 100, .exe = "agent", .comm = "agent", .cgroups = cg});
    auto e = s.apply(openat("/etc/passwd", KES_O_RDONLY, 3, "agent", 500));
    const auto& v = e->view;
    EXPECT_FALSE(s.on("container.mount.dest[/var/run/docker.sock] exists", v));
    EXPECT_FALSE(s.on("k8s.ns.name exists", v));

    state::Container info;
    info.id = full.substr(0, 12);
    info.mounts = {{"/var/run/docker.sock", "/var/run/docker.sock", "", true, "rprivate"},
                   {"/proc", "/host/proc", "ro", false, "rslave"}};
    info.labels = {{"app", "agent"},
                   {"io.kubernetes.pod.name", "agent-7d9f"},
                   {"io.kubernetes.pod.namespace", "kube-system"},
                   {"io.kubernetes.pod.uid", "3e41dc6b-08a8-44db-bc2a-3724b18ab19a"}};
    info.pod_sandbox_id = "a1b2c3d4e5f6a7b8c9d0";
    info.pod_sandbox_labels = {{"app", "agent"}, {"tier", "node"}};
    info.host_network = true;
    s.tables.upsert_container(info, 1);

    // By source (a glob), by position; .source looks up by destination.
    EXPECT_TRUE(s.on("container.mount.dest[/var/run/docker.sock] = /var/run/docker.sock", v));
    EXPECT_TRUE(s.on("container.mount.dest[/proc*] = /host/proc", v));
    EXPECT_TRUE(s.on("container.mount.source[/host/proc] = /proc", v));
    EXPECT_TRUE(s.on("container.mount.mode[1] = ro and container.mount.rdwr[0] = true", v));
    EXPECT_TRUE(s.on("container.mount.propagation[/proc] = rslave", v));
    EXPECT_TRUE(s.on("container.mount[1] = \"/proc:/host/proc:ro:false:rslave\"", v));
    EXPECT_TRUE(s.on("container.mounts = \"/var/run/docker.sock:/var/run/docker.sock::true:"
                     "rprivate,/proc:/host/proc:ro:false:rslave\"",
                     v));
    // No such mount: absent, as the plugin (neither "N/A" nor "none").
    EXPECT_FALSE(s.on("container.mount.dest[/etc] exists", v));
    EXPECT_FALSE(s.on("container.mount.dest[5] exists", v));
    // The upstream sensitive_mount form.
    EXPECT_TRUE(s.on("not container.mount.dest[/proc*] in (\"<NA>\",\"N/A\")", v));

    EXPECT_TRUE(s.on("container.label[app] = agent and container.label.app = agent", v));
    EXPECT_FALSE(s.on("container.label[missing] exists", v));
    // io.kubernetes.* labels are left out of the list.
    EXPECT_TRUE(s.on("container.labels = app:agent", v));
    EXPECT_TRUE(s.on("k8s.pod.name = agent-7d9f and k8s.ns.name = kube-system", v));
    EXPECT_TRUE(s.on("k8s.pod.uid = 3e41dc6b-08a8-44db-bc2a-3724b18ab19a", v));
    EXPECT_TRUE(s.on("k8s.pod.id = 3e41dc6b-08a8-44db-bc2a-3724b18ab19a", v));
    EXPECT_TRUE(s.on("k8s.pod.sandbox_id = a1b2c3d4e5f6", v));
    EXPECT_TRUE(s.on("k8s.pod.full_sandbox_id = a1b2c3d4e5f6a7b8c9d0", v));
    EXPECT_TRUE(
        s.on("k8s.pod.label[tier] = node and k8s.pod.labels = \"app:agent, tier:node\"", v));
    EXPECT_TRUE(s.on("container.host_network = true", v));
    EXPECT_FALSE(s.on("container.host_pid exists", v));
}

TEST(evalStateFields, UsersAndGroups) {
    Chain s;
    auto e = s.apply(openat("/etc/hosts", KES_O_RDONLY, 3, "curl", 300));
    const auto& v = e->view;
    EXPECT_TRUE(s.on("user.uid = 1000 and user.name = alice", v));
    EXPECT_TRUE(s.on("user.homedir = /home/alice and user.shell = /bin/zsh", v));
    EXPECT_TRUE(s.on("user.loginuid = 1000 and user.loginname = alice", v));
    EXPECT_TRUE(s.on("group.gid = 1000 and group.name = staff", v));
    // bash (100) runs as root with loginuid 1000 from boot().
    auto root = s.apply(openat("/etc/hosts", KES_O_RDONLY, 4, "bash", 100));
    EXPECT_TRUE(s.on("user.name = root and user.uid = 0", root->view));
    // Ids missing from the tables read as libsinsp's fallback: root for 0, "<NA>" otherwise.
    EXPECT_TRUE(s.on("group.name = root", root->view)); // gid 0 is not in the group table
    s.feed.fork(100, 100, 400, "bash");
    s.feed.execve({.tid = 400,
                   .pid = 400,
                   .ptid = 100,
                   .exe = "id",
                   .comm = "id",
                   .uid = 4242,
                   .gid = 4242,
                   .loginuid = UINT32_MAX});
    auto unknown = s.apply(openat("/etc/hosts", KES_O_RDONLY, 3, "id", 400));
    EXPECT_TRUE(s.on("user.name = \"<NA>\" and user.homedir = \"<NA>\" and group.name = \"<NA>\"",
                     unknown->view));
    EXPECT_TRUE(s.on("user.loginuid = -1 and user.loginname = \"<NA>\" and user.name != root",
                     unknown->view));
}

TEST(evalStateFields, FilesFromTheFdTable) {
    Chain s;
    auto e = s.apply(openat("../data.txt", KES_O_RDONLY, 3, "curl", 300));
    const auto& v = e->view;
    EXPECT_TRUE(s.on("fd.num = 3 and fd.name = /tmp/data.txt", v));
    EXPECT_TRUE(s.on("fd.directory = /tmp and fd.filename = data.txt", v));
    EXPECT_TRUE(s.on("fd.typechar = f and fd.type = file and fd.nameraw = ../data.txt", v));
    EXPECT_TRUE(s.on("fd.l4proto = \"<NA>\"", v)); // libsinsp's value for a non-IP fd
    EXPECT_FALSE(s.on("fd.sockfamily exists or fd.sip exists", v));
    EXPECT_TRUE(s.on("evt.arg.name = /tmp/data.txt", v)); // the resolved form

    // A failed open has no fd: fd.num is -1 and fd.name comes from the path, made absolute.
    auto bad = s.apply(openat("missing/key", KES_O_RDONLY, -2, "curl", 300));
    EXPECT_TRUE(s.on("fd.num = -1 and evt.res = ENOENT", bad->view));
    EXPECT_TRUE(
        s.on("fd.name = /tmp/work/missing/key and fd.directory = /tmp/work/missing", bad->view));
    EXPECT_TRUE(s.on("fd.filename = key and fd.typechar = f", bad->view));
}

TEST(evalStateFields, ResolvedEventArguments) {
    Chain s;
    s.feed.openat(300, 300, 5, -100, "/etc/passwd");
    // close(5): evt.arg.fd is the fd's resolved form, and the fd is still visible to the rules.
    auto close = std::make_unique<Event>();
    {
        event::RecordBuilder b(close->buf, KES_EVT_CLOSE);
        b.ts_ns(9000).tid(300).pid(300).comm("curl");
        b.add_int64(0).add_int64(5);
        b.finish();
    }
    close = s.apply(finish(std::move(close)));
    EXPECT_TRUE(s.on("evt.type = close and evt.arg.fd = \"<f>/etc/passwd\"", close->view));
    EXPECT_TRUE(s.on("evt.type = close and fd.name = /etc/passwd", close->view));

    auto setuid = std::make_unique<Event>();
    {
        event::RecordBuilder b(setuid->buf, KES_EVT_SETUID);
        b.ts_ns(9100).tid(300).pid(300).comm("curl");
        b.add_int64(0).add_uint32(65534);
        b.finish();
    }
    setuid = s.apply(finish(std::move(setuid)));
    EXPECT_TRUE(s.on("evt.type = setuid and evt.arg.uid = nobody", setuid->view));
    EXPECT_TRUE(s.on("evt.type = setuid and evt.rawarg.uid = 65534", setuid->view));

    // renameat: oldpath resolves against olddirfd (an open directory), newpath against the cwd.
    s.feed.openat(300, 300, 7, -100, "/srv/data", KES_O_RDONLY | KES_O_DIRECTORY);
    auto rename = std::make_unique<Event>();
    {
        event::RecordBuilder b(rename->buf, KES_EVT_RENAMEAT);
        b.ts_ns(9200).tid(300).pid(300).comm("curl");
        b.add_int64(0).add_int64(7).add_string("a/../b.txt").add_int64(-100).add_string("c.txt");
        b.finish();
    }
    rename = s.apply(finish(std::move(rename)));
    EXPECT_TRUE(s.on("evt.arg.oldpath = /srv/data/b.txt and evt.arg.newpath = /tmp/work/c.txt",
                     rename->view));
    EXPECT_TRUE(s.on("evt.rawarg.oldpath = a/../b.txt", rename->view));
}

TEST(evalStateFields, SocketsAndNetworks) {
    Chain s;
    s.feed.socket(300, 300, 4, KES_AF_INET, 1 /*SOCK_STREAM*/, 0);
    auto c = std::make_unique<Event>();
    {
        event::RecordBuilder b(c->buf, KES_EVT_CONNECT);
        b.ts_ns(9000).tid(300).pid(300).comm("curl");
        b.add_int64(0)
            .add_socktuple_in(htonl(kLoopback), 47192, htonl(kLoopback), 80)
            .add_int64(4)
            .add_sockaddr_in(htonl(kLoopback), 80);
        b.finish();
    }
    c = s.apply(finish(std::move(c)));
    const auto& v = c->view;
    EXPECT_TRUE(s.on("fd.net in (\"127.0.0.1/24\")", v));
    EXPECT_TRUE(s.on("fd.snet in (\"127.0.0.0/8\") and fd.cnet = \"127.0.0.0/8\"", v));
    EXPECT_FALSE(s.on("fd.snet in (\"10.0.0.0/8\", \"192.168.0.0/16\")", v));
    EXPECT_TRUE(s.on("fd.sip in (\"127.0.0.1\", \"10.0.0.1\") and fd.sip = 127.0.0.1", v));
    EXPECT_TRUE(s.on("fd.ip = 127.0.0.1 and fd.port = 80", v));
    EXPECT_TRUE(
        s.on("fd.sport = 80 and fd.cport = 47192 and fd.lport = 47192 and fd.rport = 80", v));
    EXPECT_TRUE(s.on("fd.rip = 127.0.0.1 and fd.lip = 127.0.0.1", v));
    EXPECT_TRUE(s.on("fd.l4proto = tcp and fd.type = ipv4 and fd.typechar = 4", v));
    EXPECT_TRUE(s.on("fd.sockfamily = ip and fd.connected = true", v));
    EXPECT_TRUE(s.on("fd.name = 127.0.0.1:47192->127.0.0.1:80 and fd.num = 4", v));
    EXPECT_TRUE(s.on("evt.arg.fd = \"<4t>127.0.0.1:47192->127.0.0.1:80\"", v));
}

// The upstream `outbound` macro's UDP branch: a sendto on an unconnected datagram socket names
// it (fd.name_changed on that event only) and leaves it unconnected (fd.connected=false).
TEST(evalStateFields, UdpSendtoNamesAnUnconnectedSocket) {
    Chain s;
    s.feed.socket(300, 300, 5, KES_AF_INET, 2 /*SOCK_DGRAM*/, 17);
    auto sendto = [&](uint64_t ts) {
        auto e = std::make_unique<Event>();
        event::RecordBuilder b(e->buf, KES_EVT_SENDTO);
        b.ts_ns(ts).tid(300).pid(300).comm("curl");
        b.add_int64(5)
            .add_bytes(std::string_view("hello"))
            .add_int64(5)
            .add_uint32(5)
            .add_socktuple_in(htonl(0x0a000002), 40000, htonl(0x5db8d822), 53);
        b.finish();
        return s.apply(finish(std::move(e)));
    };
    const std::string outbound_udp =
        "evt.type in (sendto, sendmsg) and fd.l4proto != tcp and fd.connected=false and "
        "fd.name_changed=true";
    auto first = sendto(9000);
    EXPECT_TRUE(s.on(outbound_udp, first->view));
    EXPECT_TRUE(s.on("fd.name = 10.0.0.2:40000->93.184.216.34:53", first->view));
    // The same destination again: the name did not change.
    auto second = sendto(9100);
    EXPECT_FALSE(s.on("fd.name_changed = true", second->view));
    EXPECT_TRUE(s.on("fd.name_changed = false and fd.connected = false", second->view));
}

TEST(evalStateFields, ThreadWalksFromItsMainThread) {
    Chain s;
    s.feed.fork(300, 300, 301, "curl", KES_CL_CLONE_THREAD);
    auto e = s.apply(openat("/etc/hosts", KES_O_RDONLY, 6, "curl", 300));
    // Re-address the event to the thread (tid 301 of process 300).
    auto t = std::make_unique<Event>();
    {
        event::RecordBuilder b(t->buf, KES_EVT_OPENAT);
        b.ts_ns(9500).tid(301).pid(300).comm("curl");
        b.add_int64(7).add_int64(-100).add_string("/etc/hosts").add_uint32(KES_O_RDONLY);
        b.add_uint32(0).add_uint32(0).add_uint64(1);
        b.finish();
    }
    t = s.apply(finish(std::move(t)));
    EXPECT_TRUE(s.on("thread.tid = 301 and proc.pid = 300 and proc.aname[1] = sh", t->view));
    EXPECT_TRUE(s.on("proc.aname = bash and proc.ppid = 200", t->view));
    EXPECT_TRUE(s.on("fd.name = /etc/hosts and thread.ismain = false", t->view));
}

} // namespace
} // namespace kestrel::eval
