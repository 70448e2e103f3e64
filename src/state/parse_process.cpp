// Process events: clone/clone3/fork/vfork, execve/execveat, procexit, credentials; and loading a
// thread from a snapshot. Semantics follow libsinsp's parsers.cpp (parse_clone_exit_caller,
// parse_clone_exit_child, parse_execve_exit, the procexit handling of the thread manager).

#include <algorithm>

#include "gen/kestrel_events.h"
#include "state/internal.hpp"
#include "state/parsers.hpp"

namespace kestrel::state {
namespace {

// A child entry younger than this, when the child's own clone event arrives, was made by the
// parent's event for the same clone (libsinsp CLONE_STALE_TIME_NS).
constexpr uint64_t kCloneStaleNs = 2ULL * 1000 * 1000 * 1000;

void set_cwd(Process& process, std::string_view cwd) {
    if (cwd.empty()) {
        return;
    }
    detail::join_path("/", cwd, process.cwd);
    if (process.cwd.back() != '/') {
        process.cwd.push_back('/');
    }
}

void set_args(Process& process, std::span<const uint8_t> args) {
    detail::assign_entries(args, process.args_raw);
    detail::join_entries(process.args_raw, process.args);
}

void set_env(Process& process, std::span<const uint8_t> env) {
    detail::assign_entries(env, process.env_raw);
    detail::join_entries(process.env_raw, process.env);
}

// The program part of a process that a fork child inherits (the fd table is copied apart).
void copy_program(const Process& from, Process& to) {
    to.sid = from.sid;
    to.pgid = from.pgid;
    to.vpgid = from.vpgid;
    to.tty = from.tty;
    to.fdlimit = from.fdlimit;
    to.exe = from.exe;
    to.exepath = from.exepath;
    to.args_raw = from.args_raw;
    to.args = from.args;
    to.env_raw = from.env_raw;
    to.env = from.env;
    to.cwd = from.cwd;
    to.exe_writable = from.exe_writable;
    to.exe_upper_layer = from.exe_upper_layer;
    to.exe_lower_layer = from.exe_lower_layer;
    to.exe_from_memfd = from.exe_from_memfd;
    to.exe_ino = from.exe_ino;
    to.exe_ino_ctime = from.exe_ino_ctime;
    to.exe_ino_mtime = from.exe_ino_mtime;
    to.pidns_init_start_ts = from.pidns_init_start_ts;
    to.container_id = from.container_id;
    to.cgroups_raw = from.cgroups_raw;
}

// Thread fields a child takes from the thread that created it.
void copy_credentials(const Thread& from, Thread& to) {
    to.uid = from.uid;
    to.gid = from.gid;
    to.loginuid = from.loginuid;
    to.cap_inheritable = from.cap_inheritable;
    to.cap_permitted = from.cap_permitted;
    to.cap_effective = from.cap_effective;
}

} // namespace

void Parsers::rebuild_cmdline(Thread& thread) {
    thread.cmdline.assign(thread.comm);
    if (thread.process && !thread.process->args.empty()) {
        thread.cmdline.push_back(' ');
        thread.cmdline.append(thread.process->args);
    }
}

// ---- clone ----------------------------------------------------------------------------------

void Parsers::clone(Tables& t, const event::View& evt) {
    if (!evt.has_param(KES_P_CLONE_RES)) {
        // Without the result, parent and child cannot be told apart.
        ++t.counters_.n_bad_event;
        return;
    }
    int64_t res = evt.param_int64(KES_P_CLONE_RES);
    if (res < 0) {
        // Failed: only the caller's entry matters.
        t.event_thread(evt);
        return;
    }
    auto flags = static_cast<uint32_t>(evt.param_uint(KES_P_CLONE_FLAGS));
    bool is_thread = (flags & KES_CL_CLONE_THREAD) != 0;
    uint64_t ts = evt.ts_ns();

    int64_t child_tid = 0;
    Thread* caller = nullptr;
    int64_t pid = 0;
    int64_t ptid = 0;
    if (res == 0) {
        // The child's own event: its header tid is the child, params carry pid/ptid.
        child_tid = evt.tid();
        if (Thread* existing = t.lookup(child_tid);
            existing != nullptr && existing->clone_ts != 0 && ts >= existing->clone_ts &&
            ts - existing->clone_ts < kCloneStaleNs) {
            existing->last_event_ts = ts;
            return; // made by the parent's event moments ago
        }
        pid = evt.has_param(KES_P_CLONE_PID) ? evt.param_int64(KES_P_CLONE_PID) : evt.pid();
        ptid = evt.param_int64(KES_P_CLONE_PTID);
        caller = t.lookup(is_thread ? pid : ptid);
    } else {
        // The parent's event. In a child pid namespace `res` is a namespaced tid, useless in the
        // host table: libsinsp leaves those to the child's event, and so does Kestrel; also
        // vfork, whose child may run (and exit) before the parent returns.
        caller = t.event_thread(evt);
        if (caller == nullptr) {
            return;
        }
        if ((flags & (KES_CL_CHILD_IN_PIDNS | KES_CL_CLONE_NEWPID | KES_CL_CLONE_PARENT |
                      KES_CL_CLONE_VFORK)) != 0 ||
            evt.type() == KES_EVT_VFORK || caller->vtid != caller->tid) {
            return;
        }
        child_tid = res;
        if (Thread* existing = t.lookup(child_tid);
            existing != nullptr && existing->from_child_event) {
            return; // the child's event came first and did the work
        }
        if (is_thread) {
            pid = caller->pid;
            ptid = caller->ptid;
        } else {
            pid = child_tid;
            ptid = caller->tid;
        }
    }

    // The caller may be erased as a stale entry with the child's tid; keep what we need.
    std::shared_ptr<Process> caller_process = caller != nullptr ? caller->process : nullptr;
    Thread caller_copy;
    if (caller != nullptr) {
        copy_credentials(*caller, caller_copy);
    }
    bool have_caller = caller != nullptr;

    Thread* child = t.add_thread(child_tid);
    if (child == nullptr) {
        return;
    }
    child->pid = pid;
    child->ptid = ptid;
    child->clone_flags = flags;
    child->clone_ts = ts;
    child->last_event_ts = ts;
    child->from_child_event = res == 0;
    if (res == 0 && evt.has_param(KES_P_CLONE_VTID)) {
        child->vtid = evt.param_int64(KES_P_CLONE_VTID);
    } else {
        child->vtid = child_tid;
    }
    if (have_caller) {
        copy_credentials(caller_copy, *child);
    }
    if (evt.has_param(KES_P_CLONE_UID)) {
        child->uid = static_cast<uint32_t>(evt.param_uint(KES_P_CLONE_UID));
    }
    if (evt.has_param(KES_P_CLONE_GID)) {
        child->gid = static_cast<uint32_t>(evt.param_uint(KES_P_CLONE_GID));
    }
    std::string_view comm = evt.param_string(KES_P_CLONE_COMM);
    child->comm.assign(comm.empty() ? evt.param_string(KES_P_CLONE_EXE) : comm);

    std::shared_ptr<Process> process;
    if (is_thread) {
        // Threads share the process (fd table, cwd, program) of their group.
        if (caller_process && caller_process->pid == pid) {
            process = caller_process;
        } else {
            process = t.group_process(pid, comm.empty() ? evt.comm() : comm);
        }
    }
    bool fresh = !process;
    if (fresh) {
        // A new process copies its parent's fds, cwd and program, whatever CLONE_FILES says:
        // libsinsp does the same (parse_clone_exit_caller explains why), and the child of a
        // CLONE_FILES clone without CLONE_THREAD is rare.
        process = t.new_process(pid);
        if (caller_process) {
            copy_program(*caller_process, *process);
            t.copy_fds(*caller_process, *process);
        }
        process->vpid =
            res == 0 && evt.has_param(KES_P_CLONE_VPID) ? evt.param_int64(KES_P_CLONE_VPID) : pid;
        if (evt.has_param(KES_P_CLONE_PIDNS_INIT_START_TS)) {
            process->pidns_init_start_ts = evt.param_uint(KES_P_CLONE_PIDNS_INIT_START_TS);
        }
    }
    Process& p = *process;
    if (fresh || !is_thread) {
        if (evt.has_param(KES_P_CLONE_EXE)) {
            p.exe.assign(evt.param_string(KES_P_CLONE_EXE));
        }
        if (evt.has_param(KES_P_CLONE_ARGS)) {
            set_args(p, evt.param(KES_P_CLONE_ARGS));
        }
        set_cwd(p, evt.param_string(KES_P_CLONE_CWD));
        if (evt.has_param(KES_P_CLONE_FDLIMIT)) {
            p.fdlimit = evt.param_int64(KES_P_CLONE_FDLIMIT);
        }
        if (evt.has_param(KES_P_CLONE_CGROUPS)) {
            t.set_container(p, evt.param(KES_P_CLONE_CGROUPS), ts);
        }
    }
    t.attach_process(*child, std::move(process));
    t.counters_.n_containers = t.containers_.size();
    rebuild_cmdline(*child);
    t.add_child(child->ptid, child_tid);
}

// ---- execve ---------------------------------------------------------------------------------

void Parsers::execve(Tables& t, const event::View& evt) {
    Thread* thread = t.event_thread(evt);
    if (!evt.has_param(KES_P_EXECVE_RES)) {
        ++t.counters_.n_bad_event;
        return;
    }
    if (thread == nullptr || evt.param_int64(KES_P_EXECVE_RES) < 0) {
        return;
    }
    uint64_t ts = evt.ts_ns();
    if (thread->dead) {
        // A non-main thread exec'd after the main thread exited: the kernel gave it the main
        // thread's tid, which comes back to life (libsinsp resurrect_thread).
        thread->dead = false;
        if (thread->process) {
            ++thread->process->live_threads;
        }
    }
    if (!thread->process) {
        t.attach_process(*thread, t.new_process(thread->pid));
    }
    Process& p = *thread->process;

    // The kernel kills every other thread of the group on exec (de_thread).
    if (p.tids.size() > 1) {
        std::vector<int64_t> others;
        for (int64_t tid : p.tids) {
            if (tid != thread->tid) {
                others.push_back(tid);
            }
        }
        for (int64_t tid : others) {
            t.erase_thread(tid);
        }
        thread = t.lookup(evt.tid());
    }

    p.exe.assign(evt.param_string(KES_P_EXECVE_EXE));
    std::string_view comm = evt.param_string(KES_P_EXECVE_COMM);
    thread->comm.assign(comm.empty() ? std::string_view(p.exe) : comm);
    set_args(p, evt.param(KES_P_EXECVE_ARGS));
    if (evt.has_param(KES_P_EXECVE_PID)) {
        thread->pid = evt.param_int64(KES_P_EXECVE_PID);
        p.pid = thread->pid;
    }
    thread->partial = false; // an execve says all a /proc read would
    if (thread->ptid < 0 && evt.has_param(KES_P_EXECVE_PTID)) {
        // An entry made from a bare header: the execve tells who the parent is.
        thread->ptid = evt.param_int64(KES_P_EXECVE_PTID);
        t.add_child(thread->ptid, thread->tid);
    }
    set_cwd(p, evt.param_string(KES_P_EXECVE_CWD));
    if (evt.has_param(KES_P_EXECVE_FDLIMIT)) {
        p.fdlimit = static_cast<int64_t>(evt.param_uint(KES_P_EXECVE_FDLIMIT));
    }
    if (evt.has_param(KES_P_EXECVE_ENV)) {
        set_env(p, evt.param(KES_P_EXECVE_ENV));
    }
    if (evt.has_param(KES_P_EXECVE_CGROUPS)) {
        t.set_container(p, evt.param(KES_P_EXECVE_CGROUPS), ts);
    }
    if (evt.has_param(KES_P_EXECVE_TTY)) {
        p.tty = static_cast<uint32_t>(evt.param_uint(KES_P_EXECVE_TTY));
    }
    if (evt.has_param(KES_P_EXECVE_TRUSTED_EXEPATH)) {
        p.exepath.assign(evt.param_string(KES_P_EXECVE_TRUSTED_EXEPATH));
    } else if (evt.type() == KES_EVT_EXECVE && evt.has_param(KES_P_EXECVE_FILENAME)) {
        // Older probes: the path passed to execve, made absolute against the cwd.
        detail::join_path(p.cwd, evt.param_string(KES_P_EXECVE_FILENAME), p.exepath);
    }
    if (evt.has_param(KES_P_EXECVE_VPGID)) {
        p.vpgid = evt.param_int64(KES_P_EXECVE_VPGID);
    }
    if (evt.has_param(KES_P_EXECVE_LOGINUID)) {
        thread->loginuid = static_cast<uint32_t>(evt.param_uint(KES_P_EXECVE_LOGINUID));
    }
    if (evt.has_param(KES_P_EXECVE_FLAGS)) {
        auto flags = static_cast<uint32_t>(evt.param_uint(KES_P_EXECVE_FLAGS));
        p.exe_writable = (flags & KES_EXE_WRITABLE) != 0;
        p.exe_upper_layer = (flags & KES_EXE_UPPER_LAYER) != 0;
        p.exe_from_memfd = (flags & KES_EXE_FROM_MEMFD) != 0;
        p.exe_lower_layer = (flags & KES_EXE_LOWER_LAYER) != 0;
    }
    if (evt.has_param(KES_P_EXECVE_CAP_EFFECTIVE)) {
        thread->cap_inheritable = evt.param_uint(KES_P_EXECVE_CAP_INHERITABLE);
        thread->cap_permitted = evt.param_uint(KES_P_EXECVE_CAP_PERMITTED);
        thread->cap_effective = evt.param_uint(KES_P_EXECVE_CAP_EFFECTIVE);
    }
    if (evt.has_param(KES_P_EXECVE_EXE_INO_MTIME)) {
        p.exe_ino = evt.param_uint(KES_P_EXECVE_EXE_INO);
        p.exe_ino_ctime = evt.param_uint(KES_P_EXECVE_EXE_INO_CTIME);
        p.exe_ino_mtime = evt.param_uint(KES_P_EXECVE_EXE_INO_MTIME);
    }
    if (evt.has_param(KES_P_EXECVE_UID)) {
        thread->uid = static_cast<uint32_t>(evt.param_uint(KES_P_EXECVE_UID));
    }
    p.pgid = evt.has_param(KES_P_EXECVE_PGID) ? evt.param_int64(KES_P_EXECVE_PGID) : -1;
    if (evt.has_param(KES_P_EXECVE_GID)) {
        thread->gid = static_cast<uint32_t>(evt.param_uint(KES_P_EXECVE_GID));
    }
    p.lastexec_ts = ts;
    // Close-on-exec fds are gone once exec succeeds (the kernel's do_close_on_exec).
    t.drop_cloexec_fds(p);
    rebuild_cmdline(*thread);
}

// ---- procexit -------------------------------------------------------------------------------

void Parsers::procexit(Tables& t, const event::View& evt) {
    Thread* thread = t.lookup(evt.tid());
    if (thread == nullptr) {
        ++t.counters_.n_missing_thread;
        return;
    }
    t.last_tid_ = thread->tid;
    t.last_thread_ = thread;
    thread->last_event_ts = evt.ts_ns();
    // Removal waits for the next event: rules on procexit still see the thread.
    t.pending_exits_.push_back({thread->tid, evt.param_int64(KES_P_PROCEXIT_REAPER_TID)});
}

// ---- credentials ----------------------------------------------------------------------------

void Parsers::credentials(Tables& /*t*/, Thread& thread, const event::View& evt) {
    constexpr uint32_t kUnchanged = UINT32_MAX; // setresuid's -1
    switch (evt.type()) {
    case KES_EVT_SETUID:
        if (evt.param_int64(KES_P_SETUID_RES) == 0) {
            thread.uid = static_cast<uint32_t>(evt.param_uint(KES_P_SETUID_UID));
        }
        break;
    case KES_EVT_SETGID:
        if (evt.param_int64(KES_P_SETGID_RES) == 0) {
            thread.gid = static_cast<uint32_t>(evt.param_uint(KES_P_SETGID_GID));
        }
        break;
    case KES_EVT_SETRESUID:
        if (evt.param_int64(KES_P_SETRESUID_RES) == 0) {
            auto euid = static_cast<uint32_t>(evt.param_uint(KES_P_SETRESUID_EUID));
            if (euid != kUnchanged) {
                thread.uid = euid;
            }
        }
        break;
    case KES_EVT_SETRESGID:
        if (evt.param_int64(KES_P_SETRESGID_RES) == 0) {
            auto egid = static_cast<uint32_t>(evt.param_uint(KES_P_SETRESGID_EGID));
            if (egid != kUnchanged) {
                thread.gid = egid;
            }
        }
        break;
    case KES_EVT_SETREUID:
        if (evt.param_int64(KES_P_SETREUID_RES) == 0) {
            auto euid = static_cast<uint32_t>(evt.param_uint(KES_P_SETREUID_EUID));
            if (euid != kUnchanged) {
                thread.uid = euid;
            }
        }
        break;
    case KES_EVT_SETREGID:
        if (evt.param_int64(KES_P_SETREGID_RES) == 0) {
            auto egid = static_cast<uint32_t>(evt.param_uint(KES_P_SETREGID_EGID));
            if (egid != kUnchanged) {
                thread.gid = egid;
            }
        }
        break;
    case KES_EVT_SETSID:
        // The new session id (libsinsp parse_setsid_exit): the caller leads it now.
        if (evt.param_int64(KES_P_SETSID_RES) >= 0 && thread.process) {
            thread.process->sid = evt.param_int64(KES_P_SETSID_RES);
        }
        break;
    case KES_EVT_CAPSET:
        if (evt.param_int64(KES_P_CAPSET_RES) == 0) {
            thread.cap_inheritable = evt.param_uint(KES_P_CAPSET_CAP_INHERITABLE);
            thread.cap_permitted = evt.param_uint(KES_P_CAPSET_CAP_PERMITTED);
            thread.cap_effective = evt.param_uint(KES_P_CAPSET_CAP_EFFECTIVE);
        }
        break;
    default:
        break;
    }
}

// ---- snapshots ------------------------------------------------------------------------------

// Fills a process from a snapshot. With `only_missing` (enrich(): events already started to
// fill it) it keeps what is known and the fds the table has.
void Parsers::fill_process(Tables& t, Process& p, const ThreadSnapshot& s, bool only_missing) {
    auto entries = [](const std::vector<std::string>& list, const std::string& raw,
                      std::string& out) {
        if (!raw.empty()) {
            detail::assign_entries({reinterpret_cast<const uint8_t*>(raw.data()), raw.size()}, out);
            return;
        }
        out.clear();
        for (const std::string& e : list) {
            out.append(e);
            out.push_back('\0');
        }
    };
    bool program = !only_missing || (p.exe.empty() && p.args_raw.empty());
    if (!only_missing || p.vpid < 0) {
        p.vpid = s.vpid >= 0 ? s.vpid : p.pid;
    }
    if (!only_missing || p.sid < 0) {
        p.sid = s.sid;
    }
    if (!only_missing || p.pgid < 0) {
        p.pgid = s.pgid;
        p.vpgid = s.vpgid;
    }
    if (!only_missing || p.fdlimit < 0) {
        p.fdlimit = s.fdlimit;
    }
    if (program) {
        p.tty = s.tty;
        p.exe = s.exe;
        p.exepath = s.exepath;
        entries(s.args, s.args_raw, p.args_raw);
        detail::join_entries(p.args_raw, p.args);
        entries(s.env, s.env_raw, p.env_raw);
        detail::join_entries(p.env_raw, p.env);
        p.exe_writable = s.exe_writable;
        p.exe_upper_layer = s.exe_upper_layer;
        p.exe_lower_layer = s.exe_lower_layer;
        p.exe_from_memfd = s.exe_from_memfd;
        p.exe_ino = s.exe_ino;
        p.exe_ino_ctime = s.exe_ino_ctime;
        p.exe_ino_mtime = s.exe_ino_mtime;
    }
    if (!only_missing || p.cwd.empty()) {
        set_cwd(p, s.cwd);
    }
    if (!only_missing || p.cgroups_raw.empty()) {
        std::string cgroups;
        entries(s.cgroups, s.cgroups_raw, cgroups);
        t.set_container(p, {reinterpret_cast<const uint8_t*>(cgroups.data()), cgroups.size()},
                        s.clone_ts);
    }
    for (const FdSnapshot& f : s.fds) {
        if (only_missing && p.fds.contains(f.fd)) {
            continue; // events know better
        }
        Fd* fd = Parsers::add_fd(t, p, f.fd);
        if (fd == nullptr) {
            continue;
        }
        fd->type = f.type;
        fd->openflags = f.openflags;
        fd->cloexec = (f.openflags & KES_O_CLOEXEC) != 0;
        fd->dev = f.dev;
        fd->ino = f.ino;
        fd->l4proto = f.l4proto;
        fd->role = f.role;
        fd->sip = f.sip;
        fd->cip = f.cip;
        fd->sport = f.sport;
        fd->cport = f.cport;
        fd->unix_src = f.unix_src;
        fd->unix_dst = f.unix_dst;
        // /proc lists a remote end only for connected sockets (TCP established, connected UDP).
        fd->connected = fd->is_ip_socket() && f.sport != 0 && f.cport != 0;
        if (fd->is_ip_socket() && (f.sport != 0 || f.cport != 0)) {
            detail::build_tuple_name(*fd);
        } else if (fd->type == FdType::kUnixSock && (f.unix_src != 0 || f.unix_dst != 0)) {
            detail::build_unix_name(*fd, f.name);
        } else {
            detail::set_fd_path(*fd, f.name);
        }
        fd->nameraw = f.name;
    }
}

void Parsers::load_snapshot(Tables& t, const ThreadSnapshot& s) {
    if (s.tid < 0) {
        ++t.counters_.n_bad_event;
        return;
    }
    int64_t pid = s.pid < 0 ? s.tid : s.pid;
    std::shared_ptr<Process> process;
    if (pid != s.tid) {
        if (Thread* main = t.lookup(pid); main != nullptr && main->process) {
            process = main->process;
        }
    }
    Thread* thread = t.add_thread(s.tid);
    if (thread == nullptr) {
        return;
    }
    thread->pid = pid;
    thread->ptid = s.ptid;
    thread->vtid = s.vtid >= 0 ? s.vtid : s.tid;
    thread->comm = s.comm;
    thread->uid = s.uid;
    thread->gid = s.gid;
    thread->loginuid = s.loginuid;
    thread->cap_inheritable = s.cap_inheritable;
    thread->cap_permitted = s.cap_permitted;
    thread->cap_effective = s.cap_effective;
    thread->clone_ts = s.clone_ts;
    if (!process) {
        process = t.new_process(pid);
        fill_process(t, *process, s, false);
    }
    t.attach_process(*thread, std::move(process));
    t.counters_.n_containers = t.containers_.size();
    rebuild_cmdline(*thread);
}

void Parsers::enrich(Tables& t, Thread& thread, const ThreadSnapshot& s) {
    thread.partial = false;
    if (thread.ptid < 0 && s.ptid >= 0) {
        thread.ptid = s.ptid;
        t.add_child(thread.ptid, thread.tid);
    }
    if (s.vtid >= 0) {
        thread.vtid = s.vtid;
    }
    thread.uid = s.uid;
    thread.gid = s.gid;
    thread.loginuid = s.loginuid;
    thread.cap_inheritable = s.cap_inheritable;
    thread.cap_permitted = s.cap_permitted;
    thread.cap_effective = s.cap_effective;
    if (thread.clone_ts == 0) {
        thread.clone_ts = s.clone_ts;
    }
    if (!s.comm.empty()) {
        thread.comm = s.comm;
    }
    if (thread.process) {
        fill_process(t, *thread.process, s, true);
        t.counters_.n_containers = t.containers_.size();
    }
    rebuild_cmdline(thread);
}

} // namespace kestrel::state
