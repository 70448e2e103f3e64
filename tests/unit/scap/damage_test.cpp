// Damaged captures: truncation at every block boundary and at random offsets, random byte flips,
// a gzip file cut short. Each gives either a clean (shorter) read or a clear error naming a byte
// offset, never a crash or an unbounded allocation. Run once under the asan-ubsan preset.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "capture/scap/reader.hpp"
#include "event/gen/events.hpp"
#include "scap_test_util.hpp"

namespace kestrel::capture::scap {
namespace {

using testing::corpus;
using testing::drain;
using testing::load_raw;

// Block start offsets of a well-formed raw capture.
std::vector<size_t> block_offsets(const std::vector<uint8_t>& raw) {
    std::vector<size_t> out;
    size_t off = 0;
    while (off + 8 <= raw.size()) {
        out.push_back(off);
        uint32_t len = 0;
        std::memcpy(&len, raw.data() + off + 4, 4);
        off += len;
    }
    return out;
}

struct Outcome {
    bool ok = false;
    std::string error;
    uint64_t events = 0;
};

Outcome read_all(std::span<const uint8_t> bytes) {
    Outcome o;
    auto reader = ScapReader::open_memory(bytes);
    if (!reader) {
        o.error = reader.error().to_string();
        return o;
    }
    auto r = drain(**reader);
    o.ok = r.ok;
    o.error = r.error;
    o.events = (*reader)->stats().event_blocks;
    return o;
}

TEST(scapDamage, TruncationAtEveryBlockBoundary) {
    const auto raw = load_raw(corpus("libs/test_ipv6_client.scap"));
    ASSERT_EQ(raw.size(), 81380U);
    const auto starts = block_offsets(raw);
    ASSERT_GT(starts.size(), 300U);
    size_t first_event = 0;
    for (size_t off : starts) {
        uint32_t type = 0;
        std::memcpy(&type, raw.data() + off, 4);
        if (type == kBlockEvent) {
            first_event = off;
            break;
        }
    }
    ASSERT_NE(first_event, 0U);
    uint64_t last_events = 0;
    for (size_t cut : starts) {
        const auto o = read_all(std::span<const uint8_t>(raw.data(), cut));
        if (cut <= first_event) {
            // A prefix without an event block is not a capture (as in libscap).
            EXPECT_FALSE(o.ok) << "cut at " << cut;
            EXPECT_FALSE(o.error.empty());
        } else {
            // A cut between blocks is indistinguishable from a shorter capture.
            ASSERT_TRUE(o.ok) << "cut at " << cut << ": " << o.error;
            EXPECT_EQ(o.events, last_events + 1);
            last_events = o.events;
        }
    }
    EXPECT_EQ(read_all(raw).events, last_events + 1);
}

TEST(scapDamage, TruncationInsideBlocksNamesTheOffset) {
    const auto raw = load_raw(corpus("libs/test_ipv6_client.scap"));
    const auto starts = block_offsets(raw);
    std::mt19937 rng(1234);
    std::uniform_int_distribution<size_t> pick(1, raw.size() - 1);
    int checked = 0;
    for (int i = 0; i < 400; ++i) {
        const size_t cut = pick(rng);
        if (std::find(starts.begin(), starts.end(), cut) != starts.end()) {
            continue;
        }
        const auto o = read_all(std::span<const uint8_t>(raw.data(), cut));
        ASSERT_FALSE(o.ok) << "cut at " << cut;
        EXPECT_NE(o.error.find("offset"), std::string::npos) << o.error;
        EXPECT_NE(o.error.find("truncated"), std::string::npos) << o.error;
        ++checked;
    }
    EXPECT_GT(checked, 300);
}

TEST(scapDamage, TruncatedEventBlockMessage) {
    const auto raw = load_raw(corpus("falco/cat_write.scap"));
    const auto starts = block_offsets(raw);
    const size_t last = starts.back();
    uint32_t len = 0;
    std::memcpy(&len, raw.data() + last + 4, 4);
    const size_t cut = last + 20;
    const auto o = read_all(std::span<const uint8_t>(raw.data(), cut));
    ASSERT_FALSE(o.ok);
    EXPECT_EQ(o.error, "truncated event block (EV) at offset " + std::to_string(last) +
                           ": header says " + std::to_string(len) + " bytes, 20 left");
}

TEST(scapDamage, RandomByteFlips) {
    const auto raw = load_raw(corpus("falco/cat_write.scap"));
    std::mt19937 rng(42);
    std::uniform_int_distribution<size_t> where(0, raw.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> how_many(1, 8);
    int failures = 0;
    for (int i = 0; i < 300; ++i) {
        auto copy = raw;
        const int n = how_many(rng);
        for (int k = 0; k < n; ++k) {
            copy[where(rng)] = static_cast<uint8_t>(byte(rng));
        }
        const auto o = read_all(copy);
        if (!o.ok) {
            ++failures;
            EXPECT_FALSE(o.error.empty());
        }
    }
    // Most flips land in parameter bytes and read fine; framing flips must fail cleanly.
    RecordProperty("failures", failures);
}

TEST(scapDamage, HugeBlockLengthDoesNotAllocateIt) {
    auto raw = load_raw(corpus("falco/cat_write.scap"));
    const auto starts = block_offsets(raw);
    // The last block claims 1 GiB - 4 bytes: the reader must fail on the missing bytes after
    // reading what exists, not reserve a gigabyte first (ASan would report the big allocation
    // as fine, so this checks the message; the slice logic bounds the memory).
    const uint32_t huge = (1U << 30) - 4;
    std::memcpy(raw.data() + starts.back() + 4, &huge, 4);
    const auto o = read_all(raw);
    ASSERT_FALSE(o.ok);
    EXPECT_NE(o.error.find("header says 1073741820 bytes"), std::string::npos) << o.error;
    const uint32_t too_big = 0xFFFFFFF0U;
    std::memcpy(raw.data() + starts.back() + 4, &too_big, 4);
    const auto o2 = read_all(raw);
    ASSERT_FALSE(o2.ok);
    EXPECT_NE(o2.error.find("invalid block length"), std::string::npos) << o2.error;
}

TEST(scapDamage, GzipCutShort) {
    std::vector<uint8_t> gz;
    {
        FILE* f = std::fopen(corpus("falco/cat_write.scap").c_str(), "rb");
        ASSERT_NE(f, nullptr);
        uint8_t buf[4096];
        size_t n = 0;
        while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) {
            gz.insert(gz.end(), buf, buf + n);
        }
        std::fclose(f);
    }
    char path[] = "/tmp/kestrel_scap_cut_XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    for (size_t cut : {gz.size() / 3, gz.size() / 2, gz.size() - 10}) {
        ASSERT_EQ(ftruncate(fd, 0), 0);
        ASSERT_EQ(pwrite(fd, gz.data(), cut, 0), static_cast<ssize_t>(cut));
        auto reader = ScapReader::open(path);
        if (!reader) {
            EXPECT_NE(reader.error().to_string().find("offset"), std::string::npos);
            continue;
        }
        auto r = drain(**reader);
        EXPECT_FALSE(r.ok) << "cut at " << cut;
        EXPECT_NE(r.error.find("offset"), std::string::npos) << r.error;
    }
    // Damaged deflate data: zlib's error, or a framing error of the garbage it let through;
    // both name an offset.
    for (size_t at : {gz.size() / 4, gz.size() / 2, gz.size() - 6}) {
        auto bad = gz;
        bad[at] ^= 0x5a;
        ASSERT_EQ(ftruncate(fd, 0), 0);
        ASSERT_EQ(pwrite(fd, bad.data(), bad.size(), 0), static_cast<ssize_t>(bad.size()));
        auto reader = ScapReader::open(path);
        if (!reader) {
            EXPECT_NE(reader.error().to_string().find("offset"), std::string::npos);
            continue;
        }
        auto r = drain(**reader);
        EXPECT_FALSE(r.ok) << "flip at " << at;
        EXPECT_NE(r.error.find("offset"), std::string::npos) << r.error;
    }
    close(fd);
    unlink(path);
}

TEST(scapDamage, NotAScapFile) {
    const std::vector<uint8_t> junk = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!'};
    auto reader = ScapReader::open_memory(junk);
    ASSERT_FALSE(reader.ok());
    EXPECT_NE(reader.error().message.find("not a scap file"), std::string::npos);
    auto missing = ScapReader::open("/nonexistent/file.scap");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().to_string().find("/nonexistent/file.scap"), std::string::npos);
}

TEST(scapTable, CodesAndNames) {
    for (uint16_t code = 0; code < kPpmEventCount; ++code) {
        const PpmEventInfo* e = ppm_event(code);
        ASSERT_NE(e, nullptr);
        EXPECT_FALSE(e->name.empty()) << code;
        // Enter and exit of a pair share a name, unless the exit is a placeholder.
        if ((code & 1U) == 1 && !e->unused()) {
            EXPECT_EQ(ppm_event(code - 1)->name, e->name) << code;
        }
    }
    EXPECT_EQ(ppm_event(kPpmEventCount), nullptr);
    EXPECT_EQ(ppm_event(3)->name, "open");
    EXPECT_EQ(ppm_event(231)->name, "execve");
    EXPECT_EQ(ppm_event(293)->params.size(), 31U);
    EXPECT_EQ(ppm_event(293)->params[30].name, "filename");
    EXPECT_EQ(ppm_event(307)->name, "openat");
    EXPECT_EQ(ppm_event(307)->params.size(), 7U);
    EXPECT_EQ(ppm_event(327)->name, "openat2");
    EXPECT_EQ(ppm_event(331)->name, "execveat");
    EXPECT_EQ(ppm_event(354)->name, "useradded");
    EXPECT_EQ(ppm_event(358)->name, "groupadded");
    EXPECT_EQ(ppm_event(389)->name, "accept4");
    EXPECT_EQ(ppm_event(419)->name, "newfstatat");
    EXPECT_TRUE(ppm_event(322)->large_payload());
    EXPECT_TRUE(ppm_event(324)->large_payload());
    EXPECT_TRUE(ppm_event(402)->large_payload());
    EXPECT_TRUE(ppm_standalone(186)); // procexit
    EXPECT_TRUE(ppm_standalone(234)); // procinfo
    EXPECT_TRUE(ppm_standalone(272)); // old container
    EXPECT_FALSE(ppm_standalone(2));
    EXPECT_EQ(x86_64_syscall_name(28), "madvise");
    EXPECT_EQ(x86_64_syscall_name(59), "execve");
    EXPECT_EQ(x86_64_syscall_name(100000), "");
}

} // namespace
} // namespace kestrel::capture::scap

namespace kestrel::capture::scap {
namespace {

// Every Kestrel event has a PPME counterpart of the same name whose current (non-old) exit
// event, merged with its enter, names every Kestrel parameter: conversion loses nothing that a
// current Falco capture carries.
// Exception: events the PPME table (libs 0.25, Falco 0.44) does not have: close_range (libs
// master has PPME_SYSCALL_CLOSE_RANGE_X with the same parameters), setreuid and setregid. Falco
// 0.44 captures carry such a syscall as a generic event, so nothing is lost.
TEST(scapTable, EveryKestrelEventHasACurrentCounterpart) {
    for (const auto& k : event::all_events()) {
        if (k.name == "close_range" || k.name == "setreuid" || k.name == "setregid") {
            continue;
        }
        const PpmEventInfo* exit = nullptr;
        for (uint16_t code = 0; code < kPpmEventCount; ++code) {
            const PpmEventInfo* e = ppm_event(code);
            if (e->name != k.name || (e->flags & kEfOldVersion) != 0) {
                continue;
            }
            if (!e->is_enter() || ppm_standalone(code)) {
                exit = e;
            }
        }
        ASSERT_NE(exit, nullptr) << k.name;
        const PpmEventInfo* enter = exit->is_enter() ? nullptr : ppm_event(exit->code - 1);
        for (const auto& p : k.params) {
            const bool named = exit->param_index(p.name) >= 0 ||
                               (enter != nullptr && enter->param_index(p.name) >= 0);
            EXPECT_TRUE(named) << k.name << "." << p.name;
        }
    }
}

} // namespace
} // namespace kestrel::capture::scap

namespace kestrel::capture::scap {
namespace {

// Metadata after events and unknown block types: built from cat_write.scap by copying its user
// list block behind the first event block and adding a block of an unknown type before it.
TEST(scapLayout, MetadataAfterEventsAndUnknownBlocks) {
    const auto raw = testing::load_raw(testing::corpus("falco/cat_write.scap"));
    const auto starts = block_offsets(raw);
    std::vector<uint8_t> user_block;
    size_t after_first_event = 0;
    for (size_t i = 0; i < starts.size(); ++i) {
        uint32_t type = 0;
        uint32_t len = 0;
        std::memcpy(&type, raw.data() + starts[i], 4);
        std::memcpy(&len, raw.data() + starts[i] + 4, 4);
        if (type == kBlockUserList) {
            user_block.assign(raw.begin() + static_cast<long>(starts[i]),
                              raw.begin() + static_cast<long>(starts[i] + len));
        }
        if (type == kBlockEvent && after_first_event == 0) {
            after_first_event = starts[i] + len;
        }
    }
    ASSERT_FALSE(user_block.empty());
    const std::vector<uint8_t> unknown = {0x99, 0x09, 0, 0, 16, 0, 0, 0, 1, 2, 3, 4, 16, 0, 0, 0};
    std::vector<uint8_t> edited(raw.begin(), raw.begin() + static_cast<long>(after_first_event));
    edited.insert(edited.end(), unknown.begin(), unknown.end());
    edited.insert(edited.end(), user_block.begin(), user_block.end());
    edited.insert(edited.end(), raw.begin() + static_cast<long>(after_first_event), raw.end());

    auto reader = ScapReader::open_memory(edited);
    ASSERT_TRUE(reader.ok()) << reader.error().to_string();
    auto& r = **reader;
    const size_t users_before = r.users().size();
    const size_t groups_before = r.groups().size();
    ScapRecord rec;
    int metadata = 0;
    while (true) {
        auto more = r.next(&rec);
        ASSERT_TRUE(more.ok()) << more.error().to_string();
        if (!*more) {
            break;
        }
        if (rec.kind == ScapRecord::Kind::kMetadata) {
            ++metadata;
            EXPECT_EQ(rec.metadata.kind, MetadataKind::kUsers);
            EXPECT_EQ(rec.metadata.first, users_before);
            EXPECT_EQ(rec.metadata.count, users_before);
            EXPECT_EQ(rec.metadata.first_group, groups_before);
            EXPECT_EQ(rec.metadata.group_count, groups_before);
        }
    }
    EXPECT_EQ(metadata, 1);
    EXPECT_EQ(r.users().size(), 2 * users_before);
    EXPECT_EQ(r.groups().size(), 2 * groups_before);
    EXPECT_EQ(r.stats().unknown_blocks, 1U);
    EXPECT_EQ(r.stats().metadata_after_events, 1U);
    EXPECT_EQ(r.stats().event_blocks, 345U);
}

} // namespace
} // namespace kestrel::capture::scap
