#pragma once
// The initial state of a live host from /proc: every thread of every process, with its process's
// fds, cwd, exe, cgroups. Produces plain ThreadSnapshot records (types.hpp), the same that a BPF
// task iterator or a capture file would give, for Tables::load(). Processes may vanish at any
// point of the scan: whatever cannot be read is skipped and counted.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "state/types.hpp"

namespace kestrel::state {

struct ProcScanOptions {
    std::string proc_root = "/proc";
    bool read_fds = true;
    bool read_env = true;
    // Resolve socket inodes against <proc_root>/net/{tcp,tcp6,udp,udp6,raw,raw6,unix} (the
    // scanner's network namespace; sockets of other namespaces stay unresolved).
    bool resolve_sockets = true;
    // Only this process (tests, re-reading one process); -1: all.
    int64_t only_pid = -1;
    // Only these processes, when not empty (what the task iterators did not show); the socket
    // tables are read once for all of them.
    std::vector<int64_t> only_pids;
};

struct ProcScanStats {
    uint64_t processes = 0;
    uint64_t threads = 0;
    uint64_t fds = 0;
    uint64_t vanished = 0;   // entries gone between listing and reading
    uint64_t unreadable = 0; // fd tables listed but not readable (EACCES), their fds skipped
};

// Fails only when proc_root itself cannot be listed.
base::Result<std::vector<ThreadSnapshot>> scan_proc(const ProcScanOptions& options,
                                                    ProcScanStats* stats = nullptr);

// One process (all its threads); an error when it does not exist.
base::Result<std::vector<ThreadSnapshot>> scan_proc_pid(int64_t pid,
                                                        const ProcScanOptions& options = {});

class Tables;

// Scans /proc and loads the result into `tables` (live-mode start-up), counting what vanished
// mid-scan in the tables' n_proc_scan_vanished.
base::Result<ProcScanStats> load_proc(Tables& tables, const ProcScanOptions& options = {});

// The process ids <proc_root> lists (no thread is read).
std::vector<int64_t> list_proc_pids(const std::string& proc_root = "/proc");

// Whether /proc/<tid> still exists: the liveness check for Tables::purge() in live mode.
bool proc_alive(int64_t tid, const std::string& proc_root = "/proc");

// Linux open(2) flags (fdinfo "flags:") to PPM open flags (KES_O_*).
uint32_t open_flags_to_ppm(uint32_t linux_flags);

// The fd type of an anonymous inode from its name, "[eventfd]" or "inotify" (what follows
// "anon_inode:" in /proc/PID/fd): kUnknown when not one the state models.
FdType anon_inode_fd_type(std::string_view kind);

// Fills a socket's FdSnapshot from the live probe's socktuple (schema/README.md packing, local
// side first; AF_UNIX: peer, socket, peer's path), as the BPF task_file iterator reports it. A
// listening socket becomes a server end; any other IP socket a client (Tables::load() turns the
// accepted ones, whose local port a loaded socket listens on, into server ends, as for /proc).
// `own_path` is a unix socket's own bound path, its name when the peer has none. False when the
// tuple cannot be read.
bool socket_fd_from_tuple(std::span<const uint8_t> tuple, bool listening, L4Proto proto,
                          std::string_view own_path, FdSnapshot* f);

} // namespace kestrel::state
