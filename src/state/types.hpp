#pragma once
// The records the state tables hold: threads, the per-process data their threads share (fd table,
// cwd, program), fds, users, groups, containers. The evaluator reads them through the query API of
// Tables (tables.hpp); the strings fields are built when the record changes, never per query, so
// proc.cmdline, fd.name, fd.directory... are string_views into these records.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kestrel::state {

// fd kinds, with libsinsp's scap_fd_type meaning (fdinfo.h). The evaluator maps them to fd.type.
enum class FdType : uint8_t {
    kUnknown,
    kFile,
    kDirectory,
    kIpv4Sock,
    kIpv6Sock,
    kUnixSock,
    kPipe,
    kEvent,
    kSignalfd,
    kEventpoll,
    kInotify,
    kTimerfd,
    kNetlink,
    kBpf,
    kUserfaultfd,
    kIoUring,
    kMemfd,
    kPidfd,
};

// fd.typechar, as libsinsp prints it (fdinfo.cpp get_typechar).
char fd_typechar(FdType type);
// fd.type: "file", "ipv4", "unix" ...; empty for kUnknown (Falco shows <NA>).
std::string_view fd_type_name(FdType type);

enum class L4Proto : uint8_t { kUnknown, kTcp, kUdp, kIcmp, kRaw };
// fd.l4proto: "tcp", "udp", "icmp", "raw"; empty when unknown.
std::string_view l4proto_name(L4Proto proto);

enum class SockRole : uint8_t { kNone, kClient, kServer };

// An IPv4 or IPv6 address as the kernel keeps it (network byte order). family 0: unset.
struct IpAddr {
    uint8_t family = 0; // 4 or 6
    std::array<uint8_t, 16> bytes{};

    bool operator==(const IpAddr&) const = default;
};

struct Fd {
    int64_t num = -1;
    FdType type = FdType::kUnknown;
    // PPM open flags (KES_O_*) for files; for sockets, pipes and the rest only KES_O_CLOEXEC and
    // KES_O_NONBLOCK are meaningful. Close-on-exec lives in its own field.
    uint32_t openflags = 0;
    bool cloexec = false;
    uint32_t dev = 0;
    uint64_t ino = 0;

    // fd.name: absolute normalized path for files and directories; "cip:cport->sip:sport" for
    // connected IP sockets, "ip:port" for a bound one; "<src-hex>-><dst-hex> <path>" for unix
    // sockets; the memfd name ("memfd:x") for memfds; empty when unknown.
    std::string name;
    // fd.nameraw: the path as the process passed it.
    std::string nameraw;
    // Offset of the last '/' in name (files), npos when there is none.
    size_t last_slash = std::string::npos;

    // Sockets.
    L4Proto l4proto = L4Proto::kUnknown;
    SockRole role = SockRole::kNone;
    // connect() succeeded or the socket was accepted (libsinsp's FLAGS_SOCKET_CONNECTED): a
    // datagram socket that sendto/recvfrom named is not connected.
    bool connected = false;
    IpAddr sip; // server
    IpAddr cip; // client
    uint16_t sport = 0;
    uint16_t cport = 0;
    uint64_t unix_src = 0;
    uint64_t unix_dst = 0;

    [[nodiscard]] char typechar() const { return fd_typechar(type); }
    [[nodiscard]] bool is_socket() const {
        return type == FdType::kIpv4Sock || type == FdType::kIpv6Sock || type == FdType::kUnixSock;
    }
    [[nodiscard]] bool is_ip_socket() const {
        return type == FdType::kIpv4Sock || type == FdType::kIpv6Sock;
    }
    // fd.directory: the directory itself for a directory fd, the dirname of a file's path.
    [[nodiscard]] std::string_view directory() const;
    // fd.filename: the basename of a file's path; empty for directories and non-files.
    [[nodiscard]] std::string_view filename() const;
    // fd.lip/lport/rip/rport: the local end is the server for a server-role socket.
    [[nodiscard]] const IpAddr& lip() const { return role == SockRole::kServer ? sip : cip; }
    [[nodiscard]] const IpAddr& rip() const { return role == SockRole::kServer ? cip : sip; }
    [[nodiscard]] uint16_t lport() const { return role == SockRole::kServer ? sport : cport; }
    [[nodiscard]] uint16_t rport() const { return role == SockRole::kServer ? cport : sport; }
};

// The state threads of one thread group share: libsinsp keeps the fd table, cwd and env on the
// main thread and has the others read them there (threadinfo.cpp get_fd_table/get_cwd); Kestrel
// gives them one shared object instead, so the main thread may exit before the others.
struct Process {
    int64_t pid = -1;
    int64_t vpid = -1;
    int64_t sid = -1;
    int64_t pgid = -1;
    int64_t vpgid = -1;
    uint32_t tty = 0;
    int64_t fdlimit = -1;

    // Program: replaced by a successful execve.
    std::string exe;      // proc.exe: argv[0]
    std::string exepath;  // proc.exepath: trusted_exepath
    std::string args_raw; // argv[1..], each followed by a NUL
    std::string args;     // proc.args: argv[1..] joined by spaces
    std::string env_raw;  // KEY=VALUE entries, each followed by a NUL
    std::string env;      // proc.env: entries joined by spaces
    std::string cwd;      // proc.cwd, always ending with '/', as libsinsp keeps it
    bool exe_writable = false;
    bool exe_upper_layer = false;
    bool exe_lower_layer = false;
    bool exe_from_memfd = false;
    uint64_t exe_ino = 0;
    uint64_t exe_ino_ctime = 0;
    uint64_t exe_ino_mtime = 0;
    uint64_t lastexec_ts = 0;
    uint64_t pidns_init_start_ts = 0;

    // Container: "host" on the host (container plugin semantics).
    std::string container_id = "host";
    std::string cgroups_raw; // subsys=path entries, each followed by a NUL

    std::unordered_map<int64_t, Fd> fds;
    std::vector<int64_t> tids; // threads in the table that share this process
    int64_t live_threads = 0;  // those of them that have not exited

    // proc.args[i] (0-based); empty when out of range.
    [[nodiscard]] std::string_view arg(size_t i) const;
    [[nodiscard]] size_t arg_count() const;
    // proc.env[KEY]; empty when absent.
    [[nodiscard]] std::string_view env_value(std::string_view key) const;
    // The path of cgroup subsystem `subsys` ("cpu", "memory"...); empty when absent.
    [[nodiscard]] std::string_view cgroup(std::string_view subsys) const;

    // fd lookups cache the last hit: libsinsp's n_cached_fd_lookups counts these.
    int64_t last_fd_num = -1;
    const Fd* last_fd = nullptr;
};

struct Thread {
    int64_t tid = -1;
    int64_t pid = -1;
    int64_t ptid = -1;
    int64_t vtid = -1;
    std::string comm;    // proc.name
    std::string cmdline; // proc.cmdline: comm + " " + args, rebuilt when either changes
    uint32_t uid = 0;    // effective uid (user.uid)
    uint32_t gid = 0;    // effective gid
    uint32_t loginuid = UINT32_MAX;
    uint64_t cap_inheritable = 0;
    uint64_t cap_permitted = 0;
    uint64_t cap_effective = 0;
    uint32_t clone_flags = 0; // KES_CL_* of the clone that made it
    uint64_t clone_ts = 0;    // proc start time: the clone's timestamp (0 from /proc before boot)
    uint64_t last_event_ts = 0;
    bool dead = false; // procexit seen; kept while it has live threads in its group (main thread)
    // Made by the child's clone event (libsinsp's PPM_CL_CLONE_INVERTED): the parent's event,
    // when it comes later, leaves it alone.
    bool from_child_event = false;
    // Made from an event header (a thread first seen mid-life): parent and program unknown
    // until an execve or Tables::enrich() fills them.
    bool partial = false;
    // Children by tid, for reparenting on exit; entries may be stale (a child that already left
    // or was reparented), which users check against the child's ptid.
    std::vector<int64_t> children;
    std::shared_ptr<Process> process;

    [[nodiscard]] bool is_main_thread() const { return tid == pid; }
    // user.loginuid: UINT32_MAX (unset) reads as -1, as in libsinsp.
    [[nodiscard]] int64_t loginuid_signed() const {
        return loginuid == UINT32_MAX ? -1 : static_cast<int64_t>(loginuid);
    }
};

struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::string name;
    std::string home;
    std::string shell;
};

struct Group {
    uint32_t gid = 0;
    std::string name;
};

// One mount of a container, as a runtime (or an old capture's container JSON) describes it.
struct ContainerMount {
    std::string source;
    std::string dest;
    std::string mode;
    bool rdwr = false;
    std::string propagation;
};

// container.* without a runtime connection: the id and type come from the cgroup path; name,
// image and the rest need a runtime client and stay empty (Falco's container plugin fills them
// asynchronously too, and shows <NA> until then).
struct Container {
    std::string id;   // 12-char short id ("host" for the host)
    std::string type; // docker, containerd, cri-o, podman, lxc, libvirt-lxc, host
    std::string full_id;
    std::string name;
    std::string image;
    std::string image_id;
    std::string image_digest;
    std::string ip;
    std::string cni_json;
    // Unknown until a runtime (or an old capture's `container` JSON event) says:
    // container.privileged is then absent rather than false, as in Falco.
    std::optional<bool> privileged;
    std::optional<bool> host_pid;
    std::optional<bool> host_network;
    std::optional<bool> host_ipc;
    std::vector<ContainerMount> mounts;
    // Sorted by key, as the plugin's std::map: container.labels lists them in this order.
    // k8s.pod.name / k8s.ns.name / k8s.pod.uid are the CRI labels io.kubernetes.pod.*.
    std::vector<std::pair<std::string, std::string>> labels;
    std::string pod_sandbox_id;
    std::vector<std::pair<std::string, std::string>> pod_sandbox_labels; // sorted by key
    uint64_t first_seen_ts = 0;
    int64_t processes = 0; // processes in the table that belong to it
};

// Falco's state counters (falco-compat.md §8.1), plus Kestrel's reasons for events that state
// could not use. Monotonic unless marked as a gauge.
struct Counters {
    uint64_t n_threads = 0; // gauge
    uint64_t n_fds = 0;     // gauge
    uint64_t n_added_threads = 0;
    uint64_t n_added_fds = 0;
    uint64_t n_removed_threads = 0;
    uint64_t n_removed_fds = 0;
    uint64_t n_cached_thread_lookups = 0;
    uint64_t n_noncached_thread_lookups = 0;
    uint64_t n_failed_thread_lookups = 0;
    uint64_t n_cached_fd_lookups = 0;
    uint64_t n_noncached_fd_lookups = 0;
    uint64_t n_failed_fd_lookups = 0;
    uint64_t n_drops_full_threadtable = 0;
    uint64_t n_containers = 0; // gauge

    // Kestrel's own.
    uint64_t n_drops_full_fdtable = 0; // fd beyond the process's fdlimit or the table cap
    uint64_t n_missing_thread = 0;     // an event of a thread state does not know
    uint64_t n_bad_event = 0;          // a record without the parameters its parser needs
    uint64_t n_purged_threads = 0;     // removed by purge() (timeouts, dead main threads)
    uint64_t n_tid_collisions = 0;     // a new thread replaced a stale one with the same tid
    uint64_t n_reparented_threads = 0; // children moved to a reaper at their parent's exit
    uint64_t n_proc_scan_vanished = 0; // /proc entries gone between listing and reading
    // Initial state: threads and fds loaded from the /proc scan (those from the BPF iterators are
    // Falco's scap.n_evts_task / n_evts_task_file_*), and iterator runs that failed (the scan
    // replaced them).
    uint64_t n_proc_scan_threads = 0;
    uint64_t n_proc_scan_fds = 0;
    uint64_t n_task_iter_failures = 0;

    // Calls fn(name, value, is_gauge) for each counter, with the names metrics publish (Falco's
    // for the first group: the snapshot prefixes them with "falco.").
    template <typename Fn> void visit(Fn&& fn) const {
        fn("n_threads", n_threads, true);
        fn("n_fds", n_fds, true);
        fn("n_added_threads", n_added_threads, false);
        fn("n_added_fds", n_added_fds, false);
        fn("n_removed_threads", n_removed_threads, false);
        fn("n_removed_fds", n_removed_fds, false);
        fn("n_cached_thread_lookups", n_cached_thread_lookups, false);
        fn("n_noncached_thread_lookups", n_noncached_thread_lookups, false);
        fn("n_failed_thread_lookups", n_failed_thread_lookups, false);
        fn("n_cached_fd_lookups", n_cached_fd_lookups, false);
        fn("n_noncached_fd_lookups", n_noncached_fd_lookups, false);
        fn("n_failed_fd_lookups", n_failed_fd_lookups, false);
        fn("n_drops_full_threadtable", n_drops_full_threadtable, false);
        fn("n_containers", n_containers, true);
        fn("n_drops_full_fdtable", n_drops_full_fdtable, false);
        fn("n_missing_thread", n_missing_thread, false);
        fn("n_bad_event", n_bad_event, false);
        fn("n_purged_threads", n_purged_threads, false);
        fn("n_tid_collisions", n_tid_collisions, false);
        fn("n_reparented_threads", n_reparented_threads, false);
        fn("n_proc_scan_vanished", n_proc_scan_vanished, false);
        fn("n_proc_scan_threads", n_proc_scan_threads, false);
        fn("n_proc_scan_fds", n_proc_scan_fds, false);
        fn("n_task_iter_failures", n_task_iter_failures, false);
    }
};

// Plain records to load state from a source other than events: the /proc scan, a BPF task
// iterator, a capture file's process and fd lists (src/capture/scap/). Field meanings as in
// Thread/Process/Fd; a snapshot of a non-main thread needs only the thread fields (the process
// part comes from its main thread).
struct FdSnapshot {
    int64_t fd = -1;
    FdType type = FdType::kUnknown;
    uint32_t openflags = 0; // PPM (KES_O_*) flags
    std::string name;       // path for files; left as given for others when no tuple is known
    uint32_t dev = 0;
    uint64_t ino = 0;
    L4Proto l4proto = L4Proto::kUnknown;
    SockRole role = SockRole::kNone;
    IpAddr sip;
    IpAddr cip;
    uint16_t sport = 0;
    uint16_t cport = 0;
    uint64_t unix_src = 0;
    uint64_t unix_dst = 0;
};

struct ThreadSnapshot {
    int64_t tid = -1;
    int64_t pid = -1;
    int64_t ptid = -1;
    int64_t vtid = -1;
    int64_t vpid = -1;
    int64_t sid = -1;
    int64_t pgid = -1;
    int64_t vpgid = -1;
    std::string comm;
    std::string exe;
    std::string exepath;
    std::vector<std::string> args; // argv[1..]
    std::vector<std::string> env;
    std::string cwd;
    uint32_t uid = 0;
    uint32_t gid = 0;
    uint32_t loginuid = UINT32_MAX;
    uint64_t cap_inheritable = 0;
    uint64_t cap_permitted = 0;
    uint64_t cap_effective = 0;
    uint32_t tty = 0;
    int64_t fdlimit = -1;
    uint64_t clone_ts = 0;
    uint64_t exe_ino = 0;
    uint64_t exe_ino_ctime = 0;
    uint64_t exe_ino_mtime = 0;
    bool exe_writable = false;
    bool exe_upper_layer = false;
    bool exe_lower_layer = false;
    bool exe_from_memfd = false;
    std::vector<std::string> cgroups; // "subsys=path"
    // The same three in their NUL-separated form (each entry followed by a NUL), as capture
    // files and event parameters carry them; when not empty they are used instead of the vectors.
    std::string args_raw;
    std::string env_raw;
    std::string cgroups_raw;
    std::vector<FdSnapshot> fds; // for a main thread: the process's fds
};

} // namespace kestrel::state
