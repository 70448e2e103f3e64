// Every capture of the corpus (/work/shared/corpus/scap, SOURCE.md) parses completely, with the
// block and event counts SOURCE.md lists, and every converted record passes event::decode().
// Spot checks follow the expectations of the Falco and libs tests that use these files.

#include <gtest/gtest.h>

#include <string>

#include "capture/scap/reader.hpp"
#include "event/gen/events.hpp"
#include "event/json.hpp"
#include "event/view.hpp"
#include "scap_test_util.hpp"

namespace kestrel::capture::scap {

namespace testing {

DrainResult drain(ScapReader& reader) {
    DrainResult r;
    ScapRecord rec;
    while (true) {
        auto more = reader.next(&rec);
        if (!more) {
            r.ok = false;
            r.error = more.error().to_string();
            return r;
        }
        if (!*more) {
            return r;
        }
        switch (rec.kind) {
        case ScapRecord::Kind::kEvent: {
            ++r.records;
            auto view = event::decode(rec.record(), nullptr);
            if (!view) {
                if (r.decode_failures++ == 0) {
                    r.first_decode_error = view.error().to_string();
                }
                break;
            }
            const bool enter = (view->flags() & KES_HDR_F_ENTER) != 0;
            ++r.by_name[(enter ? "enter:" : "") + std::string(view->info()->name)];
            break;
        }
        case ScapRecord::Kind::kForeign:
            ++r.foreign;
            ++r.by_name["foreign:" + std::string(rec.foreign.name)];
            break;
        case ScapRecord::Kind::kMetadata:
            ++r.metadata;
            break;
        }
    }
}

} // namespace testing

namespace {

using testing::corpus;
using testing::drain;

struct CorpusCase {
    const char* file;
    uint32_t proc_block; // PL version block type
    uint32_t fd_block;
    uint64_t fd_blocks;
    uint32_t event_block;
    uint64_t events;
    bool gzip;
};

// From SOURCE.md.
const CorpusCase kCases[] = {
    {"falco/cat_write.scap", kBlockProcListV6, kBlockFdList, 73, kBlockEvent, 345, true},
    {"falco/connect_localhost.scap", kBlockProcListV7, kBlockFdList, 184, kBlockEvent, 374, true},
    {"falco/empty.scap", kBlockProcListV9, kBlockFdListV2, 218, kBlockEventV2, 143, true},
    {"falco/open-multiple-files.scap", kBlockProcListV6, kBlockFdList, 128, kBlockEvent, 1272,
     true},
    {"falco/ping_sendto.scap", kBlockProcListV9, kBlockFdListV2, 136, kBlockEventV2, 1526, true},
    {"falco/syscall.scap", kBlockProcListV8, kBlockFdList, 229, kBlockEvent, 368, true},
    {"falco/psp/privileged.scap", kBlockProcListV9, kBlockFdListV2, 100, kBlockEventV2, 2059, true},
    {"falco/psp/run_as_user_0_container.scap", kBlockProcListV9, kBlockFdListV2, 124, kBlockEventV2,
     4143, true},
    {"falco/psp/run_as_user_65534_container.scap", kBlockProcListV9, kBlockFdListV2, 126,
     kBlockEventV2, 241, true},
    {"falco/psp/write_tmp_test.scap", kBlockProcListV9, kBlockFdListV2, 124, kBlockEventV2, 229,
     true},
    {"libs/curl_google.scap", kBlockProcListV5, kBlockFdList, 54, kBlockEvent, 1536, true},
    {"libs/curl_google_comments.scap", kBlockProcListV5, kBlockFdList, 54, kBlockEvent, 1536, true},
    {"libs/single_ipv6_conn.scap", kBlockProcListV9, kBlockFdListV2, 154, kBlockEventV2, 1728,
     true},
    {"libs/test_ipv6_client.scap", kBlockProcListV5, kBlockFdList, 58, kBlockEvent, 326, true},
    {"libs/sample.scap", kBlockProcListV9, kBlockFdListV2, 94, kBlockEventV2, 572, false},
};

class scapCorpus : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(scapCorpus, ParsesCompletelyWithTheListedCounts) {
    const CorpusCase& c = GetParam();
    auto reader = ScapReader::open(corpus(c.file));
    ASSERT_TRUE(reader.ok()) << reader.error().to_string();
    auto& r = **reader;
    auto result = drain(r);
    ASSERT_TRUE(result.ok) << result.error;
    const ReaderStats& s = r.stats();
    EXPECT_EQ(s.gzip, c.gzip);
    EXPECT_EQ(s.version_major, 1);
    EXPECT_EQ(s.event_blocks, c.events);
    auto count = [&](uint32_t type) {
        auto it = s.blocks_by_type.find(type);
        return it == s.blocks_by_type.end() ? uint64_t{0} : it->second;
    };
    EXPECT_EQ(count(c.event_block), c.events);
    EXPECT_EQ(count(c.fd_block), c.fd_blocks);
    EXPECT_EQ(count(c.proc_block), 1U);
    EXPECT_EQ(count(kBlockSectionHeader), 1U);
    EXPECT_EQ(count(kBlockMachineInfo), 1U);
    EXPECT_EQ(s.unknown_blocks, 0U);
    EXPECT_EQ(s.dropped_unknown_type, 0U);
    EXPECT_EQ(result.metadata, 0U); // every corpus file has its metadata before the events

    // Every event is accounted for: delivered, stored as an enter, or dropped as unused.
    uint64_t read = 0;
    for (uint64_t n : s.events_by_type) {
        read += n;
    }
    EXPECT_EQ(read, c.events);
    // A delivered enter event is both stored (for its exit) and a record.
    EXPECT_LE(s.enters_delivered, s.records);
    EXPECT_EQ(s.records - s.enters_delivered + s.foreign + s.enters_stored + s.dropped_unused,
              c.events);
    EXPECT_EQ(result.records, s.records);
    EXPECT_EQ(result.foreign, s.foreign);
    EXPECT_EQ(result.decode_failures, 0U) << result.first_decode_error;
    EXPECT_EQ(s.params_unconverted, 0U);

    EXPECT_TRUE(r.machine().present);
    EXPECT_GT(r.machine().num_cpus, 0U);
    EXPECT_FALSE(r.processes().empty());
    EXPECT_FALSE(r.fds().empty());
    for (const auto& p : r.processes()) {
        EXPECT_GT(p.tid, 0U);
        EXPECT_FALSE(p.comm.empty()) << "tid " << p.tid;
    }
    std::string summary;
    for (const auto& [name, n] : result.by_name) {
        summary += name + "=" + std::to_string(n) + " ";
    }
    RecordProperty("events", summary);
    std::printf("%s: %zu threads, %zu fds, %zu users, %zu groups, %zu interfaces; records %llu, "
                "foreign %llu, enters merged %llu, orphan %llu\n  %s\n",
                c.file, r.processes().size(), r.fds().size(), r.users().size(), r.groups().size(),
                r.interfaces().size(), static_cast<unsigned long long>(s.records),
                static_cast<unsigned long long>(s.foreign),
                static_cast<unsigned long long>(s.enters_merged),
                static_cast<unsigned long long>(s.enters_orphan), summary.c_str());
}

INSTANTIATE_TEST_SUITE_P(all, scapCorpus, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<CorpusCase>& info) {
                             std::string name = info.param.file;
                             for (char& ch : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(ch))) {
                                     ch = '_';
                                 }
                             }
                             return name;
                         });

// Collects the Kestrel records of one capture, decoded (copies of the bytes).
std::vector<std::vector<uint8_t>> kestrel_records(const std::string& file) {
    std::vector<std::vector<uint8_t>> out;
    auto reader = ScapReader::open(corpus(file));
    EXPECT_TRUE(reader.ok());
    if (!reader.ok()) {
        return out;
    }
    ScapRecord rec;
    while (true) {
        auto more = (*reader)->next(&rec);
        EXPECT_TRUE(more.ok());
        if (!more.ok() || !*more) {
            break;
        }
        if (rec.kind == ScapRecord::Kind::kEvent) {
            out.push_back(rec.bytes);
        }
    }
    return out;
}

bool is_enter(std::span<const uint8_t> bytes) {
    auto v = event::decode(bytes, nullptr);
    return v.ok() && (v->flags() & KES_HDR_F_ENTER) != 0;
}

// The exit (merged) records only: most spot checks below are about what the exit carries.
std::vector<std::vector<uint8_t>> exit_records(const std::string& file) {
    auto all = kestrel_records(file);
    std::erase_if(all, [](const std::vector<uint8_t>& b) { return is_enter(b); });
    return all;
}

// 2016-08-04T16:17:57Z as epoch seconds.
constexpr uint64_t kCatWriteSecond = 1470327477ULL;

TEST(scapCatWrite, ExecveOfCatDevNull) {
    auto records = exit_records("falco/cat_write.scap");
    ASSERT_FALSE(records.empty());
    int execs = 0;
    for (const auto& bytes : records) {
        auto v = event::decode(bytes, nullptr);
        ASSERT_TRUE(v.ok());
        if (v->type() != KES_EVT_EXECVE || v->tid() != 20072) {
            continue;
        }
        event::ExecveView e(*v);
        ++execs;
        EXPECT_EQ(e.res(), 0);
        EXPECT_EQ(e.exe(), "cat");
        const auto args = e.args();
        EXPECT_EQ(std::string(args.begin(), args.end()), std::string("/dev/null\0", 10));
        EXPECT_EQ(e.tid(), 20072);
        EXPECT_EQ(e.pid(), 20072);
        EXPECT_TRUE(e.has_ptid());
        EXPECT_GT(e.ptid(), 0);
        EXPECT_TRUE(e.has_cwd());
        EXPECT_EQ(e.comm(), "cat");
        EXPECT_EQ(v->comm(), "cat"); // the header shows the new image, as at a live execve exit
        EXPECT_EQ(v->pid(), 20072U);
        EXPECT_EQ(v->ts_ns() / 1000000000ULL, kCatWriteSecond);
    }
    EXPECT_EQ(execs, 1);
}

// Falco's single_rule.yaml test: open_from_cat fires first at 16:17:57.881781397, the time of
// the enter event of cat's first open (old Falco evaluated both directions). The merged record
// carries the exit's time, as libscap's converter does, a few microseconds later.
TEST(scapCatWrite, OpensByCat) {
    auto reader = ScapReader::open(corpus("falco/cat_write.scap"));
    ASSERT_TRUE(reader.ok());
    ScapRecord rec;
    uint64_t first_ts = 0;
    std::vector<std::string> names;
    std::vector<int64_t> fds;
    std::vector<uint64_t> times;
    while (true) {
        auto more = (*reader)->next(&rec);
        ASSERT_TRUE(more.ok()) << more.error().to_string();
        if (!*more) {
            break;
        }
        if (first_ts == 0) {
            first_ts = rec.kind == ScapRecord::Kind::kForeign
                           ? rec.foreign.ts_ns
                           : event::decode(rec.record(), nullptr)->ts_ns();
        }
        if (rec.kind != ScapRecord::Kind::kEvent) {
            continue;
        }
        auto v = event::decode(rec.record(), nullptr);
        ASSERT_TRUE(v.ok()) << v.error().to_string();
        if (v->tid() != 20072 || (v->type() != KES_EVT_OPEN && v->type() != KES_EVT_OPENAT) ||
            (v->flags() & KES_HDR_F_ENTER) != 0) {
            continue;
        }
        ASSERT_EQ(v->type(), KES_EVT_OPEN); // 2016: open(2), merged from enter/exit pairs
        event::OpenView o(*v);
        names.emplace_back(o.name());
        fds.push_back(o.fd());
        times.push_back(v->ts_ns());
        EXPECT_EQ(v->comm(), "cat");
        EXPECT_EQ(v->pid(), 20072U);
        EXPECT_TRUE(o.has_flags());
    }
    const std::vector<std::string> expected = {"/etc/ld.so.cache",
                                               "/lib/x86_64-linux-gnu/libc.so.6",
                                               "/usr/lib/locale/locale-archive", "/dev/null"};
    EXPECT_EQ(names, expected);
    for (int64_t fd : fds) {
        EXPECT_EQ(fd, 3);
    }
    ASSERT_EQ(times.size(), 4U);
    const uint64_t alert = kCatWriteSecond * 1000000000ULL + 881781397ULL;
    EXPECT_GT(times[0], alert);
    EXPECT_LT(times[0], alert + 10000); // the exit, 3.951 us after the enter
    EXPECT_EQ(times[0], kCatWriteSecond * 1000000000ULL + 881785348ULL);
    // The capture starts with procinfo events two seconds earlier.
    EXPECT_EQ(first_ts / 1000000000ULL, kCatWriteSecond - 2);
}

TEST(scapCurlGoogle, Ipv6ConnectTuple) {
    auto records = exit_records("libs/curl_google.scap");
    bool found = false;
    for (const auto& bytes : records) {
        auto v = event::decode(bytes, nullptr);
        ASSERT_TRUE(v.ok());
        if (v->type() != KES_EVT_CONNECT || v->tid() != 17497) {
            continue;
        }
        event::ConnectView c(*v);
        const std::string tuple = event::format_socktuple(c.tuple());
        if (tuple.find("2607:f8b0:4004:802::2004") != std::string::npos) {
            EXPECT_EQ(tuple, "2600:1f18:262c:6542:9aa6:df7a:9a47:d29e:37140->"
                             "2607:f8b0:4004:802::2004:80");
            EXPECT_EQ(c.res(), -115); // EINPROGRESS: a non-blocking connect
            EXPECT_EQ(c.fd(), 4);     // from the enter event (which carried only the fd)
            found = true;
        }
    }
    EXPECT_TRUE(found);
}

TEST(scapCurlGoogle, CommentedCopyIsEventForEventEqual) {
    auto plain = ScapReader::open(corpus("libs/curl_google.scap"));
    auto commented = ScapReader::open(corpus("libs/curl_google_comments.scap"));
    ASSERT_TRUE(plain.ok());
    ASSERT_TRUE(commented.ok()) << commented.error().to_string();
    EXPECT_EQ((*plain)->processes().size(), (*commented)->processes().size());
    EXPECT_EQ((*plain)->fds().size(), (*commented)->fds().size());
    ScapRecord a;
    ScapRecord b;
    size_t n = 0;
    while (true) {
        auto ma = (*plain)->next(&a);
        auto mb = (*commented)->next(&b);
        ASSERT_TRUE(ma.ok() && mb.ok());
        ASSERT_EQ(*ma, *mb) << "at record " << n;
        if (!*ma) {
            break;
        }
        ASSERT_EQ(a.kind, b.kind) << "at record " << n;
        if (a.kind == ScapRecord::Kind::kEvent) {
            ASSERT_EQ(a.bytes, b.bytes) << "at record " << n;
        } else if (a.kind == ScapRecord::Kind::kForeign) {
            ASSERT_EQ(a.foreign.ppme_type, b.foreign.ppme_type);
            ASSERT_EQ(a.foreign.ts_ns, b.foreign.ts_ns);
            ASSERT_EQ(a.foreign.params.size(), b.foreign.params.size());
            for (size_t i = 0; i < a.foreign.params.size(); ++i) {
                ASSERT_TRUE(
                    std::equal(a.foreign.params[i].value.begin(), a.foreign.params[i].value.end(),
                               b.foreign.params[i].value.begin(), b.foreign.params[i].value.end()));
            }
        }
        ++n;
    }
    EXPECT_EQ(n, 991U); // 127 exit records + 52 enter records + 812 foreign events
}

TEST(scapSample, RawFileWithMachineUsersAndMetaEvents) {
    auto reader = ScapReader::open(corpus("libs/sample.scap"));
    ASSERT_TRUE(reader.ok()) << reader.error().to_string();
    auto& r = **reader;
    EXPECT_FALSE(r.stats().gzip);
    EXPECT_EQ(r.machine().hostname, "ubuntu2204.localdomain");
    EXPECT_EQ(r.machine().num_cpus, 4U);
    EXPECT_FALSE(r.users().empty());
    EXPECT_FALSE(r.groups().empty());
    EXPECT_FALSE(r.interfaces().empty());
    bool root = false;
    for (const auto& u : r.users()) {
        root = root || (u.uid == 0 && u.name == "root" && u.home == "/root");
    }
    EXPECT_TRUE(root);
    auto result = drain(r);
    ASSERT_TRUE(result.ok) << result.error;
    EXPECT_EQ(r.stats().foreign_by_type[354], 34U); // useradded
    EXPECT_EQ(r.stats().foreign_by_type[358], 61U); // groupadded
    // Context switches are Kestrel's switch events (the optional hook's schema event), with
    // Falco's parameters, no longer foreign.
    EXPECT_GT(result.by_name["switch"], 0U);
    EXPECT_EQ(result.by_name["foreign:switch"], 0U);
}

// Current Falco evaluates the enter events of old opens too (libs' converter passes open enters
// through): single_rule.yaml's 8 open_from_cat alerts on cat_write alternate enter and exit times.
TEST(scapCatWrite, OpenEntersDeliveredFlagged) {
    auto reader = ScapReader::open(corpus("falco/cat_write.scap"));
    ASSERT_TRUE(reader.ok());
    ScapRecord rec;
    std::vector<uint64_t> times;
    std::vector<bool> enter;
    while (true) {
        auto more = (*reader)->next(&rec);
        ASSERT_TRUE(more.ok()) << more.error().to_string();
        if (!*more) {
            break;
        }
        if (rec.kind != ScapRecord::Kind::kEvent) {
            continue;
        }
        auto v = event::decode(rec.record(), nullptr);
        ASSERT_TRUE(v.ok()) << v.error().to_string();
        if (v->tid() != 20072 || v->type() != KES_EVT_OPEN) {
            continue;
        }
        const bool is_enter = (v->flags() & KES_HDR_F_ENTER) != 0;
        times.push_back(v->ts_ns() - kCatWriteSecond * 1000000000ULL);
        enter.push_back(is_enter);
        event::OpenView o(*v);
        EXPECT_EQ(o.has_fd(), !is_enter); // an enter has no result
        EXPECT_EQ(v->comm(), "cat");
    }
    const std::vector<uint64_t> expected = {881781397, 881785348, 881796705, 881799840,
                                            882003104, 882008208, 882045694, 882054739};
    EXPECT_EQ(times, expected);
    EXPECT_EQ(enter, (std::vector<bool>{true, false, true, false, true, false, true, false}));
    EXPECT_EQ((*reader)->stats().enters_delivered, 4U); // the four opens
}

// The old openat enter (PPME 102) is only stored by libs' converter, never delivered; neither are
// enters of other syscalls (close, fstat ...).
TEST(scapOpenMultipleFiles, OnlyOpenEntersDelivered) {
    auto reader = ScapReader::open(corpus("falco/open-multiple-files.scap"));
    ASSERT_TRUE(reader.ok());
    auto result = drain(**reader);
    ASSERT_TRUE(result.ok) << result.error;
    EXPECT_EQ(result.by_name["enter:open"], 13U);
    EXPECT_EQ(result.by_name["open"], 13U);
    EXPECT_EQ(result.by_name["enter:close"], 0U);
}

TEST(scapSyscall, GenericEventsCarryTheirSyscallName) {
    auto reader = ScapReader::open(corpus("falco/syscall.scap"));
    ASSERT_TRUE(reader.ok());
    auto result = drain(**reader);
    ASSERT_TRUE(result.ok) << result.error;
    // Falco's syscalls.yaml expects evt.type=madvise twice (exit events).
    EXPECT_EQ(result.by_name["foreign:madvise"], 2U);
    EXPECT_EQ(result.by_name["open"], 4U);
}

TEST(scapProcessList, V9EntriesCarryTheTail) {
    auto reader = ScapReader::open(corpus("libs/sample.scap"));
    ASSERT_TRUE(reader.ok());
    bool caps = false;
    for (const auto& p : (*reader)->processes()) {
        EXPECT_EQ(p.block_version, 9U);
        caps = caps || (p.has_caps && p.cap_effective != 0);
    }
    EXPECT_TRUE(caps);
}

} // namespace
} // namespace kestrel::capture::scap

namespace kestrel::capture::scap {
namespace {

std::vector<std::string> open_names(const std::string& file) {
    std::vector<std::string> names;
    for (const auto& bytes : exit_records(file)) {
        auto v = event::decode(bytes, nullptr);
        if (v.ok() && v->type() == KES_EVT_OPEN) {
            names.emplace_back(event::OpenView(*v).name());
        } else if (v.ok() && v->type() == KES_EVT_OPENAT) {
            names.emplace_back(event::OpenatView(*v).name());
        }
    }
    return names;
}

std::vector<std::string> tuples(const std::string& file, uint16_t type) {
    std::vector<std::string> out;
    for (const auto& bytes : exit_records(file)) {
        auto v = event::decode(bytes, nullptr);
        if (v.ok() && v->type() == type) {
            out.push_back(event::format_socktuple(v->param("tuple")));
        }
    }
    return out;
}

// tagged_rules.yaml: each open_N rule fires once, on the open of /tmp/file-N.
TEST(scapOpenMultipleFiles, ThirteenOpens) {
    const auto names = open_names("falco/open-multiple-files.scap");
    std::vector<std::string> expected;
    for (int i = 1; i <= 13; ++i) {
        expected.push_back("/tmp/file-" + std::to_string(i));
    }
    EXPECT_EQ(names, expected);
}

TEST(scapWriteTmpTest, OpenForWriting) {
    auto records = exit_records("falco/psp/write_tmp_test.scap");
    int found = 0;
    for (const auto& bytes : records) {
        auto v = event::decode(bytes, nullptr);
        ASSERT_TRUE(v.ok());
        if (v->type() != KES_EVT_OPEN && v->type() != KES_EVT_OPENAT) {
            continue;
        }
        const auto name = v->param_string(static_cast<size_t>(v->param_index("name")));
        if (name == "/tmp/test") {
            ++found;
            const uint64_t flags = v->param_uint(static_cast<size_t>(v->param_index("flags")));
            EXPECT_NE(flags & (KES_O_WRONLY | KES_O_RDWR), 0U) << flags; // PPM bits, as on disk
        }
    }
    EXPECT_EQ(found, 1);
}

TEST(scapConnectLocalhost, ConnectToLoopback) {
    const auto t = tuples("falco/connect_localhost.scap", KES_EVT_CONNECT);
    ASSERT_EQ(t.size(), 1U);
    EXPECT_NE(t[0].find("->127.0.0.1:"), std::string::npos) << t[0];
}

TEST(scapSingleIpv6Conn, ClientAndServerTuples) {
    const auto connects = tuples("libs/single_ipv6_conn.scap", KES_EVT_CONNECT);
    EXPECT_NE(std::find(connects.begin(), connects.end(), "2001:db8::4:54405->2001:db8::3:1234"),
              connects.end());
    const auto accepts = tuples("libs/single_ipv6_conn.scap", KES_EVT_ACCEPT);
    ASSERT_EQ(accepts.size(), 1U);
    EXPECT_EQ(accepts[0], "2001:db8::4:54405->2001:db8::3:1234");
}

TEST(scapTestIpv6Client, SendtoLoopback) {
    const auto t = tuples("libs/test_ipv6_client.scap", KES_EVT_SENDTO);
    ASSERT_FALSE(t.empty());
    bool loopback = false;
    for (const auto& s : t) {
        loopback = loopback || s.find("->::1:2345") != std::string::npos;
    }
    EXPECT_TRUE(loopback);
}

} // namespace
} // namespace kestrel::capture::scap
