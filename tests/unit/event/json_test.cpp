// to_json_line(): the exact --dump lines, and socket addresses rendered as Falco renders them.

#include <arpa/inet.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <vector>

#include "base/time.hpp"
#include "event/builder.hpp"
#include "event/json.hpp"
#include "event/view.hpp"
#include "test_records.hpp"

namespace kestrel::event {
namespace {

std::string dump(const std::vector<uint8_t>& buf) {
    auto r = decode(buf, nullptr);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    if (!r.ok()) {
        return {};
    }
    std::string line = to_json_line(*r, testing::kBootToWall);
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
    return line;
}

constexpr std::string_view kPrefix =
    R"({"time":"2023-11-14T22:13:25.000000123Z","ts":1700000005000000123,)";

TEST(JsonLine, Openat) {
    EXPECT_EQ(dump(testing::openat_record()),
              std::string(kPrefix) +
                  R"("cpu":1,"tid":1234,"pid":1200,"comm":"cat","evt.type":"openat","params":{)"
                  R"("fd":3,"dirfd":-100,"name":"/etc/passwd","flags":1,"mode":0,"dev":2049,)"
                  R"("ino":131}})");
}

TEST(JsonLine, Connect) {
    EXPECT_EQ(dump(testing::connect_record()),
              std::string(kPrefix) +
                  R"("cpu":0,"tid":77,"pid":70,"comm":"curl","evt.type":"connect","params":{)"
                  R"("res":0,"tuple":"127.0.0.1:40000->127.0.0.1:8080","fd":5,)"
                  R"("addr":"127.0.0.1:8080"}})");
}

TEST(JsonLine, Execve) {
    EXPECT_EQ(dump(testing::execve_record()),
              std::string(kPrefix) +
                  R"("cpu":3,"tid":500,"pid":500,"comm":"ls","evt.type":"execve","params":{)"
                  R"("res":0,"exe":"ls","args":["-l","/tmp"],"tid":500,"pid":500,"ptid":400,)"
                  R"("cwd":"/root","fdlimit":1024,"pgft_maj":0,"pgft_min":12,"vm_size":2048,)"
                  R"("vm_rss":512,"vm_swap":0,"comm":"ls","cgroups":["cpu=/",)"
                  R"("memory=/user.slice"],"env":["HOME=/root","TERM=xterm"],"tty":34816,)"
                  R"("vpgid":500,"loginuid":0,"flags":1,"cap_inheritable":null,)"
                  R"("cap_permitted":null,"cap_effective":null,"exe_ino":4242,)"
                  R"("exe_ino_ctime":null,"exe_ino_mtime":null,"uid":0,)"
                  R"("trusted_exepath":"/usr/bin/ls","pgid":500,"gid":0,"filename":"/bin/ls"}})");
}

TEST(JsonLine, ProcexitAllAbsent) {
    std::vector<uint8_t> buf;
    RecordBuilder(buf, KES_EVT_PROCEXIT).ts_ns(testing::kTs).tid(9).pid(9).comm("x").finish();
    EXPECT_EQ(dump(buf), std::string(kPrefix) +
                             R"("cpu":0,"tid":9,"pid":9,"comm":"x","evt.type":"procexit",)"
                             R"("params":{"status":null,"ret":null,"sig":null,"core":null,)"
                             R"("reaper_tid":null}})");
}

TEST(JsonLine, EscapesTextAndReplacesInvalidUtf8) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_OPENAT);
    b.comm("a\"b\\c\n");
    b.add_int64(3).add_int64(-100).add_string("/tmp/\x01\t\xc3\xa9\xff");
    b.finish();
    const std::string line = dump(buf);
    EXPECT_NE(line.find(R"("comm":"a\"b\\c\n")"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("name":"/tmp/\u0001\t)"
                        "\xc3\xa9"
                        R"(\ufffd")"),
              std::string::npos)
        << line;
}

TEST(JsonLine, TimeMatchesBaseFormatAcrossSeconds) {
    const auto buf = testing::openat_record();
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok());
    // Same second twice, then the next one, then back: the cached prefix must follow.
    for (int64_t delta : {int64_t{0}, int64_t{5}, int64_t{999'999'877}, int64_t{-200},
                          int64_t{86'400'000'000'000}}) {
        const int64_t offset = testing::kBootToWall + delta;
        const std::string line = to_json_line(*r, offset);
        const uint64_t wall = testing::kTs + static_cast<uint64_t>(offset);
        EXPECT_EQ(line.substr(9, 30), base::format_wall_time_iso(wall)) << line;
    }
}

TEST(JsonLine, NegativeWallTimeClampsToEpoch) {
    const auto buf = testing::openat_record(); // the view must not outlive its buffer
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok());
    const std::string line = to_json_line(*r, -static_cast<int64_t>(testing::kTs) - 1);
    EXPECT_EQ(line.rfind(R"({"time":"1970-01-01T00:00:00.000000000Z","ts":0,)", 0), 0u) << line;
}

std::array<uint8_t, 16> ip6(std::initializer_list<uint8_t> tail, bool mapped = false) {
    std::array<uint8_t, 16> a{};
    if (mapped) {
        a[10] = 0xff;
        a[11] = 0xff;
    }
    size_t i = 16 - tail.size();
    for (uint8_t b : tail) {
        a[i++] = b;
    }
    return a;
}

std::span<const uint8_t> first_param(std::vector<uint8_t>& buf) {
    return std::span<const uint8_t>(buf).subspan(KES_HDR_SIZE + 2 * KES_CONNECT_NPARAMS);
}

// Falco (libsinsp sinsp_evt::get_param_as_str): IPv6 via inet_ntop as "addr:port->addr:port";
// when both ends are IPv4-mapped (or ::), the IPv4 form; unix as "%x->%x path".
TEST(SocketFormat, Ipv6Tuple) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_CONNECT);
    const auto lo = ip6({1});
    b.add_socktuple_in6(lo, 40000, lo, 8080);
    b.finish();
    EXPECT_EQ(format_socktuple(first_param(buf)), "::1:40000->::1:8080");
}

TEST(SocketFormat, Ipv4MappedTupleUsesIpv4Form) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_CONNECT);
    b.add_socktuple_in6(ip6({10, 0, 0, 1}, true), 5555, ip6({10, 0, 0, 2}, true), 443);
    b.finish();
    EXPECT_EQ(format_socktuple(first_param(buf)), "10.0.0.1:5555->10.0.0.2:443");
}

TEST(SocketFormat, UnixTuple) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_CONNECT);
    b.add_socktuple_un(0xffff8880aa, 0xffff8880bb, "/run/x.sock");
    b.finish();
    EXPECT_EQ(format_socktuple(first_param(buf)), "ffff8880aa->ffff8880bb /run/x.sock");
}

TEST(SocketFormat, Sockaddrs) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_CONNECT);
    b.add_sockaddr_in6(ip6({1}), 8080);
    b.finish();
    EXPECT_EQ(format_sockaddr(first_param(buf)), "::1:8080");

    buf.clear();
    RecordBuilder b2(buf, KES_EVT_CONNECT);
    b2.add_sockaddr_un("/var/run/docker.sock");
    b2.finish();
    EXPECT_EQ(format_sockaddr(first_param(buf)), "/var/run/docker.sock");

    buf.clear();
    RecordBuilder b3(buf, KES_EVT_CONNECT);
    b3.add_sockaddr_in(htonl(0xc0a80001), 53);
    b3.finish();
    EXPECT_EQ(format_sockaddr(first_param(buf)), "192.168.0.1:53");
    EXPECT_EQ(format_sockaddr({}), "");
}

} // namespace
} // namespace kestrel::event
