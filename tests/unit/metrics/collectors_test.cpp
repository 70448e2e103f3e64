#include "metrics/collectors.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace kestrel::metrics {
namespace {

HostPaths fixture(const char* layout) {
    HostPaths paths;
    paths.root = std::string(KESTREL_METRICS_DATA) + "/" + layout;
    paths.clock_ticks = 100;
    return paths;
}

// data/v1 holds files captured from a Debian 12 VM (cgroup v1), with a /proc/self/stat whose
// comm has spaces and parentheses and whose times give a known CPU share.
TEST(Collectors, ResourceUsageFromProcFiles) {
    ResourceUsage r = read_resource_usage(fixture("v1"));
    EXPECT_EQ(r.memory_vsz_kb, 3060u);
    EXPECT_EQ(r.memory_rss_kb, 1672u);
    EXPECT_EQ(r.memory_pss_kb, 186u);
    // MemTotal - MemFree - Buffers - Cached, libs' "used".
    EXPECT_EQ(r.host_memory_used_kb, 24684084u - 21011528u - 21876u - 1979572u);
    EXPECT_EQ(r.host_open_fds, 1292u);
    EXPECT_EQ(r.host_procs_running, 10u);
    // 47 s of CPU (utime 3000 + stime 1700 ticks) over 500 s alive (uptime 1000 s, start at
    // 50000 ticks): 9.4 % of one CPU.
    EXPECT_DOUBLE_EQ(r.cpu_usage_perc, 9.4);
    // 100 - idle / (user+nice+system+idle+iowait+irq+softirq) = 78.05..., one decimal.
    EXPECT_DOUBLE_EQ(r.host_cpu_usage_perc, 78.1);
}

TEST(Collectors, ContainerMemoryCgroupV1UsesOwnMemoryCgroup) {
    EXPECT_EQ(read_container_memory_bytes(fixture("v1")), 242745344u);
}

TEST(Collectors, ContainerMemoryCgroupV2UsesMemoryCurrent) {
    EXPECT_EQ(read_container_memory_bytes(fixture("v2")), 52428800u);
}

TEST(Collectors, ContainerMemoryOverrideFile) {
    HostPaths paths = fixture("v2");
    paths.cgroup_memory_override =
        std::string(KESTREL_METRICS_DATA) + "/v1/sys/fs/cgroup/memory/memory.usage_in_bytes";
    EXPECT_EQ(read_container_memory_bytes(paths), 1547378688u);
    paths.cgroup_memory_override = "/nonexistent/memory.usage_in_bytes";
    EXPECT_EQ(read_container_memory_bytes(paths), 0u);
}

TEST(Collectors, ContainerMemoryFallsBackToLibsPath) {
    HostPaths paths = fixture("v1");
    paths.self = "missing";
    EXPECT_EQ(read_container_memory_bytes(paths), 1547378688u);
}

TEST(Collectors, MissingFilesGiveZeros) {
    HostPaths paths;
    paths.root = "/nonexistent-kestrel-root";
    ResourceUsage r = read_resource_usage(paths);
    EXPECT_EQ(r.memory_rss_kb, 0u);
    EXPECT_EQ(r.host_open_fds, 0u);
    EXPECT_EQ(r.cpu_usage_perc, 0.0);
    HostInfo h = read_host_info(paths);
    EXPECT_EQ(h.num_cpus, 0u);
    EXPECT_TRUE(h.hostname.empty());
}

TEST(Collectors, HostInfo) {
    HostInfo h = read_host_info(fixture("v1"));
    EXPECT_EQ(h.hostname, "fixture-host");
    EXPECT_EQ(h.kernel_release, "6.18.44-fc-v669");
    EXPECT_EQ(h.boot_ts_ns, 1795259378000000000ULL);
    EXPECT_EQ(h.num_cpus, 2u);
    EXPECT_EQ(read_host_info(fixture("v2")).num_cpus, 5u);
}

TEST(Collectors, CpuLists) {
    EXPECT_EQ(count_cpu_list("0"), 1u);
    EXPECT_EQ(count_cpu_list("0-1"), 2u);
    EXPECT_EQ(count_cpu_list("0-3,6,8-9"), 7u);
    EXPECT_EQ(count_cpu_list(""), 0u);
}

TEST(Collectors, Ipv6LikeLibs) {
    const uint8_t addr[16] = {0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                              0x37, 0xa5, 0xf3, 0xc9, 0xff, 0xeb, 0x64, 0xdf};
    EXPECT_EQ(format_ipv6_like_libs(addr), "fe80:0:0:0:37a5:f3c9:ffeb:64df");
}

TEST(Collectors, LiveInterfacesIncludeLoopback) {
    bool lo = false;
    for (const auto& itf : list_interfaces()) {
        if (itf.name == "lo") {
            lo = !itf.ipv4.empty() && itf.ipv4.front() == "127.0.0.1";
        }
    }
    EXPECT_TRUE(lo);
}

TEST(Collectors, Sha256KnownVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Collectors, Sha256File) {
    std::string path = ::testing::TempDir() + "/kestrel_sha_test.yaml";
    {
        std::ofstream out(path, std::ios::binary);
        out << "abc";
    }
    auto digest = sha256_file(path);
    ASSERT_TRUE(digest.ok());
    EXPECT_EQ(*digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    std::remove(path.c_str());
    EXPECT_FALSE(sha256_file(path).ok());
}

} // namespace
} // namespace kestrel::metrics
