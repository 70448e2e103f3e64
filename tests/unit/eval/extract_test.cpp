// evt.* and fallback proc.* extraction on synthetic records.

#include "eval_test_util.hpp"
#include "hooks/hook_flags.h" // bpf/
#include "state_fixture.hpp"

namespace kestrel::eval {
namespace {

using namespace testing;

TEST(evalExtract, EvtTypeCategoryDir) {
    auto e = openat("/etc/passwd", KES_O_RDONLY);
    EXPECT_TRUE(cond("evt.type = openat", e->view));
    EXPECT_FALSE(cond("evt.type = execve", e->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.category = file", e->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.dir = <", e->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.cpu = 1", e->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.count = 1", e->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.rawtime = 1000", e->view));
}

TEST(evalExtract, EnterEventsOfOldCapturesHaveDirGreaterThan) {
    // The scap reader delivers an old capture's enter events flagged KES_HDR_F_ENTER.
    auto e = std::make_unique<Event>();
    event::RecordBuilder b(e->buf, KES_EVT_OPENAT);
    b.ts_ns(1000).tid(100).pid(100).comm("cat").flags(KES_HDR_F_ENTER);
    b.add_absent().add_int64(-100).add_string("/etc/passwd").add_uint32(KES_O_RDONLY);
    b.finish();
    e = finish(std::move(e));
    EXPECT_TRUE(cond("evt.type = openat and evt.dir = >", e->view));
    EXPECT_FALSE(cond("evt.type = openat and evt.dir = <", e->view));
}

TEST(evalExtract, ResultFields) {
    auto ok = openat("/etc/passwd", KES_O_RDONLY, 3);
    auto bad = openat("/nope", KES_O_RDONLY, -2);
    EXPECT_TRUE(cond("evt.type = openat and evt.res = SUCCESS", ok->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.res = ENOENT", bad->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.res startswith E", bad->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.rawres = -2", bad->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.rawres >= 0", ok->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.failed = true", bad->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.failed = false", ok->view));
    EXPECT_TRUE(cond("evt.type = openat and fd.num = -1 or fd.num = -2", bad->view));
    EXPECT_TRUE(cond("evt.type = openat and fd.num >= 0", ok->view));
}

TEST(evalExtract, Args) {
    auto e = openat("/etc/shadow", KES_O_WRONLY | KES_O_TRUNC | KES_O_CLOEXEC);
    EXPECT_TRUE(cond("evt.type = openat and evt.arg.name = /etc/shadow", e->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.arg[2] = /etc/shadow", e->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.arg.flags contains O_TRUNC", e->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.arg.flags = O_WRONLY|O_TRUNC|O_CLOEXEC", e->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.arg.fd = 3", e->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.rawarg.dirfd = -100", e->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.rawarg.ino = 1234", e->view));
}

// ptrace requests and chmod modes render by name, as Falco shows them (upstream rules test
// `evt.arg.request contains PTRACE_ATTACH`, `evt.arg.mode contains S_ISUID`).
TEST(evalExtract, PtraceRequestAndModeNames) {
    auto pt = std::make_unique<Event>();
    event::RecordBuilder b(pt->buf, KES_EVT_PTRACE);
    b.ts_ns(1000).tid(100).pid(100).comm("gdb");
    b.add_int64(0).add_uint64(0).add_uint64(0).add_uint16(11).add_int64(200); // 11: ATTACH
    b.finish();
    pt = finish(std::move(pt));
    EXPECT_TRUE(cond("evt.type = ptrace and evt.arg.request = PTRACE_ATTACH", pt->view));
    EXPECT_TRUE(cond("evt.type = ptrace and evt.rawarg.request = 11", pt->view));

    auto ch = std::make_unique<Event>();
    event::RecordBuilder c(ch->buf, KES_EVT_FCHMODAT);
    c.ts_ns(1000).tid(100).pid(100).comm("chmod");
    c.add_int64(0).add_int64(-100).add_string("/tmp/x").add_uint32(04755);
    c.finish();
    ch = finish(std::move(ch));
    EXPECT_TRUE(cond("evt.type = fchmodat and evt.arg.mode contains S_ISUID", ch->view));
    EXPECT_TRUE(cond("evt.type = fchmodat and evt.arg.mode = "
                     "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID",
                     ch->view));
    EXPECT_FALSE(cond("evt.type = fchmodat and evt.arg.mode contains S_ISGID", ch->view));
}

// The optional hooks' events (bpf/hooks/): evt.arg renders page_fault's error flags and a
// signal by name as Falco does; evt.rawarg keeps the numbers.
TEST(evalExtract, HookEventsArgs) {
    auto pf = std::make_unique<Event>();
    event::RecordBuilder b(pf->buf, KES_EVT_PAGE_FAULT);
    b.ts_ns(1000).tid(100).pid(100).comm("app");
    b.add_uint64(0x7f0000001000)
        .add_uint64(0x401000)
        .add_uint32(KES_PF_PAGE_NOT_PRESENT | KES_PF_WRITE_ACCESS | KES_PF_USER_FAULT);
    b.finish();
    pf = finish(std::move(pf));
    EXPECT_TRUE(cond("evt.type = page_fault and evt.arg.error = "
                     "PAGE_NOT_PRESENT|WRITE_ACCESS|USER_FAULT",
                     pf->view));
    EXPECT_TRUE(cond("evt.type = page_fault and evt.arg.error contains WRITE_ACCESS", pf->view));
    EXPECT_TRUE(cond("evt.type = page_fault and evt.rawarg.addr = 139637976731648", pf->view));
    EXPECT_TRUE(cond("evt.type = page_fault and evt.rawarg.ip = 4198400", pf->view));
    // Falco prints page_fault's addresses as PF_HEX: upper-case, no prefix.
    EXPECT_TRUE(cond("evt.type = page_fault and evt.arg.addr = 7F0000001000", pf->view));
    EXPECT_TRUE(cond("evt.type = page_fault and evt.arg.ip = 401000", pf->view));

    auto sig = std::make_unique<Event>();
    event::RecordBuilder s(sig->buf, KES_EVT_SIGNALDELIVER);
    s.ts_ns(1000).tid(100).pid(100).comm("app");
    s.add_int64(200).add_int64(100).add_uint8(9);
    s.finish();
    sig = finish(std::move(sig));
    EXPECT_TRUE(cond("evt.type = signaldeliver and evt.arg.sig = SIGKILL", sig->view));
    EXPECT_TRUE(cond("evt.type = signaldeliver and evt.rawarg.sig = 9", sig->view));
    EXPECT_TRUE(cond("evt.type = signaldeliver and evt.arg.spid = 200", sig->view));
    EXPECT_TRUE(cond("evt.type = signaldeliver and evt.arg.dpid = 100", sig->view));

    auto rt = std::make_unique<Event>();
    event::RecordBuilder r(rt->buf, KES_EVT_SIGNALDELIVER);
    r.ts_ns(1000).tid(100).pid(100).comm("app");
    r.add_int64(0).add_int64(100).add_uint8(34); // SIGRTMIN: no name in libsinsp's table
    r.finish();
    rt = finish(std::move(rt));
    EXPECT_TRUE(cond("evt.type = signaldeliver and evt.arg.sig = 34", rt->view));
}

TEST(evalExtract, OpenFlags) {
    auto r = openat("/a", KES_O_RDONLY);
    auto w = openat("/a", KES_O_WRONLY | KES_O_CREAT | KES_O_F_CREATED, 3, "cat", 1, 0755);
    EXPECT_TRUE(cond("evt.type = openat and evt.is_open_read = true", r->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.is_open_write = false", r->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.is_open_write = true", w->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.is_open_create = true", w->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.is_open_exec = true", w->view));
    EXPECT_TRUE(cond("evt.type = openat and evt.is_open_exec = false", r->view));
}

TEST(evalExtract, ProcessFallbacksWithoutState) {
    auto e = openat("/etc/passwd", KES_O_RDONLY, 3, "cat", 4242);
    EXPECT_TRUE(cond("evt.type = openat and proc.name = cat", e->view));
    EXPECT_TRUE(cond("evt.type = openat and proc.pid = 4242", e->view));
    EXPECT_TRUE(cond("evt.type = openat and thread.tid = 4242", e->view));
    EXPECT_TRUE(cond("evt.type = openat and fd.name = /etc/passwd", e->view));
    EXPECT_TRUE(cond("evt.type = openat and fd.directory = /etc", e->view));
    EXPECT_TRUE(cond("evt.type = openat and fd.filename = passwd", e->view));
    EXPECT_TRUE(cond("evt.type = openat and fd.typechar = f", e->view));
    // Needs state: absent, so every comparison is false and `exists` is false.
    EXPECT_FALSE(cond("evt.type = openat and proc.exe exists", e->view));
}

TEST(evalExtract, Network) {
    auto e = connect("10.0.0.2", 51234, "1.2.3.4", 443);
    EXPECT_TRUE(cond("evt.type = connect and fd.sip = 1.2.3.4", e->view));
    EXPECT_TRUE(cond("evt.type = connect and fd.cip = 10.0.0.2", e->view));
    EXPECT_TRUE(cond("evt.type = connect and fd.rip = 1.2.3.4 and fd.lip = 10.0.0.2", e->view));
    EXPECT_TRUE(cond("evt.type = connect and fd.sport = 443 and fd.cport = 51234", e->view));
    EXPECT_TRUE(cond("evt.type = connect and fd.rport = 443 and fd.lport = 51234", e->view));
    EXPECT_TRUE(cond("evt.type = connect and fd.name = 10.0.0.2:51234->1.2.3.4:443", e->view));
    EXPECT_TRUE(cond("evt.type = connect and fd.typechar = 4", e->view));
}

TEST(evalExtract, StateProvidesProcessAndFdFields) {
    StateFixture s;
    state::testing::boot(s.feed); // pid 100: bash -l, cwd /root, child of init
    s.tables.users().add_user({.uid = 0, .gid = 0, .name = "root", .home = "/root", .shell = ""});
    auto e = s.apply(openat("rel/path", KES_O_RDONLY, 3, "bash", 100));
    EXPECT_TRUE(cond("evt.type = openat and proc.exe = bash", e->view, &s.tables));
    EXPECT_TRUE(cond("evt.type = openat and proc.exepath = /usr/bin/bash", e->view, &s.tables));
    EXPECT_TRUE(cond("evt.type = openat and proc.cmdline = \"bash -l\"", e->view, &s.tables));
    EXPECT_TRUE(
        cond("evt.type = openat and user.uid = 0 and user.name = root", e->view, &s.tables));
    EXPECT_TRUE(cond("evt.type = openat and fd.name = /root/rel/path", e->view, &s.tables));
    EXPECT_TRUE(cond("evt.type = openat and proc.ppid = 1", e->view, &s.tables));
    // Without state a relative path gives no fd.name.
    EXPECT_FALSE(cond("evt.type = openat and fd.name exists", e->view));
}

} // namespace
} // namespace kestrel::eval
