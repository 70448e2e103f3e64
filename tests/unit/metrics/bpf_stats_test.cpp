#include "metrics/bpf_stats.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace kestrel::metrics {
namespace {

std::string read_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

void write_line(const std::string& path, const std::string& value) {
    std::ofstream out(path);
    out << value << '\n';
}

TEST(BpfStatsTest, SysctlFallbackTurnsOnAndRestores) {
    std::string path = ::testing::TempDir() + "/kestrel_bpf_stats_enabled";
    write_line(path, "0");
    {
        auto stats = BpfStats::enable(path, /*use_bpf_command=*/false);
        ASSERT_TRUE(stats.ok()) << stats.error().to_string();
        EXPECT_EQ((*stats)->method(), "sysctl");
        EXPECT_EQ(read_line(path), "1");
    }
    EXPECT_EQ(read_line(path), "0");
}

TEST(BpfStatsTest, AlreadyOnIsLeftAlone) {
    std::string path = ::testing::TempDir() + "/kestrel_bpf_stats_enabled_on";
    write_line(path, "1");
    {
        auto stats = BpfStats::enable(path, false);
        ASSERT_TRUE(stats.ok());
        EXPECT_EQ((*stats)->method(), "already");
    }
    EXPECT_EQ(read_line(path), "1");
}

TEST(BpfStatsTest, MissingSysctlIsAnError) {
    auto stats = BpfStats::enable("/nonexistent/bpf_stats_enabled", false);
    ASSERT_FALSE(stats.ok());
    EXPECT_NE(stats.error().to_string().find("/nonexistent/bpf_stats_enabled"), std::string::npos);
}

// The host's sysctl: on while held, back to what it was afterwards.
TEST(BpfStatsTest, KernelCommandWhileHeld) {
    const std::string sysctl = "/proc/sys/kernel/bpf_stats_enabled";
    if (geteuid() != 0 || read_line(sysctl).empty()) {
        GTEST_SKIP() << "needs root and " << sysctl;
    }
    std::string before = read_line(sysctl);
    {
        auto stats = BpfStats::enable();
        ASSERT_TRUE(stats.ok()) << stats.error().to_string();
        EXPECT_EQ(read_line(sysctl), "1");
    }
    EXPECT_EQ(read_line(sysctl), before);
}

} // namespace
} // namespace kestrel::metrics
