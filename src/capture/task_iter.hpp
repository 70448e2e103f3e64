#pragma once
// Initial state from the kernel: the BPF task and task_file iterators (bpf/iter/), read once at
// start-up. Loads bpf/iter/kestrel_iter.bpf.o, runs each iterator to the end, frees everything.
// The records are decoded into plain structs here; the daemon turns them into the state's
// snapshots (capture does not depend on state). A kernel without the iterators, or a refused
// load, is an error the caller answers with the /proc scan.
//
// Owning thread: any (start-up only); nothing here is shared.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"

struct kestrel_iter_bpf; // the generated skeleton (kestrel_iter.skel.h)

namespace kestrel::capture {

// One thread (kes_iter_task_param in bpf/iter/kestrel_iter.h). The process fields (exe..cgroups,
// fdlimit) are set for group leaders only.
struct IterTask {
    int64_t tid = -1;
    int64_t pid = -1;
    int64_t ptid = -1;
    int64_t vtid = -1;
    int64_t vpid = -1;
    int64_t sid = -1;
    int64_t pgid = -1;
    int64_t vpgid = -1;
    std::string comm;
    uint32_t uid = 0;
    uint32_t gid = 0;
    uint32_t loginuid = UINT32_MAX;
    uint64_t cap_inheritable = 0;
    uint64_t cap_permitted = 0;
    uint64_t cap_effective = 0;
    uint32_t tty = 0;
    int64_t fdlimit = -1;
    uint64_t start_ts = 0; // boot-time ns
    bool kthread = false;
    bool leader = false;
    bool mm_unread = false; // args/env could not be read
    bool truncated = false; // a parameter was cut
    uint64_t exe_ino = 0;
    uint64_t exe_ino_ctime = 0;
    uint64_t exe_ino_mtime = 0;
    uint32_t exe_flags = 0; // KES_EXE_*
    std::string exepath;
    std::string args_raw; // argv[0..], each entry followed by a NUL
    std::string env_raw;  // entries each followed by a NUL
    std::string cwd;
    std::string cgroups_raw; // "subsys=path" entries each followed by a NUL
};

// File kinds: Falco's nine task_file counter kinds (metrics::kTaskFileKinds order), then other.
enum class IterFileKind : uint8_t {
    kPipe,
    kMemfd,
    kRegular,
    kDirectory,
    kSocketInet,
    kSocketInet6,
    kSocketUnix,
    kSocketNetlink,
    kAnonInode,
    kOther,
};
inline constexpr size_t kIterFileKinds = 10;
inline constexpr size_t kIterFalcoFileKinds = 9; // the ones Falco counts

// One fd of one process (kes_iter_file_param).
struct IterFile {
    int64_t pid = -1;
    int64_t fd = -1;
    IterFileKind kind = IterFileKind::kOther;
    uint32_t openflags = 0; // PPM (KES_O_*), KES_O_CLOEXEC from the fd table
    uint32_t dev = 0;
    uint64_t ino = 0;
    std::string name;               // path, bare pseudo name, or a unix socket's own path
    std::vector<uint8_t> socktuple; // the live probe's socktuple layout, local side first
    uint8_t family = 0;             // sockets: AF_*
    uint8_t sock_type = 0;          // SOCK_STREAM, SOCK_DGRAM, SOCK_RAW ...
    uint8_t protocol = 0;           // IPPROTO_*
    bool listening = false;         // TCP_LISTEN
    bool truncated = false;
};

// Falco's kernel_iter_event_counters (scap.n_evts_task, n_evts_task_file_<kind>,
// n_drops_max_event_size, n_drops_task, n_drops_task_file_<kind>), plus the records this reader
// could not decode.
struct IterCounters {
    uint64_t n_evts_task = 0;
    std::array<uint64_t, kIterFileKinds> n_evts_task_file{};
    uint64_t n_drops_max_event_size = 0;
    uint64_t n_drops_task = 0;
    std::array<uint64_t, kIterFileKinds> n_drops_task_file{};
    uint64_t n_bad_records = 0;
};

struct IterSnapshot {
    std::vector<IterTask> tasks;
    std::vector<IterFile> files;
    IterCounters counters;
    // Where the time went (monotonic ns): open + verify + load, the task walk, the file walk.
    uint64_t load_ns = 0;
    uint64_t task_ns = 0;
    uint64_t file_ns = 0;
};

struct TaskIterOptions {
    bool read_files = true;
};

// The loaded iterator programs. Loading (BTF relocations, the verifier) is the slow part, a few
// hundred ms on a busy 2-CPU VM while the walks take a few ms: load() can run on another thread
// while the caller does something else (the daemon: loading rules), run() later.
class TaskIterators {
  public:
    static base::Result<std::unique_ptr<TaskIterators>> load();
    ~TaskIterators();
    TaskIterators(const TaskIterators&) = delete;
    TaskIterators& operator=(const TaskIterators&) = delete;

    // Reads every thread, then every fd of the host (a fresh walk at each call).
    base::Result<IterSnapshot> run(const TaskIterOptions& options = {});

  private:
    TaskIterators() = default;
    kestrel_iter_bpf* skel_ = nullptr;
    uint64_t load_ns_ = 0;
};

// load() then run(); everything is freed on return.
base::Result<IterSnapshot> run_task_iterators(const TaskIterOptions& options = {});

// Decodes consecutive iterator records from `data` into `out` (counting them in out->counters).
// Returns the bytes consumed: a record cut at the end of `data` is left for the next call. A
// malformed record (length smaller than its header, unknown type, lengths past its end) is
// counted in n_bad_records; the rest of `data` is then unusable and consumed.
size_t decode_iter_records(std::span<const uint8_t> data, IterSnapshot* out);

// The counters of the last run_task_iterators() of this process (zero before), for the metrics
// (start-up writes them once, before the metrics start).
IterCounters last_iter_counters();

} // namespace kestrel::capture
