#pragma once
// Plain data read from the metadata blocks of a scap file: machine, threads, fds, users, groups,
// network interfaces. Fields a block version lacks keep their defaults; `has_*` flags say which
// optional parts a given entry carried. Strings are copied out of the file (no NUL padding).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace kestrel::capture::scap {

struct MachineInfo {
    bool present = false;
    uint32_t num_cpus = 0;
    uint64_t memory_size_bytes = 0;
    uint64_t max_pid = 0;
    std::string hostname;
    uint64_t boot_ts_epoch_ns = 0; // 0 when the writer did not know it
    uint64_t flags = 0;
};

// One thread of the process list (PL_V1..PL_V9). Args, env and cgroups keep their on-disk
// NUL-separated form (each entry followed by a NUL), as the record parameters do.
struct ProcessEntry {
    uint32_t block_version = 0; // 1..9
    uint64_t tid = 0;
    uint64_t pid = 0;
    uint64_t ptid = 0;
    uint64_t sid = 0;   // V6+
    uint64_t vpgid = 0; // V8+
    std::string comm;
    std::string exe;     // argv[0]
    std::string exepath; // V7+: the executable's path
    std::string args;
    std::string cwd;
    uint64_t fdlimit = 0;
    uint32_t flags = 0;
    uint32_t uid = 0;
    uint32_t gid = 0;
    // V2+
    uint32_t vmsize_kb = 0;
    uint32_t vmrss_kb = 0;
    uint32_t vmswap_kb = 0;
    uint64_t pfmajor = 0;
    uint64_t pfminor = 0;
    std::string env; // V3+
    // V4+
    int64_t vtid = -1;
    int64_t vpid = -1;
    std::string cgroups;
    std::string root; // V5+
    // V9 tail, each present only when the entry is long enough.
    uint64_t pidns_init_start_ts = 0;
    uint32_t tty = 0;
    uint32_t loginuid = UINT32_MAX; // libscap's default when absent
    bool exe_writable = false;
    uint64_t cap_inheritable = 0;
    uint64_t cap_permitted = 0;
    uint64_t cap_effective = 0;
    bool exe_upper_layer = false;
    uint64_t exe_ino = 0;
    uint64_t exe_ino_ctime = 0;
    uint64_t exe_ino_mtime = 0;
    bool exe_from_memfd = false;
    bool exe_lower_layer = false;
    int64_t pgid = -1;
    bool has_caps = false; // the V9 tail carried the capability sets
};

// libscap's scap_fd_type values as stored in FD list blocks.
enum class FdType : uint8_t {
    kUnknown = 0,
    kFile = 1,
    kDirectory = 2,
    kIpv4Sock = 3,
    kIpv6Sock = 4,
    kIpv4ServSock = 5,
    kIpv6ServSock = 6,
    kFifo = 7,
    kUnixSock = 8,
    kEvent = 9,
    kUnsupported = 10,
    kSignalfd = 11,
    kEventpoll = 12,
    kInotify = 13,
    kTimerfd = 14,
    kNetlink = 15,
    kFileV2 = 16,
    kBpf = 17,
    kUserfaultfd = 18,
    kIoUring = 19,
    kMemfd = 20,
    kPidfd = 21,
};

// One fd of one thread. Which fields are meaningful depends on `type`:
//   IPv4/IPv6 sockets: sip/dip/sport/dport/l4proto (IPv4 addresses in the first 4 bytes,
//     network byte order as on disk); servers: sip/sport/l4proto only;
//   unix sockets: unix_source/unix_dest/name (the path);
//   FILE_V2: open_flags (PPM bits), name, dev (when present);
//   every other type: name.
struct FdEntry {
    uint64_t tid = 0;
    int64_t fd = 0;
    uint64_t ino = 0;
    FdType type = FdType::kUnknown;
    uint8_t raw_type = 0; // as on disk, also when unknown
    std::string name;
    uint32_t open_flags = 0;
    uint32_t dev = 0;
    bool has_dev = false;
    std::array<uint8_t, 16> sip{};
    std::array<uint8_t, 16> dip{};
    uint16_t sport = 0;
    uint16_t dport = 0;
    uint8_t l4proto = 0;
    uint64_t unix_source = 0;
    uint64_t unix_dest = 0;
};

struct UserEntry {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::string name;
    std::string home;
    std::string shell;
};

struct GroupEntry {
    uint32_t gid = 0;
    std::string name;
};

struct InterfaceEntry {
    bool ipv6 = false;
    bool has_linkspeed = false;
    std::array<uint8_t, 16> addr{}; // IPv4: first 4 bytes, network byte order
    std::array<uint8_t, 16> netmask{};
    std::array<uint8_t, 16> bcast{};
    uint64_t linkspeed = 0;
    std::string name;
};

} // namespace kestrel::capture::scap
