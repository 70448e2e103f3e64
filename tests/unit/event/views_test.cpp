// The generated typed views read the right parameter with the right type.

#include <arpa/inet.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "event/builder.hpp"
#include "event/gen/events.hpp"
#include "event/json.hpp"
#include "event/view.hpp"
#include "test_records.hpp"

namespace kestrel::event {
namespace {

std::string as_string(std::span<const uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

TEST(TypedViews, Openat) {
    const auto buf = testing::openat_record();
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const OpenatView ev(*r);
    EXPECT_EQ(OpenatView::kEventId, KES_EVT_OPENAT);
    EXPECT_EQ(ev.fd(), 3);
    EXPECT_EQ(ev.dirfd(), -100);
    EXPECT_EQ(ev.name(), "/etc/passwd");
    EXPECT_EQ(ev.flags(), uint32_t{KES_O_RDONLY});
    EXPECT_EQ(ev.mode(), 0u);
    EXPECT_EQ(ev.dev(), 2049u);
    EXPECT_EQ(ev.ino(), 131u);
    EXPECT_TRUE(ev.has_ino());
    EXPECT_EQ(ev.view().tid(), 1234u);
    static_assert(std::is_same_v<decltype(ev.fd()), int64_t>);
    static_assert(std::is_same_v<decltype(ev.flags()), uint32_t>);
    static_assert(std::is_same_v<decltype(ev.name()), std::string_view>);
}

TEST(TypedViews, AbsentGivesZeroAndHasFalse) {
    std::vector<uint8_t> buf;
    RecordBuilder(buf, KES_EVT_OPENAT2).finish();
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const Openat2View ev(*r);
    EXPECT_FALSE(ev.has_fd());
    EXPECT_EQ(ev.fd(), 0);
    EXPECT_FALSE(ev.has_name());
    EXPECT_EQ(ev.name(), "");
    EXPECT_FALSE(ev.has_resolve());
    EXPECT_EQ(ev.resolve(), 0u);
}

TEST(TypedViews, Execve) {
    const auto buf = testing::execve_record();
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const ExecveView ev(*r);
    EXPECT_EQ(ev.res(), 0);
    EXPECT_EQ(ev.exe(), "ls");
    EXPECT_EQ(as_string(ev.args()), std::string("-l\0/tmp\0", 8));
    EXPECT_EQ(ev.ptid(), 400);
    EXPECT_EQ(ev.cwd(), "/root");
    EXPECT_EQ(ev.vm_size(), 2048u);
    EXPECT_EQ(ev.tty(), 34816u);
    EXPECT_EQ(ev.flags(), uint32_t{KES_EXE_WRITABLE});
    EXPECT_FALSE(ev.has_cap_effective());
    EXPECT_EQ(ev.exe_ino(), 4242u);
    EXPECT_EQ(ev.trusted_exepath(), "/usr/bin/ls");
    EXPECT_EQ(ev.filename(), "/bin/ls");
    static_assert(std::is_same_v<decltype(ev.loginuid()), uint32_t>);
    static_assert(std::is_same_v<decltype(ev.args()), std::span<const uint8_t>>);
}

TEST(TypedViews, ExecveatHasNoFilename) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_EXECVEAT);
    b.add_int64(-2).add_string("sh");
    b.finish();
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const ExecveatView ev(*r);
    EXPECT_EQ(ev.res(), -2);
    EXPECT_EQ(ev.exe(), "sh");
    EXPECT_EQ(r->param_count(), size_t{KES_EXECVEAT_NPARAMS});
}

TEST(TypedViews, ConnectAndProcexit) {
    const auto buf = testing::connect_record();
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const ConnectView ev(*r);
    EXPECT_EQ(ev.res(), 0);
    EXPECT_EQ(ev.fd(), 5);
    EXPECT_EQ(ev.tuple().size(), 13u);
    EXPECT_EQ(format_socktuple(ev.tuple()), "127.0.0.1:40000->127.0.0.1:8080");
    EXPECT_EQ(format_sockaddr(ev.addr()), "127.0.0.1:8080");

    std::vector<uint8_t> pbuf;
    RecordBuilder b(pbuf, KES_EVT_PROCEXIT);
    b.add_int64(9).add_int64(0).add_uint8(9).add_uint8(1).add_int64(1);
    b.finish();
    auto p = decode(pbuf, nullptr);
    ASSERT_TRUE(p.ok()) << p.error().to_string();
    const ProcexitView pe(*p);
    EXPECT_EQ(pe.status(), 9);
    EXPECT_EQ(pe.sig(), 9u);
    EXPECT_EQ(pe.core(), 1u);
    EXPECT_EQ(pe.reaper_tid(), 1);
    static_assert(std::is_same_v<decltype(pe.sig()), uint8_t>);
}

TEST(TypedViews, SignedIntegersAreSignExtended) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_OPEN);
    b.add_int64(-13); // fd = -EACCES
    b.finish();
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(OpenView(*r).fd(), -13);
    EXPECT_EQ(r->param_uint(KES_P_OPEN_FD), static_cast<uint64_t>(-13));
}

} // namespace
} // namespace kestrel::event
