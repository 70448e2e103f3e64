// decode(): round trips through RecordBuilder, and every kind of damage a record can suffer
// (truncation at every length, bad sizes, random byte flips) gives a clear error and exactly one
// counted reason, never a crash. Run under the asan-ubsan preset to check the "never".

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "event/builder.hpp"
#include "event/gen/events.hpp"
#include "event/json.hpp"
#include "event/view.hpp"
#include "test_records.hpp"

namespace kestrel::event {
namespace {

using testing::connect_record;
using testing::execve_record;
using testing::openat_record;

void put_u16(std::vector<uint8_t>& buf, size_t offset, uint16_t v) {
    std::memcpy(buf.data() + offset, &v, sizeof(v));
}
void put_u32(std::vector<uint8_t>& buf, size_t offset, uint32_t v) {
    std::memcpy(buf.data() + offset, &v, sizeof(v));
}

// Reads every accessor of a decoded view, so sanitizers see any out-of-bounds read.
void touch_everything(const View& v) {
    (void)v.ts_ns();
    (void)v.tid();
    (void)v.pid();
    (void)v.cpu();
    (void)v.flags();
    (void)v.comm();
    for (size_t i = 0; i < v.param_count(); ++i) {
        (void)v.param(i);
        (void)v.param_int64(i);
        (void)v.param_uint(i);
        (void)v.param_string(i);
    }
    const std::string json = to_json_line(v, 0);
    EXPECT_FALSE(json.empty());
}

TEST(Decode, OpenatRoundTrip) {
    const auto buf = openat_record();
    DecodeCounters counters;
    auto r = decode(buf, &counters);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const View& v = *r;
    EXPECT_EQ(v.ts_ns(), testing::kTs);
    EXPECT_EQ(v.tid(), 1234u);
    EXPECT_EQ(v.pid(), 1200u);
    EXPECT_EQ(v.cpu(), 1u);
    EXPECT_EQ(v.type(), KES_EVT_OPENAT);
    EXPECT_EQ(v.flags(), 0u);
    EXPECT_FALSE(v.truncated());
    EXPECT_EQ(v.comm(), "cat");
    ASSERT_NE(v.info(), nullptr);
    EXPECT_EQ(v.info()->name, "openat");
    EXPECT_EQ(v.param_count(), size_t{KES_OPENAT_NPARAMS});
    EXPECT_EQ(v.bytes().size(), buf.size());
    EXPECT_EQ(v.param_int64(KES_P_OPENAT_FD), 3);
    EXPECT_EQ(v.param_int64(KES_P_OPENAT_DIRFD), -100);
    EXPECT_EQ(v.param_string(KES_P_OPENAT_NAME), "/etc/passwd");
    EXPECT_EQ(v.param(KES_P_OPENAT_NAME).size(), 12u); // with its NUL
    EXPECT_EQ(v.param_uint(KES_P_OPENAT_FLAGS), uint64_t{KES_O_RDONLY});
    EXPECT_EQ(v.param_uint(KES_P_OPENAT_DEV), 2049u);
    EXPECT_EQ(v.param_uint(KES_P_OPENAT_INO), 131u);
    EXPECT_EQ(v.param_index("ino"), KES_P_OPENAT_INO);
    EXPECT_EQ(v.param_index("nope"), -1);
    EXPECT_EQ(v.param("dev").size(), 4u);
    EXPECT_TRUE(v.param("nope").empty());
    EXPECT_TRUE(v.param(KES_OPENAT_NPARAMS).empty()); // out of range: empty, not a crash
    EXPECT_EQ(counters.total(), 0u);
}

TEST(Decode, AbsentParametersAreEmpty) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_OPENAT);
    b.add_int64(-2).add_absent().add_string("x"); // the rest absent too
    b.finish();
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_TRUE(r->has_param(KES_P_OPENAT_FD));
    EXPECT_FALSE(r->has_param(KES_P_OPENAT_DIRFD));
    EXPECT_FALSE(r->has_param(KES_P_OPENAT_INO));
    EXPECT_EQ(r->param_int64(KES_P_OPENAT_DIRFD), 0);
    EXPECT_EQ(r->param_uint(KES_P_OPENAT_INO), 0u);
    EXPECT_EQ(r->param_string(KES_P_OPENAT_NAME), "x");
}

TEST(Decode, EmptyStringIsPresent) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_OPENAT);
    b.add_int64(3).add_int64(-100).add_string("");
    b.finish();
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_TRUE(r->has_param(KES_P_OPENAT_NAME));
    EXPECT_EQ(r->param_string(KES_P_OPENAT_NAME), "");
}

TEST(Decode, CommIsCutTo15Bytes) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_PROCEXIT);
    b.comm("a-very-long-command-name");
    b.finish();
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->comm(), "a-very-long-com");
}

TEST(Decode, DefaultViewIsEmpty) {
    View v;
    EXPECT_EQ(v.type(), 0u);
    EXPECT_EQ(v.info(), nullptr);
    EXPECT_EQ(v.param_count(), 0u);
    EXPECT_TRUE(v.param(0).empty());
    EXPECT_EQ(v.comm(), "");
    EXPECT_EQ(v.param_index("fd"), -1);
}

TEST(Decode, SeveralRecordsInOneBuffer) {
    std::vector<uint8_t> buf;
    RecordBuilder(buf, KES_EVT_PROCEXIT).tid(1).finish();
    RecordBuilder(buf, KES_EVT_OPENAT).tid(2).finish();
    auto first = decode(buf, nullptr);
    ASSERT_TRUE(first.ok()) << first.error().to_string();
    EXPECT_EQ(first->tid(), 1u);
    EXPECT_EQ(first->type(), KES_EVT_PROCEXIT);
    auto second = decode(std::span(buf).subspan(first->bytes().size()), nullptr);
    ASSERT_TRUE(second.ok()) << second.error().to_string();
    EXPECT_EQ(second->tid(), 2u);
    EXPECT_EQ(second->type(), KES_EVT_OPENAT);
}

TEST(Decode, OversizedParametersAreCutAndFlagged) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_OPENAT);
    b.add_int64(3).add_int64(-100).add_string(std::string(70000, 'a'));
    b.finish();
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_TRUE(r->truncated());
    EXPECT_EQ(r->param_string(KES_P_OPENAT_NAME).size(), 65534u);
}

// Every prefix of a valid record is rejected: short_buffer below the header, truncated above.
TEST(Decode, EveryTruncationIsRejectedAndCounted) {
    for (const auto& record : {openat_record(), connect_record(), execve_record()}) {
        DecodeCounters counters;
        for (size_t n = 0; n < record.size(); ++n) {
            // A copy of exactly n bytes, so ASan catches any read past the end.
            const std::vector<uint8_t> cut(record.begin(), record.begin() + n);
            auto r = decode(cut, &counters);
            ASSERT_FALSE(r.ok()) << n;
            EXPECT_EQ(r.error().code, base::ErrorCode::kTruncated);
            if (n < KES_HDR_SIZE) {
                EXPECT_EQ(r.error().message, "record of " + std::to_string(n) +
                                                 " bytes is shorter than the 48-byte header");
            } else {
                EXPECT_EQ(r.error().message, "record of " + std::to_string(n) +
                                                 " bytes truncated: header declares " +
                                                 std::to_string(record.size()));
            }
        }
        EXPECT_EQ(counters[DecodeError::kShortBuffer], size_t{KES_HDR_SIZE});
        EXPECT_EQ(counters[DecodeError::kTruncated], record.size() - KES_HDR_SIZE);
        EXPECT_EQ(counters.total(), record.size());
    }
}

void expect_rejected(const std::vector<uint8_t>& buf, DecodeError why, const std::string& msg) {
    DecodeCounters counters;
    auto r = decode(buf, &counters);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, msg);
    EXPECT_EQ(counters[why], 1u) << decode_error_name(why);
    EXPECT_EQ(counters.total(), 1u);
}

TEST(Decode, UnknownType) {
    std::vector<uint8_t> buf;
    RecordBuilder(buf, 999, 0).finish();
    expect_rejected(buf, DecodeError::kUnknownType, "unknown event type 999");
    buf.clear();
    RecordBuilder(buf, 0, 0).finish();
    expect_rejected(buf, DecodeError::kUnknownType, "unknown event type 0");
}

TEST(Decode, WrongParameterCount) {
    std::vector<uint8_t> buf;
    RecordBuilder(buf, KES_EVT_OPENAT, 6).finish();
    expect_rejected(buf, DecodeError::kBadParamCount,
                    "openat: header has 6 parameters, the schema 7");
}

TEST(Decode, LengthSmallerThanLengthsArray) {
    auto buf = openat_record();
    put_u32(buf, offsetof(kes_event_header, len), KES_HDR_SIZE + 4);
    expect_rejected(buf, DecodeError::kBadLength,
                    "header declares 52 bytes, less than the header and 7 parameter lengths (62 "
                    "bytes)");
}

TEST(Decode, LengthsRunPastPayload) {
    auto buf = openat_record();
    put_u16(buf, KES_HDR_SIZE + 2 * KES_P_OPENAT_NAME, 500);
    expect_rejected(buf, DecodeError::kPayloadOverflow,
                    "openat: parameter 'name' (500 bytes at payload offset 16) runs past the "
                    "payload of 48 bytes");
}

TEST(Decode, FixedSizeMismatch) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_OPENAT);
    const uint8_t three[3] = {1, 2, 3};
    b.add_int64(3).add_int64(-100).add_string("/x").add_bytes(three);
    b.finish();
    expect_rejected(buf, DecodeError::kBadParamSize,
                    "openat: parameter 'flags' has 3 bytes, expected 4");
}

TEST(Decode, UnterminatedString) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_OPENAT);
    b.add_int64(3).add_int64(-100).add_bytes(std::string_view("/etc"));
    b.finish();
    expect_rejected(buf, DecodeError::kUnterminatedString,
                    "openat: parameter 'name' (fsrelpath, 4 bytes) is not NUL-terminated");
}

TEST(Decode, BadSocketAddress) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_CONNECT);
    const uint8_t short_inet[5] = {KES_AF_INET, 127, 0, 0, 1};
    b.add_int64(0).add_bytes(short_inet);
    b.finish();
    expect_rejected(buf, DecodeError::kBadSockaddr,
                    "connect: parameter 'tuple' (socktuple) has 5 bytes, wrong for address "
                    "family 2");

    buf.clear();
    RecordBuilder b2(buf, KES_EVT_CONNECT);
    const uint8_t unix_no_nul[4] = {KES_AF_UNIX, '/', 'x', 'y'};
    b2.add_int64(0).add_absent().add_int64(3).add_bytes(unix_no_nul);
    b2.finish();
    expect_rejected(buf, DecodeError::kBadSockaddr,
                    "connect: parameter 'addr' (sockaddr) has 4 bytes, wrong for address family 1");
}

TEST(Decode, UnknownSocketFamilyIsKeptOpaque) {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_CONNECT);
    const uint8_t netlink[3] = {16, 0, 0};
    b.add_int64(0).add_absent().add_int64(3).add_bytes(netlink);
    b.finish();
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(format_sockaddr(r->param(KES_P_CONNECT_ADDR)), "family 16");
}

TEST(Decode, TrailingPaddingIsAllowed) {
    auto buf = openat_record();
    const uint32_t len = static_cast<uint32_t>(buf.size() + 8);
    buf.resize(buf.size() + 8, 0);
    put_u32(buf, offsetof(kes_event_header, len), len);
    auto r = decode(buf, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->param_uint(KES_P_OPENAT_INO), 131u);
}

TEST(Decode, ErrorNamesAreDistinct) {
    std::set<std::string_view> names;
    for (size_t i = 0; i < static_cast<size_t>(DecodeError::kCount); ++i) {
        const auto name = decode_error_name(static_cast<DecodeError>(i));
        EXPECT_NE(name, "unknown");
        EXPECT_TRUE(names.insert(name).second) << name;
    }
}

// Random damage: the decoder either accepts the record (and then every accessor is safe) or
// rejects it with a message and exactly one counted reason.
TEST(Decode, RandomByteFlipsNeverCrash) {
    std::mt19937 rng(20261121);
    const std::vector<std::vector<uint8_t>> records = {openat_record(), connect_record(),
                                                       execve_record()};
    DecodeCounters counters;
    uint64_t rejected = 0;
    uint64_t accepted = 0;
    for (int iter = 0; iter < 30000; ++iter) {
        auto buf = records[static_cast<size_t>(iter) % records.size()];
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f) {
            // Favour the header and lengths array, where damage matters most.
            const size_t limit =
                (rng() % 2 == 0) ? std::min<size_t>(buf.size(), 48 + 64) : buf.size();
            buf[rng() % limit] ^= static_cast<uint8_t>(1u << (rng() % 8));
        }
        if (rng() % 8 == 0) {
            buf.resize(rng() % buf.size());
        }
        const uint64_t before = counters.total();
        auto r = decode(buf, &counters);
        if (r.ok()) {
            ++accepted;
            EXPECT_EQ(counters.total(), before);
            EXPECT_LE(r->bytes().size(), buf.size());
            touch_everything(*r);
        } else {
            ++rejected;
            EXPECT_EQ(counters.total(), before + 1);
            EXPECT_FALSE(r.error().message.empty());
        }
    }
    EXPECT_EQ(counters.total(), rejected);
    EXPECT_GT(rejected, 1000u);
    EXPECT_GT(accepted, 100u); // flips in payload values keep records valid
}

} // namespace
} // namespace kestrel::event
