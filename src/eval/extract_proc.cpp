// proc.*, thread.*, user.*, group.* and container.* fields: read from the state tables (the
// event's thread, its process, its ancestors, the user and group tables, the container table)
// with libsinsp's semantics (sinsp_filtercheck_thread/user/group.cpp): values are views into the
// table records, a missing thread or parent gives an absent value (<NA>).

#include <string_view>

#include "eval/extract_internal.hpp"

namespace kestrel::eval::detail {

namespace {

// Capability names by bit, as libsinsp's caps_to_string prints them.
constexpr std::string_view kCapNames[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

void render_caps(uint64_t caps, std::string& out) {
    out.clear();
    for (size_t bit = 0; bit < std::size(kCapNames); ++bit) {
        if ((caps & (uint64_t{1} << bit)) != 0) {
            if (!out.empty()) {
                out.push_back(' ');
            }
            out.append(kCapNames[bit]);
        }
    }
}

// libsinsp walks ancestors from the main thread of the event's process (aname[0] is the
// process itself), so a thread's ancestry is its process's.
const state::Thread* main_of(const state::Tables& tables, const state::Thread& t) {
    return t.is_main_thread() ? &t : tables.find_thread(t.pid);
}

void set_bool(Slot& slot, bool v) { set_one(slot, Value::of_bool(v)); }

// Ancestor fields (proc.aname, apid, aexe, aexepath, acmdline) of one thread.
Value ancestor_value(FieldKind kind, const state::Tables& tables, const state::Thread& a) {
    const state::Process* p = tables.process(a);
    switch (kind) {
    case FieldKind::kProcAname:
        return Value::of_string(a.comm);
    case FieldKind::kProcApid:
        return Value::of_int(a.pid);
    case FieldKind::kProcAexe:
        return Value::of_string(p->exe);
    case FieldKind::kProcAexepath:
        return Value::of_string(p->exepath);
    default: // kProcAcmdline
        return Value::of_string(a.cmdline);
    }
}

void extract_ancestor(const Extractor& ex, const state::Tables& tables, const state::Thread& t,
                      Slot& slot) {
    const state::Thread* mt = main_of(tables, t);
    if (mt == nullptr) {
        return;
    }
    if (ex.index >= 0) {
        const state::Thread* a = tables.ancestor(*mt, ex.index);
        if (a != nullptr) {
            set_one(slot, ancestor_value(ex.kind, tables, *a));
        }
        return;
    }
    // No index: every ancestor from the parent up; a check matches if one of them does
    // (libsinsp's compare_full_aname and friends).
    slot.in_list = true;
    tables.for_each_ancestor(*mt, [&](const state::Thread& a) {
        if (slot.count >= slot.list.size()) {
            return false;
        }
        slot.list[slot.count++] = ancestor_value(ex.kind, tables, a);
        return true;
    });
}

// proc.vpgid.name/exe/exepath: the process group leader, found among the process and its
// ancestors (the leader of a shell pipeline is usually the shell's child or the shell).
const state::Thread* vpgid_leader(const state::Tables& tables, const state::Thread& mt) {
    const state::Process* p = tables.process(mt);
    if (p->vpgid < 0) {
        return nullptr;
    }
    if (p->vpid == p->vpgid) {
        return &mt;
    }
    const state::Thread* found = nullptr;
    tables.for_each_ancestor(mt, [&](const state::Thread& a) {
        if (tables.process(a)->vpid == p->vpgid) {
            found = &a;
            return false;
        }
        return true;
    });
    return found;
}

// libsinsp's get_user()/get_group()/get_loginuser() fallback for an id missing from the tables:
// root's name (and /root as home) for id 0, "<NA>" (a value, not an absent field) otherwise.
constexpr std::string_view kNa = "<NA>";

void extract_user_group(const Extractor& ex, const state::Tables& tables, const state::Thread& t,
                        Slot& slot) {
    switch (ex.kind) {
    case FieldKind::kUserUid:
        set_one(slot, Value::of_uint(t.uid));
        return;
    case FieldKind::kUserLoginuid:
        set_one(slot, Value::of_int(t.loginuid_signed()));
        return;
    case FieldKind::kGroupGid:
        set_one(slot, Value::of_uint(t.gid));
        return;
    case FieldKind::kGroupName: {
        const state::Group* g = tables.find_group(t.gid);
        set_string(slot, g != nullptr ? std::string_view(g->name)
                         : t.gid == 0 ? std::string_view("root")
                                      : kNa);
        return;
    }
    case FieldKind::kUserLoginname: {
        const state::User* u = tables.find_user(t.loginuid);
        set_string(slot, u != nullptr      ? std::string_view(u->name)
                         : t.loginuid == 0 ? std::string_view("root")
                                           : kNa);
        return;
    }
    default:
        break;
    }
    const state::User* u = tables.find_user(t.uid);
    if (ex.kind == FieldKind::kUserName) {
        set_string(slot, u != nullptr ? std::string_view(u->name)
                         : t.uid == 0 ? std::string_view("root")
                                      : kNa);
    } else if (ex.kind == FieldKind::kUserHomedir) {
        set_string(slot, u != nullptr ? std::string_view(u->home)
                         : t.uid == 0 ? std::string_view("/root")
                                      : kNa);
    } else if (ex.kind == FieldKind::kUserShell) {
        set_string(slot, u != nullptr ? std::string_view(u->shell) : kNa);
    }
}

// A time field that libsinsp reports only when known (0 = unknown).
void set_nonzero(Slot& slot, uint64_t v) {
    if (v != 0) {
        set_one(slot, Value::of_uint(v));
    }
}

} // namespace

void extract_proc_field(const Extractor& ex, const EvalContext& ctx, Slot& slot) {
    const event::View& evt = *ctx.evt;
    switch (ex.kind) {
    case FieldKind::kProcPid:
        // Capture readers give pid 0 for a thread they never saw created; the state table then
        // knows better (such a thread leads its own group, as in libsinsp).
        if (evt.pid() == 0) {
            if (const state::Thread* t = thread_of(ctx); t != nullptr) {
                set_one(slot, Value::of_int(t->pid));
                return;
            }
        }
        set_one(slot, Value::of_int(evt.pid()));
        return;
    case FieldKind::kThreadTid:
        set_one(slot, Value::of_int(evt.tid()));
        return;
    default:
        break;
    }
    const state::Thread* t = thread_of(ctx);
    if (t == nullptr) {
        if (ex.kind == FieldKind::kProcName) {
            // Without state the header's comm is the same thing Falco shows (task comm).
            set_string(slot, evt.comm());
        }
        return;
    }
    const state::Tables& tables = *ctx.state;
    const state::Process& proc = *tables.process(*t);
    switch (ex.kind) {
    case FieldKind::kProcName:
        set_string(slot, t->comm);
        return;
    case FieldKind::kThreadVtid:
        if (t->vtid != -1) {
            set_one(slot, Value::of_int(t->vtid));
        }
        return;
    case FieldKind::kThreadIsMain:
        set_bool(slot, t->is_main_thread());
        return;
    case FieldKind::kProcExe:
        set_string(slot, proc.exe);
        return;
    case FieldKind::kProcExepath:
        set_string(slot, proc.exepath);
        return;
    case FieldKind::kProcArgs:
        if (ex.index < 0) {
            set_string(slot, proc.args);
        } else if (static_cast<size_t>(ex.index) < proc.arg_count()) {
            set_string(slot, proc.arg(static_cast<size_t>(ex.index)));
        }
        return;
    case FieldKind::kProcCmdline:
        set_string(slot, t->cmdline);
        return;
    case FieldKind::kProcExeline:
        slot.text.assign(proc.exe);
        if (!proc.args.empty()) {
            slot.text.push_back(' ');
            slot.text.append(proc.args);
        }
        set_text(slot);
        return;
    case FieldKind::kProcCwd:
        set_string(slot, proc.cwd);
        return;
    case FieldKind::kProcPpid: {
        // libsinsp: the main thread's parent tid.
        const state::Thread* mt = main_of(tables, *t);
        if (mt != nullptr && mt->ptid >= 0) {
            set_one(slot, Value::of_int(mt->ptid));
        }
        return;
    }
    case FieldKind::kProcVpid:
        if (proc.vpid != -1) {
            set_one(slot, Value::of_int(proc.vpid));
        }
        return;
    case FieldKind::kProcTty:
        set_one(slot, Value::of_uint(proc.tty));
        return;
    case FieldKind::kProcSid:
        set_one(slot, Value::of_int(proc.sid));
        return;
    case FieldKind::kProcSname:
        if (const state::Thread* s = tables.session_leader(*t); s != nullptr) {
            set_string(slot, s->comm);
        }
        return;
    case FieldKind::kProcVpgid:
        set_one(slot, Value::of_int(proc.vpgid));
        return;
    case FieldKind::kProcVpgidName:
    case FieldKind::kProcVpgidExe:
    case FieldKind::kProcVpgidExepath: {
        const state::Thread* mt = main_of(tables, *t);
        const state::Thread* leader = mt != nullptr ? vpgid_leader(tables, *mt) : nullptr;
        if (leader == nullptr) {
            return;
        }
        const state::Process* lp = tables.process(*leader);
        set_string(slot, ex.kind == FieldKind::kProcVpgidName  ? std::string_view(leader->comm)
                         : ex.kind == FieldKind::kProcVpgidExe ? std::string_view(lp->exe)
                                                               : std::string_view(lp->exepath));
        return;
    }
    case FieldKind::kProcIsSidLeader:
        set_bool(slot, proc.sid == proc.vpid);
        return;
    case FieldKind::kProcIsVpgidLeader:
        set_bool(slot, proc.vpgid == proc.vpid);
        return;
    case FieldKind::kProcPname:
    case FieldKind::kProcPcmdline:
    case FieldKind::kProcPexe:
    case FieldKind::kProcPexepath:
    case FieldKind::kProcPvpid:
    case FieldKind::kProcPpidDuration:
    case FieldKind::kProcPpidTs: {
        // libsinsp: the thread whose tid is this thread's ptid.
        const state::Thread* p = tables.parent(*t);
        if (p == nullptr) {
            return;
        }
        const state::Process* pp = tables.process(*p);
        switch (ex.kind) {
        case FieldKind::kProcPname:
            set_string(slot, p->comm);
            break;
        case FieldKind::kProcPcmdline:
            set_string(slot, p->cmdline);
            break;
        case FieldKind::kProcPexe:
            set_string(slot, pp->exe);
            break;
        case FieldKind::kProcPexepath:
            set_string(slot, pp->exepath);
            break;
        case FieldKind::kProcPvpid:
            set_one(slot, Value::of_int(pp->vpid));
            break;
        case FieldKind::kProcPpidDuration:
            if (p->clone_ts != 0 && evt.ts_ns() >= p->clone_ts) {
                set_one(slot, Value::of_uint(evt.ts_ns() - p->clone_ts));
            }
            break;
        default:
            set_one(slot, Value::of_uint(p->clone_ts));
            break;
        }
        return;
    }
    case FieldKind::kProcAname:
    case FieldKind::kProcApid:
    case FieldKind::kProcAexe:
    case FieldKind::kProcAexepath:
    case FieldKind::kProcAcmdline:
        extract_ancestor(ex, tables, *t, slot);
        return;
    case FieldKind::kProcEnv: {
        if (ex.arg.empty()) {
            set_string(slot, proc.env);
            return;
        }
        std::string_view v = proc.env_value(ex.arg);
        if (v.empty()) {
            // libsinsp looks the variable up in the ancestors when the process lacks it.
            if (const state::Thread* mt = main_of(tables, *t); mt != nullptr) {
                tables.for_each_ancestor(*mt, [&](const state::Thread& a) {
                    v = tables.process(a)->env_value(ex.arg);
                    return v.empty();
                });
            }
        }
        set_string(slot, v);
        return;
    }
    case FieldKind::kProcIsExeWritable:
        set_bool(slot, proc.exe_writable);
        return;
    case FieldKind::kProcIsExeUpperLayer:
        set_bool(slot, proc.exe_upper_layer);
        return;
    case FieldKind::kProcIsExeLowerLayer:
        set_bool(slot, proc.exe_lower_layer);
        return;
    case FieldKind::kProcIsExeFromMemfd:
        set_bool(slot, proc.exe_from_memfd);
        return;
    case FieldKind::kProcExeIno:
        set_nonzero(slot, proc.exe_ino);
        return;
    case FieldKind::kProcExeInoCtime:
        set_nonzero(slot, proc.exe_ino_ctime);
        return;
    case FieldKind::kProcExeInoMtime:
        set_nonzero(slot, proc.exe_ino_mtime);
        return;
    case FieldKind::kProcExeInoCtimeDurationProcStart:
        if (proc.exe_ino_ctime != 0 && t->clone_ts > proc.exe_ino_ctime) {
            set_one(slot, Value::of_uint(t->clone_ts - proc.exe_ino_ctime));
        }
        return;
    case FieldKind::kProcExeInoCtimeDurationPidnsStart:
        if (proc.exe_ino_ctime != 0 && proc.pidns_init_start_ts > proc.exe_ino_ctime) {
            set_one(slot, Value::of_uint(proc.pidns_init_start_ts - proc.exe_ino_ctime));
        }
        return;
    case FieldKind::kProcPidnsInitStartTs:
        set_nonzero(slot, proc.pidns_init_start_ts);
        return;
    case FieldKind::kProcDuration:
        if (t->clone_ts != 0 && evt.ts_ns() >= t->clone_ts) {
            set_one(slot, Value::of_uint(evt.ts_ns() - t->clone_ts));
        }
        return;
    case FieldKind::kProcPidTs:
        set_nonzero(slot, t->clone_ts);
        return;
    case FieldKind::kProcFdlimit:
        set_one(slot, Value::of_int(proc.fdlimit));
        return;
    case FieldKind::kThreadCapPermitted:
        render_caps(t->cap_permitted, slot.text);
        set_text(slot);
        return;
    case FieldKind::kThreadCapEffective:
        render_caps(t->cap_effective, slot.text);
        set_text(slot);
        return;
    case FieldKind::kThreadCapInheritable:
        render_caps(t->cap_inheritable, slot.text);
        set_text(slot);
        return;
    default:
        if (is_container_kind(ex.kind)) {
            extract_container(ex, tables, proc, slot);
            return;
        }
        extract_user_group(ex, tables, *t, slot);
        return;
    }
}

} // namespace kestrel::eval::detail
