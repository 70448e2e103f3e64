// Spool: FIFO order across segments and restarts, the size bound, the crash-safe read offset,
// torn appends cut off at open, and an empty directory once everything is popped.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "output/spool.hpp"

namespace kestrel::output {
namespace {

namespace fs = std::filesystem;

class SpoolTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "kestrel-spool-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        root_ = tmpl;
        dir_ = root_ + "/spool"; // created by the spool
    }
    void TearDown() override { fs::remove_all(root_); }

    std::unique_ptr<Spool> open(uint64_t max_bytes = 1 << 20, uint64_t segment_bytes = 0) {
        auto r = Spool::open({.dir = dir_, .max_bytes = max_bytes, .segment_bytes = segment_bytes});
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
        return r.ok() ? std::move(r).value() : nullptr;
    }

    static std::vector<std::string> drain(Spool& spool) {
        std::vector<std::string> out;
        std::string rec;
        while (spool.front(rec)) {
            out.push_back(rec);
            spool.pop_front();
        }
        return out;
    }

    std::vector<std::string> files() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(dir_)) {
            names.push_back(e.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

    std::string root_;
    std::string dir_;
};

std::string rec(int i) { return "{\"output\":\"alert " + std::to_string(i) + "\"}"; }

TEST_F(SpoolTest, FifoAcrossSegmentsAndTheDirectoryEndsEmpty) {
    auto spool = open(1 << 20, 100); // ~3 records per segment
    for (int i = 0; i < 20; ++i) {
        ASSERT_EQ(spool->append(rec(i)), Spool::AppendResult::kOk);
    }
    EXPECT_EQ(spool->records(), 20U);
    EXPECT_GT(files().size(), 5U); // several segments
    auto got = drain(*spool);
    ASSERT_EQ(got.size(), 20U);
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(got[i], rec(i));
    }
    EXPECT_TRUE(spool->empty());
    EXPECT_EQ(spool->bytes(), 0U);
    EXPECT_TRUE(files().empty());
    // Usable again after emptying.
    ASSERT_EQ(spool->append(rec(99)), Spool::AppendResult::kOk);
    EXPECT_EQ(drain(*spool), std::vector<std::string>{rec(99)});
}

TEST_F(SpoolTest, InterleavedAppendAndPopKeepOrder) {
    auto spool = open(1 << 20, 64);
    std::vector<std::string> got;
    std::string r;
    int next = 0;
    for (int round = 0; round < 10; ++round) {
        for (int k = 0; k < 3; ++k) {
            ASSERT_EQ(spool->append(rec(next++)), Spool::AppendResult::kOk);
        }
        for (int k = 0; k < 2 && spool->front(r); ++k) {
            got.push_back(r);
            spool->pop_front();
        }
    }
    for (auto& s : drain(*spool)) {
        got.push_back(s);
    }
    ASSERT_EQ(got.size(), 30U);
    for (int i = 0; i < 30; ++i) {
        EXPECT_EQ(got[i], rec(i));
    }
    EXPECT_TRUE(files().empty());
}

TEST_F(SpoolTest, ReopenResumesAtTheReadOffset) {
    {
        auto spool = open(1 << 20, 100);
        for (int i = 0; i < 10; ++i) {
            ASSERT_EQ(spool->append(rec(i)), Spool::AppendResult::kOk);
        }
        std::string r;
        for (int i = 0; i < 4; ++i) {
            ASSERT_TRUE(spool->front(r));
            spool->pop_front();
        }
    } // "crash": nothing flushed beyond what the spool wrote itself
    auto spool = open(1 << 20, 100);
    EXPECT_EQ(spool->records(), 6U);
    auto got = drain(*spool);
    ASSERT_EQ(got.size(), 6U);
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(got[i], rec(i + 4));
    }
    EXPECT_TRUE(files().empty());
}

TEST_F(SpoolTest, TornAppendIsCutOffAtOpen) {
    {
        auto spool = open();
        for (int i = 0; i < 3; ++i) {
            ASSERT_EQ(spool->append(rec(i)), Spool::AppendResult::kOk);
        }
    }
    auto names = files();
    ASSERT_EQ(names.size(), 1U);
    const std::string seg = dir_ + "/" + names[0];
    const auto full = fs::file_size(seg);
    // A record header promising more bytes than were written, as a crash mid-write leaves it.
    {
        std::ofstream f(seg, std::ios::binary | std::ios::app);
        const char partial[] = {0x40, 0, 0, 0, 1, 2, 3, 4, 'x', 'y'};
        f.write(partial, sizeof partial);
    }
    auto spool = open();
    EXPECT_EQ(spool->discarded_at_open(), 1U);
    EXPECT_EQ(fs::file_size(seg), full);
    ASSERT_EQ(spool->append(rec(3)), Spool::AppendResult::kOk);
    auto got = drain(*spool);
    EXPECT_EQ(got, (std::vector<std::string>{rec(0), rec(1), rec(2), rec(3)}));
}

TEST_F(SpoolTest, CorruptRecordStopsTheScanThere) {
    {
        auto spool = open();
        for (int i = 0; i < 3; ++i) {
            ASSERT_EQ(spool->append(rec(i)), Spool::AppendResult::kOk);
        }
    }
    const std::string seg = dir_ + "/" + files()[0];
    // Flip a payload byte of the second record: its CRC no longer matches.
    {
        std::fstream f(seg, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(static_cast<std::streamoff>(8 + rec(0).size() + 8 + 2));
        f.put('#');
    }
    auto spool = open();
    EXPECT_EQ(spool->discarded_at_open(), 1U);
    EXPECT_EQ(drain(*spool), std::vector<std::string>{rec(0)});
}

TEST_F(SpoolTest, BoundRefusesWithoutWritingAndFreesSpaceOnceSent) {
    const uint64_t one = 8 + rec(0).size();
    auto spool = open(one * 4, one * 2); // two records per segment, four in all
    for (int i = 0; i < 4; ++i) {
        ASSERT_EQ(spool->append(rec(i)), Spool::AppendResult::kOk);
    }
    EXPECT_EQ(spool->append(rec(4)), Spool::AppendResult::kFull);
    EXPECT_EQ(spool->records(), 4U);
    EXPECT_EQ(spool->bytes(), one * 4);
    // Sending the head segment's two records deletes it and gives its bytes back.
    std::string r;
    for (int i = 0; i < 2; ++i) {
        ASSERT_TRUE(spool->front(r));
        spool->pop_front();
    }
    EXPECT_EQ(spool->bytes(), one * 2);
    EXPECT_EQ(spool->append(rec(4)), Spool::AppendResult::kOk);
    EXPECT_EQ(drain(*spool), (std::vector<std::string>{rec(2), rec(3), rec(4)}));
}

TEST_F(SpoolTest, OffsetFileIsReplacedNotEdited) {
    auto spool = open(1 << 20, 1 << 16);
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(spool->append(rec(i)), Spool::AppendResult::kOk);
    }
    std::string r;
    ASSERT_TRUE(spool->front(r));
    spool->pop_front();
    spool.reset(); // closing persists the offset
    std::ifstream f(dir_ + "/read-offset");
    uint64_t seq = 0;
    uint64_t off = 0;
    f >> seq >> off;
    EXPECT_EQ(seq, 1U);
    EXPECT_EQ(off, 8 + rec(0).size());
    EXPECT_FALSE(fs::exists(dir_ + "/read-offset.tmp"));
}

TEST_F(SpoolTest, CrashResendsAtMostTheUnpersistedPops) {
    // A real crash: a child process fills and half-drains the spool, then _exit()s (no
    // destructor runs; the kernel drops its lock). Only the offset persisted at pop 64 is left.
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        auto spool = Spool::open({.dir = dir_, .max_bytes = 1 << 20, .segment_bytes = 1 << 16});
        bool ok = spool.ok();
        std::string r;
        for (int i = 0; ok && i < 100; ++i) {
            ok = (*spool)->append(rec(i)) == Spool::AppendResult::kOk;
        }
        for (int i = 0; ok && i < 70; ++i) {
            ok = (*spool)->front(r);
            (*spool)->pop_front();
        }
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    auto reopened = open(1 << 20, 1 << 16);
    ASSERT_TRUE(reopened);
    const auto got = drain(*reopened);
    ASSERT_EQ(got.size(), 100U - Spool::kPersistEvery);
    EXPECT_EQ(got.front(), rec(static_cast<int>(Spool::kPersistEvery)));
    EXPECT_EQ(got.back(), rec(99));
}

TEST_F(SpoolTest, StaleOffsetFromAnInterruptedDeleteIsHarmless) {
    {
        auto spool = open(1 << 20, 40); // one record per segment
        for (int i = 0; i < 3; ++i) {
            ASSERT_EQ(spool->append(rec(i)), Spool::AppendResult::kOk);
        }
    }
    // As if the first segment was sent and the offset moved on, but the delete never happened.
    {
        std::ofstream f(dir_ + "/read-offset", std::ios::trunc);
        f << "2 0\n";
    }
    auto spool = open(1 << 20, 40);
    EXPECT_EQ(drain(*spool), (std::vector<std::string>{rec(1), rec(2)}));
    EXPECT_TRUE(files().empty());
}

TEST_F(SpoolTest, OneOwnerAtATime) {
    auto first = open();
    ASSERT_TRUE(first);
    auto second = Spool::open({.dir = dir_, .max_bytes = 1024});
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().to_string().find("in use"), std::string::npos);
    first.reset();
    EXPECT_TRUE(open());
}

TEST_F(SpoolTest, UnusableDirectoryIsAnError) {
    std::ofstream(root_ + "/file") << "x";
    auto r = Spool::open({.dir = root_ + "/file/spool", .max_bytes = 1024});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().to_string().find(root_ + "/file/spool"), std::string::npos);
}

} // namespace
} // namespace kestrel::output
