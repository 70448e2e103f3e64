#include "daemon/initial_state.hpp"

#include <unordered_map>
#include <unordered_set>

#include "base/log.hpp"
#include "base/time.hpp"
#include "gen/kestrel_events.h"

namespace kestrel::daemon {
namespace {

constexpr uint8_t kSockRaw = 3;
constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoIcmpv6 = 58;

state::L4Proto l4proto(const capture::IterFile& f) {
    if (f.sock_type == kSockRaw) {
        return state::L4Proto::kRaw;
    }
    switch (f.protocol) {
    case kProtoTcp:
        return state::L4Proto::kTcp;
    case kProtoUdp:
        return state::L4Proto::kUdp;
    case kProtoIcmp:
    case kProtoIcmpv6:
        return state::L4Proto::kIcmp;
    default:
        return state::L4Proto::kUnknown;
    }
}

// The names the /proc scan gives the objects a path walk cannot name (pipefs, sockfs and
// anon_inode dentries have no path): libsinsp's and /proc/PID/fd's forms.
state::FdSnapshot to_fd(const capture::IterFile& f) {
    using capture::IterFileKind;
    state::FdSnapshot s;
    s.fd = f.fd;
    s.openflags = f.openflags;
    s.dev = f.dev;
    s.ino = f.ino;
    switch (f.kind) {
    case IterFileKind::kRegular:
        s.type = state::FdType::kFile;
        s.name = f.name;
        break;
    case IterFileKind::kDirectory:
        s.type = state::FdType::kDirectory;
        s.name = f.name;
        break;
    case IterFileKind::kPipe:
        s.type = state::FdType::kPipe;
        s.name = "pipe:[" + std::to_string(f.ino) + "]";
        break;
    case IterFileKind::kMemfd:
        s.type = state::FdType::kMemfd;
        s.name = f.name;
        break;
    case IterFileKind::kAnonInode:
        s.type = state::anon_inode_fd_type(f.name);
        s.name = "anon_inode:" + f.name;
        break;
    case IterFileKind::kSocketInet:
    case IterFileKind::kSocketInet6:
    case IterFileKind::kSocketUnix:
        if (!state::socket_fd_from_tuple(f.socktuple, f.listening, l4proto(f), f.name, &s)) {
            s.name = "socket:[" + std::to_string(f.ino) + "]";
        }
        break;
    case IterFileKind::kSocketNetlink:
        s.type = state::FdType::kNetlink;
        s.name = "socket:[" + std::to_string(f.ino) + "]";
        break;
    case IterFileKind::kOther:
        s.name = f.name.empty() ? "socket:[" + std::to_string(f.ino) + "]" : f.name;
        break;
    }
    return s;
}

// Processes /proc lists that the iterators did not report, read from /proc. Measured on this
// project's VMs: the kernel's task iterator never visits pid 1 (a sandbox init whose /proc
// entries even root cannot fully read), with or without a pid filter. Also picks up processes
// started after the iterator passed their pid (their events are in the rings anyway).
void complete_from_proc(std::vector<state::ThreadSnapshot>& threads,
                        const state::ProcScanOptions& options, InitialStateReport* report) {
    // Processes whose leader came out of the iterator (a leader's record dropped as too large
    // leaves its other threads without their process: /proc gives the whole process instead).
    std::unordered_set<int64_t> seen;
    for (const state::ThreadSnapshot& t : threads) {
        if (t.tid == t.pid) {
            seen.insert(t.pid);
        }
    }
    state::ProcScanOptions missing = options;
    for (int64_t pid : state::list_proc_pids(options.proc_root)) {
        if (!seen.contains(pid)) {
            missing.only_pids.push_back(pid);
        }
    }
    if (missing.only_pids.empty()) {
        return;
    }
    state::ProcScanStats stats;
    auto scanned = state::scan_proc(missing, &stats);
    if (!scanned.ok()) {
        return;
    }
    report->completed_processes = stats.processes;
    report->completed_threads = stats.threads;
    report->completed_fds = stats.fds;
    std::erase_if(threads, [&](const state::ThreadSnapshot& t) { return !seen.contains(t.pid); });
    for (state::ThreadSnapshot& t : *scanned) {
        threads.push_back(std::move(t));
    }
}

std::string_view source_name(InitialSource s) {
    switch (s) {
    case InitialSource::kIterator:
        return "the BPF task iterator";
    case InitialSource::kProc:
        return "/proc";
    default:
        return "nowhere";
    }
}

} // namespace

IteratorPreload::IteratorPreload(bool enabled)
    : loaded_(base::make_error(base::ErrorCode::kUnsupported, "iterators not loaded")) {
    if (enabled) {
        thread_ = std::thread([this] { loaded_ = capture::TaskIterators::load(); });
    }
}

IteratorPreload::~IteratorPreload() {
    if (thread_.joinable()) {
        thread_.join();
    }
}

base::Result<capture::IterSnapshot> IteratorPreload::iterate() {
    if (thread_.joinable()) {
        thread_.join();
    }
    if (!loaded_.ok()) {
        return loaded_.error();
    }
    return (*loaded_)->run();
}

std::vector<state::ThreadSnapshot> iter_to_snapshots(const capture::IterSnapshot& snapshot) {
    std::vector<state::ThreadSnapshot> out;
    out.reserve(snapshot.tasks.size());
    std::unordered_map<int64_t, size_t> leader_index;
    for (const capture::IterTask& t : snapshot.tasks) {
        state::ThreadSnapshot s;
        s.tid = t.tid;
        s.pid = t.pid;
        s.ptid = t.ptid;
        s.vtid = t.vtid;
        s.vpid = t.vpid;
        s.sid = t.sid;
        s.pgid = t.pgid;
        s.vpgid = t.vpgid;
        s.comm = t.comm;
        s.uid = t.uid;
        s.gid = t.gid;
        s.loginuid = t.loginuid;
        s.cap_inheritable = t.cap_inheritable;
        s.cap_permitted = t.cap_permitted;
        s.cap_effective = t.cap_effective;
        s.tty = t.tty;
        s.clone_ts = t.start_ts;
        if (t.leader) {
            s.fdlimit = t.fdlimit;
            // argv[0] is proc.exe; the rest, NUL-terminated entries, proc.args.
            size_t nul = t.args_raw.find('\0');
            s.exe = t.args_raw.substr(0, nul);
            if (nul != std::string::npos && nul + 1 < t.args_raw.size()) {
                s.args_raw = t.args_raw.substr(nul + 1);
            }
            s.env_raw = t.env_raw;
            s.cwd = t.cwd;
            s.exepath = t.exepath;
            s.exe_ino = t.exe_ino;
            s.exe_ino_ctime = t.exe_ino_ctime;
            s.exe_ino_mtime = t.exe_ino_mtime;
            s.exe_writable = (t.exe_flags & KES_EXE_WRITABLE) != 0;
            s.exe_upper_layer = (t.exe_flags & KES_EXE_UPPER_LAYER) != 0;
            s.exe_lower_layer = (t.exe_flags & KES_EXE_LOWER_LAYER) != 0;
            s.exe_from_memfd = (t.exe_flags & KES_EXE_FROM_MEMFD) != 0;
            s.cgroups_raw = t.cgroups_raw;
            leader_index[t.pid] = out.size();
        }
        out.push_back(std::move(s));
    }
    for (const capture::IterFile& f : snapshot.files) {
        auto it = leader_index.find(f.pid);
        if (it != leader_index.end()) {
            out[it->second].fds.push_back(to_fd(f));
        }
    }
    return out;
}

InitialStateReport load_initial_state(state::Tables& tables, const InitialStateOptions& options) {
    InitialStateReport report;
    uint64_t start = base::monotonic_ns();
    if (options.use_iterators && options.iterate) {
        auto snapshot = options.iterate();
        if (snapshot.ok()) {
            std::vector<state::ThreadSnapshot> threads = iter_to_snapshots(*snapshot);
            complete_from_proc(threads, options.proc, &report);
            tables.load(threads);
            tables.count_proc_scan(report.completed_threads, report.completed_fds);
            report.source = InitialSource::kIterator;
            report.threads = threads.size();
            for (const state::ThreadSnapshot& t : threads) {
                report.processes += t.tid == t.pid ? 1 : 0;
                report.fds += t.fds.size();
            }
            const capture::IterCounters& c = snapshot->counters;
            report.dropped = c.n_drops_task + c.n_drops_max_event_size;
            for (uint64_t n : c.n_drops_task_file) {
                report.dropped += n;
            }
        } else {
            report.iterator_error = snapshot.error().to_string();
            tables.count_task_iter_failure();
        }
    } else {
        report.iterator_error = "disabled (engine.modern_ebpf.disable_iterators)";
    }
    if (report.source == InitialSource::kNone) {
        auto scanned = state::load_proc(tables, options.proc);
        if (scanned.ok()) {
            report.source = InitialSource::kProc;
            report.processes = scanned->processes;
            report.threads = scanned->threads;
            report.fds = scanned->fds;
            report.vanished = scanned->vanished;
            report.unreadable = scanned->unreadable;
            tables.count_proc_scan(scanned->threads, scanned->fds);
        } else {
            KES_LOG_WARN("initial state not loaded: task iterator: {}; /proc: {}",
                         report.iterator_error, scanned.error().to_string());
        }
    }
    report.elapsed_ns = base::monotonic_ns() - start;
    if (report.source == InitialSource::kIterator) {
        KES_LOG_INFO("initial state from {}: {} processes, {} threads, {} fds ({} records "
                     "dropped; {} processes the iterator did not show read from /proc), {} ms",
                     source_name(report.source), report.processes, report.threads, report.fds,
                     report.dropped, report.completed_processes, report.elapsed_ns / 1000000);
    } else if (report.source == InitialSource::kProc) {
        // Processes exiting during the scan are normal on a busy host: one count, not a line each.
        KES_LOG_INFO("initial state from {} (task iterator not used: {}): {} processes, {} "
                     "threads, {} fds ({} entries vanished mid-scan, {} fd tables unreadable), {} "
                     "ms",
                     source_name(report.source), report.iterator_error, report.processes,
                     report.threads, report.fds, report.vanished, report.unreadable,
                     report.elapsed_ns / 1000000);
    }
    return report;
}

} // namespace kestrel::daemon
