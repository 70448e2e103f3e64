#pragma once
// Collectors: what the snapshot reads from the host itself, from /proc, /sys and cgroup files,
// as libs' resource_utilization and machine_info do. Every path is under HostPaths::root so
// the tests read fixture trees (tests/unit/metrics/data/) instead of the live host.
//
// A missing or malformed file gives zero for its values (libs behaves the same): a metric
// collector must not stop the agent because a container hides /proc/sys.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "metrics/snapshot.hpp"

namespace kestrel::metrics {

struct HostPaths {
    std::string root;                   // "" = the live host; "/fixture" in tests
    std::string self = "self";          // /proc/<self>/..., the agent's own process
    std::string cgroup_memory_override; // Falco's FALCO_CGROUP_MEM_PATH (a file path)
    long clock_ticks = 0;               // USER_HZ; 0 = sysconf(_SC_CLK_TCK)

    // The live host, with FALCO_CGROUP_MEM_PATH honoured.
    static HostPaths live();
    [[nodiscard]] std::string path(std::string_view relative) const; // root + relative
};

// CPU, memory and fd figures (libs' libs_resource_utilization).
ResourceUsage read_resource_usage(const HostPaths& paths);

// The memory the agent's container (its cgroup) uses, in bytes: the override file when set;
// else the agent's own cgroup from /proc/self/cgroup (v1 `memory` controller:
// memory.usage_in_bytes; v2: memory.current); else libs' fixed v1 path
// /sys/fs/cgroup/memory/memory.usage_in_bytes. 0 when none can be read.
uint64_t read_container_memory_bytes(const HostPaths& paths);

// Hostname, kernel release, boot time, online CPUs (libs' scap_machine_info / agent_info).
// Interfaces are left empty: list_interfaces() fills them from the live host.
HostInfo read_host_info(const HostPaths& paths);

// The host's interface addresses (getifaddrs), IPv6 written as libs does: eight groups, no
// `::` compression (fe80:0:0:0:37a5:f3c9:ffeb:64df).
std::vector<InterfaceAddresses> list_interfaces();
std::string format_ipv6_like_libs(const uint8_t (&addr)[16]);

// "0-1,4,6-7" -> 5 (the format of /sys/devices/system/cpu/online).
uint32_t count_cpu_list(std::string_view list);

// SHA-256 (FIPS 180-4), hex-encoded: Falco's falco.sha256_rules_file.* / _config_file.*.
std::string sha256_hex(std::string_view data);
base::Result<std::string> sha256_file(const std::string& path);

} // namespace kestrel::metrics
