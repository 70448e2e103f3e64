#include "eval/extractor.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>

#include "eval/extract_internal.hpp"
#include "event/gen/events.hpp"

namespace kestrel::eval {

namespace detail {

using event::ParamType;

bool is_open_event(uint16_t type) {
    return type == KES_EVT_OPEN || type == KES_EVT_OPENAT || type == KES_EVT_OPENAT2 ||
           type == KES_EVT_OPEN_BY_HANDLE_AT || type == KES_EVT_CREAT;
}

const std::array<EventParams, KES_EVT_MAX>& event_params() {
    static const std::array<EventParams, KES_EVT_MAX> table = [] {
        std::array<EventParams, KES_EVT_MAX> t{};
        for (const auto& e : event::all_events()) {
            if (e.id >= KES_EVT_MAX) {
                continue;
            }
            EventParams& p = t[e.id];
            for (size_t i = 0; i < e.params.size(); ++i) {
                const auto& prm = e.params[i];
                auto idx = static_cast<int8_t>(i);
                if (i == 0 && (prm.type == ParamType::kErrno || prm.type == ParamType::kFd ||
                               prm.type == ParamType::kPid)) {
                    p.ret = idx;
                }
                if (prm.name == "fd" && p.fd < 0) {
                    p.fd = idx;
                }
                if (prm.name == "flags" && p.flags < 0) {
                    p.flags = idx;
                }
                if (prm.name == "mode" && p.mode < 0) {
                    p.mode = idx;
                }
                if ((prm.name == "name" || prm.name == "path" || prm.name == "pathname") &&
                    (prm.type == ParamType::kFspath || prm.type == ParamType::kFsrelpath) &&
                    p.path < 0) {
                    p.path = idx;
                }
                if (prm.name == "dirfd" && p.dirfd < 0) {
                    p.dirfd = idx;
                }
                if (prm.type == ParamType::kSocktuple && p.tuple < 0) {
                    p.tuple = idx;
                }
            }
        }
        return t;
    }();
    return table;
}

Tuple read_tuple(std::span<const uint8_t> p) {
    Tuple t;
    if (p.empty()) {
        return t;
    }
    uint8_t family = p[0];
    if (family == 2 && p.size() >= 13) { // AF_INET: sip u32, sport u16, dip u32, dport u16
        t.client.family = t.server.family = 4;
        std::memcpy(t.client.bytes.data(), p.data() + 1, 4);
        std::memcpy(&t.cport, p.data() + 5, 2);
        std::memcpy(t.server.bytes.data(), p.data() + 7, 4);
        std::memcpy(&t.sport, p.data() + 11, 2);
        t.valid = true;
    } else if (family == 10 && p.size() >= 37) {
        t.client.family = t.server.family = 6;
        std::memcpy(t.client.bytes.data(), p.data() + 1, 16);
        std::memcpy(&t.cport, p.data() + 17, 2);
        std::memcpy(t.server.bytes.data(), p.data() + 19, 16);
        std::memcpy(&t.sport, p.data() + 35, 2);
        t.valid = true;
    }
    return t;
}

bool local_is_server(uint16_t type) { return type == KES_EVT_ACCEPT || type == KES_EVT_ACCEPT4; }

void append_int(std::string& out, int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, r.ptr);
}

void append_ip_port(std::string& out, const IpAddr& ip, uint16_t port) {
    char buf[INET6_ADDRSTRLEN];
    if (inet_ntop(ip.family == 4 ? AF_INET : AF_INET6, ip.bytes.data(), buf, sizeof(buf)) !=
        nullptr) {
        out.append(buf);
    }
    out.push_back(':');
    append_int(out, port);
}

const state::Thread* thread_of(const EvalContext& ctx) {
    return ctx.state != nullptr ? ctx.state->find_thread(ctx.evt->tid()) : nullptr;
}

const state::Fd* fd_of(const EvalContext& ctx) {
    if (ctx.state == nullptr) {
        return nullptr;
    }
    int64_t num = -1;
    if (!event_fd_num(*ctx.evt, &num) || num < 0) {
        return nullptr;
    }
    const state::Thread* thread = thread_of(ctx);
    return thread != nullptr ? ctx.state->find_fd(*thread, num) : nullptr;
}

} // namespace detail

namespace {

struct NamedKind {
    std::string_view name;
    FieldKind kind;
    FieldGroup group;
};

constexpr NamedKind kKinds[] = {
    {"evt.type", FieldKind::kEvtType, FieldGroup::kEvt},
    {"evt.num", FieldKind::kEvtNum, FieldGroup::kEvt},
    {"evt.time.s", FieldKind::kEvtTimeS, FieldGroup::kEvt},
    {"evt.rawtime", FieldKind::kEvtRawtime, FieldGroup::kEvt},
    {"evt.dir", FieldKind::kEvtDir, FieldGroup::kEvt},
    {"evt.cpu", FieldKind::kEvtCpu, FieldGroup::kEvt},
    {"evt.res", FieldKind::kEvtRes, FieldGroup::kEvt},
    {"evt.rawres", FieldKind::kEvtRawres, FieldGroup::kEvt},
    {"evt.failed", FieldKind::kEvtFailed, FieldGroup::kEvt},
    {"evt.is_open_read", FieldKind::kEvtIsOpenRead, FieldGroup::kEvt},
    {"evt.is_open_write", FieldKind::kEvtIsOpenWrite, FieldGroup::kEvt},
    {"evt.is_open_exec", FieldKind::kEvtIsOpenExec, FieldGroup::kEvt},
    {"evt.is_open_create", FieldKind::kEvtIsOpenCreate, FieldGroup::kEvt},
    {"evt.arg", FieldKind::kEvtArg, FieldGroup::kEvt},
    {"evt.rawarg", FieldKind::kEvtRawarg, FieldGroup::kEvt},
    {"evt.args", FieldKind::kEvtArgs, FieldGroup::kEvt},
    {"evt.category", FieldKind::kEvtCategory, FieldGroup::kEvt},
    {"evt.count", FieldKind::kEvtCount, FieldGroup::kEvt},
    {"evt.type.is", FieldKind::kEvtTypeIs, FieldGroup::kEvt},
    {"proc.pid", FieldKind::kProcPid, FieldGroup::kProc},
    {"thread.tid", FieldKind::kThreadTid, FieldGroup::kProc},
    {"proc.tid", FieldKind::kThreadTid, FieldGroup::kProc},
    {"thread.vtid", FieldKind::kThreadVtid, FieldGroup::kProc},
    {"proc.vtid", FieldKind::kThreadVtid, FieldGroup::kProc},
    {"thread.ismain", FieldKind::kThreadIsMain, FieldGroup::kProc},
    {"proc.name", FieldKind::kProcName, FieldGroup::kProc},
    {"proc.exe", FieldKind::kProcExe, FieldGroup::kProc},
    {"proc.exepath", FieldKind::kProcExepath, FieldGroup::kProc},
    {"proc.args", FieldKind::kProcArgs, FieldGroup::kProc},
    {"proc.cmdline", FieldKind::kProcCmdline, FieldGroup::kProc},
    {"proc.exeline", FieldKind::kProcExeline, FieldGroup::kProc},
    {"proc.cwd", FieldKind::kProcCwd, FieldGroup::kProc},
    {"proc.ppid", FieldKind::kProcPpid, FieldGroup::kProc},
    {"proc.vpid", FieldKind::kProcVpid, FieldGroup::kProc},
    {"proc.pvpid", FieldKind::kProcPvpid, FieldGroup::kProc},
    {"proc.tty", FieldKind::kProcTty, FieldGroup::kProc},
    {"proc.sid", FieldKind::kProcSid, FieldGroup::kProc},
    {"proc.sname", FieldKind::kProcSname, FieldGroup::kProc},
    {"proc.vpgid", FieldKind::kProcVpgid, FieldGroup::kProc},
    {"proc.vpgid.name", FieldKind::kProcVpgidName, FieldGroup::kProc},
    {"proc.vpgid.exe", FieldKind::kProcVpgidExe, FieldGroup::kProc},
    {"proc.vpgid.exepath", FieldKind::kProcVpgidExepath, FieldGroup::kProc},
    {"proc.is_sid_leader", FieldKind::kProcIsSidLeader, FieldGroup::kProc},
    {"proc.is_vpgid_leader", FieldKind::kProcIsVpgidLeader, FieldGroup::kProc},
    {"proc.pname", FieldKind::kProcPname, FieldGroup::kProc},
    {"proc.pcmdline", FieldKind::kProcPcmdline, FieldGroup::kProc},
    {"proc.pexe", FieldKind::kProcPexe, FieldGroup::kProc},
    {"proc.pexepath", FieldKind::kProcPexepath, FieldGroup::kProc},
    {"proc.aname", FieldKind::kProcAname, FieldGroup::kProc},
    {"proc.apid", FieldKind::kProcApid, FieldGroup::kProc},
    {"proc.aexe", FieldKind::kProcAexe, FieldGroup::kProc},
    {"proc.aexepath", FieldKind::kProcAexepath, FieldGroup::kProc},
    {"proc.acmdline", FieldKind::kProcAcmdline, FieldGroup::kProc},
    {"proc.env", FieldKind::kProcEnv, FieldGroup::kProc},
    {"proc.is_exe_writable", FieldKind::kProcIsExeWritable, FieldGroup::kProc},
    {"proc.is_exe_upper_layer", FieldKind::kProcIsExeUpperLayer, FieldGroup::kProc},
    {"proc.is_exe_lower_layer", FieldKind::kProcIsExeLowerLayer, FieldGroup::kProc},
    {"proc.is_exe_from_memfd", FieldKind::kProcIsExeFromMemfd, FieldGroup::kProc},
    {"proc.exe_ino", FieldKind::kProcExeIno, FieldGroup::kProc},
    {"proc.exe_ino.ctime", FieldKind::kProcExeInoCtime, FieldGroup::kProc},
    {"proc.exe_ino.mtime", FieldKind::kProcExeInoMtime, FieldGroup::kProc},
    {"proc.exe_ino.ctime_duration_proc_start", FieldKind::kProcExeInoCtimeDurationProcStart,
     FieldGroup::kProc},
    {"proc.exe_ino.ctime_duration_pidns_start", FieldKind::kProcExeInoCtimeDurationPidnsStart,
     FieldGroup::kProc},
    {"proc.pidns_init_start_ts", FieldKind::kProcPidnsInitStartTs, FieldGroup::kProc},
    {"proc.duration", FieldKind::kProcDuration, FieldGroup::kProc},
    {"proc.ppid.duration", FieldKind::kProcPpidDuration, FieldGroup::kProc},
    {"proc.pid.ts", FieldKind::kProcPidTs, FieldGroup::kProc},
    {"proc.ppid.ts", FieldKind::kProcPpidTs, FieldGroup::kProc},
    {"proc.fdlimit", FieldKind::kProcFdlimit, FieldGroup::kProc},
    {"thread.cap_permitted", FieldKind::kThreadCapPermitted, FieldGroup::kProc},
    {"thread.cap_effective", FieldKind::kThreadCapEffective, FieldGroup::kProc},
    {"thread.cap_inheritable", FieldKind::kThreadCapInheritable, FieldGroup::kProc},
    {"user.uid", FieldKind::kUserUid, FieldGroup::kProc},
    {"user.name", FieldKind::kUserName, FieldGroup::kProc},
    {"user.homedir", FieldKind::kUserHomedir, FieldGroup::kProc},
    {"user.shell", FieldKind::kUserShell, FieldGroup::kProc},
    {"user.loginuid", FieldKind::kUserLoginuid, FieldGroup::kProc},
    {"user.loginname", FieldKind::kUserLoginname, FieldGroup::kProc},
    {"group.gid", FieldKind::kGroupGid, FieldGroup::kProc},
    {"group.name", FieldKind::kGroupName, FieldGroup::kProc},
    {"container.id", FieldKind::kContainerId, FieldGroup::kProc},
    {"container.full_id", FieldKind::kContainerFullId, FieldGroup::kProc},
    {"container.name", FieldKind::kContainerName, FieldGroup::kProc},
    {"container.type", FieldKind::kContainerType, FieldGroup::kProc},
    {"container.image", FieldKind::kContainerImage, FieldGroup::kProc},
    {"container.image.repository", FieldKind::kContainerImageRepository, FieldGroup::kProc},
    {"container.image.tag", FieldKind::kContainerImageTag, FieldGroup::kProc},
    {"container.privileged", FieldKind::kContainerPrivileged, FieldGroup::kProc},
    {"container.image.id", FieldKind::kContainerImageId, FieldGroup::kProc},
    {"container.image.digest", FieldKind::kContainerImageDigest, FieldGroup::kProc},
    {"container.ip", FieldKind::kContainerIp, FieldGroup::kProc},
    {"container.cni.json", FieldKind::kContainerCniJson, FieldGroup::kProc},
    {"container.host_pid", FieldKind::kContainerHostPid, FieldGroup::kProc},
    {"container.host_network", FieldKind::kContainerHostNetwork, FieldGroup::kProc},
    {"container.host_ipc", FieldKind::kContainerHostIpc, FieldGroup::kProc},
    {"container.mounts", FieldKind::kContainerMounts, FieldGroup::kProc},
    {"container.mount", FieldKind::kContainerMount, FieldGroup::kProc},
    {"container.mount.source", FieldKind::kContainerMountSource, FieldGroup::kProc},
    {"container.mount.dest", FieldKind::kContainerMountDest, FieldGroup::kProc},
    {"container.mount.mode", FieldKind::kContainerMountMode, FieldGroup::kProc},
    {"container.mount.rdwr", FieldKind::kContainerMountRdwr, FieldGroup::kProc},
    {"container.mount.propagation", FieldKind::kContainerMountPropagation, FieldGroup::kProc},
    {"container.label", FieldKind::kContainerLabel, FieldGroup::kProc},
    {"container.labels", FieldKind::kContainerLabels, FieldGroup::kProc},
    {"k8s.pod.name", FieldKind::kK8sPodName, FieldGroup::kProc},
    {"k8s.ns.name", FieldKind::kK8sNsName, FieldGroup::kProc},
    {"k8s.pod.uid", FieldKind::kK8sPodUid, FieldGroup::kProc},
    {"k8s.pod.id", FieldKind::kK8sPodUid, FieldGroup::kProc},
    {"k8s.pod.sandbox_id", FieldKind::kK8sPodSandboxId, FieldGroup::kProc},
    {"k8s.pod.full_sandbox_id", FieldKind::kK8sPodFullSandboxId, FieldGroup::kProc},
    {"k8s.pod.label", FieldKind::kK8sPodLabel, FieldGroup::kProc},
    {"k8s.pod.labels", FieldKind::kK8sPodLabels, FieldGroup::kProc},
    {"k8s.pod.ip", FieldKind::kK8sPodIp, FieldGroup::kProc},
    {"k8s.pod.cni.json", FieldKind::kK8sPodCniJson, FieldGroup::kProc},
    {"fd.num", FieldKind::kFdNum, FieldGroup::kFd},
    {"fd.name", FieldKind::kFdName, FieldGroup::kFd},
    {"fd.nameraw", FieldKind::kFdNameraw, FieldGroup::kFd},
    {"fd.typechar", FieldKind::kFdTypechar, FieldGroup::kFd},
    {"fd.type", FieldKind::kFdType, FieldGroup::kFd},
    {"fd.directory", FieldKind::kFdDirectory, FieldGroup::kFd},
    {"fd.filename", FieldKind::kFdFilename, FieldGroup::kFd},
    {"fd.l4proto", FieldKind::kFdL4proto, FieldGroup::kFd},
    {"fd.sockfamily", FieldKind::kFdSockfamily, FieldGroup::kFd},
    {"fd.is_server", FieldKind::kFdIsServer, FieldGroup::kFd},
    {"fd.connected", FieldKind::kFdConnected, FieldGroup::kFd},
    {"fd.name_changed", FieldKind::kFdNameChanged, FieldGroup::kFd},
    {"fd.dev", FieldKind::kFdDev, FieldGroup::kFd},
    {"fd.ino", FieldKind::kFdIno, FieldGroup::kFd},
    {"fd.sip", FieldKind::kFdSip, FieldGroup::kFd},
    {"fd.cip", FieldKind::kFdCip, FieldGroup::kFd},
    {"fd.lip", FieldKind::kFdLip, FieldGroup::kFd},
    {"fd.rip", FieldKind::kFdRip, FieldGroup::kFd},
    {"fd.sport", FieldKind::kFdSport, FieldGroup::kFd},
    {"fd.cport", FieldKind::kFdCport, FieldGroup::kFd},
    {"fd.lport", FieldKind::kFdLport, FieldGroup::kFd},
    {"fd.rport", FieldKind::kFdRport, FieldGroup::kFd},
    {"fd.ip", FieldKind::kFdIp, FieldGroup::kFd},
    {"fd.port", FieldKind::kFdPort, FieldGroup::kFd},
    {"fd.net", FieldKind::kFdNet, FieldGroup::kFd},
    // The side-specific networks are the side's address compared as a network (ipnet type).
    {"fd.snet", FieldKind::kFdSip, FieldGroup::kFd},
    {"fd.cnet", FieldKind::kFdCip, FieldGroup::kFd},
    {"fd.lnet", FieldKind::kFdLip, FieldGroup::kFd},
    {"fd.rnet", FieldKind::kFdRip, FieldGroup::kFd},
};

bool is_ancestor_kind(FieldKind k) {
    return k == FieldKind::kProcAname || k == FieldKind::kProcApid || k == FieldKind::kProcAexe ||
           k == FieldKind::kProcAexepath || k == FieldKind::kProcAcmdline;
}

bool parse_index(std::string_view arg, int* out) {
    int n = -1;
    auto r = std::from_chars(arg.data(), arg.data() + arg.size(), n);
    if (r.ec != std::errc() || r.ptr != arg.data() + arg.size() || n < 0) {
        return false;
    }
    *out = n;
    return true;
}

} // namespace

base::Result<Extractor> make_extractor(const rules::FieldInfo& info, std::string_view arg,
                                       bool has_arg) {
    Extractor ex;
    ex.info = &info;
    ex.text = std::string(info.name);
    if (has_arg) {
        ex.text += "[" + std::string(arg) + "]";
    }
    ex.param_by_event.fill(-1);
    for (const auto& nk : kKinds) {
        if (nk.name == info.name) {
            ex.kind = nk.kind;
            ex.group = nk.group;
            break;
        }
    }
    ex.any_side = ex.kind == FieldKind::kFdIp || ex.kind == FieldKind::kFdPort ||
                  ex.kind == FieldKind::kFdNet;
    switch (ex.kind) {
    case FieldKind::kEvtArg:
    case FieldKind::kEvtRawarg: {
        if (!has_arg) {
            return base::Error{base::ErrorCode::kInvalidArgument,
                               std::string(info.name) + " needs an argument"};
        }
        int n = -1;
        if (parse_index(arg, &n)) {
            ex.index = n;
        } else {
            for (const auto& e : event::all_events()) {
                if (e.id < KES_EVT_MAX) {
                    ex.param_by_event[e.id] = static_cast<int8_t>(event::param_index(e, arg));
                }
            }
        }
        return ex;
    }
    case FieldKind::kEvtTypeIs: {
        const auto* e = event::find_event(arg);
        ex.type_is = e != nullptr ? e->id : 0;
        return ex;
    }
    case FieldKind::kProcEnv:
        if (has_arg) {
            ex.arg = std::string(arg);
        }
        return ex;
    case FieldKind::kContainerMount:
    case FieldKind::kContainerMountSource:
    case FieldKind::kContainerMountDest:
    case FieldKind::kContainerMountMode:
    case FieldKind::kContainerMountRdwr:
    case FieldKind::kContainerMountPropagation:
        // A position, or a path glob matched against the mounts' sources (destinations for
        // .source): the container plugin's mount_by_idx / mount_by_source / mount_by_dest.
        if (has_arg && !parse_index(arg, &ex.index)) {
            ex.arg = std::string(arg);
        }
        return ex;
    case FieldKind::kContainerLabel:
    case FieldKind::kK8sPodLabel:
        ex.arg = std::string(arg);
        return ex;
    case FieldKind::kProcArgs:
        if (has_arg && !parse_index(arg, &ex.index)) {
            ex.kind = FieldKind::kUnsupported;
            ex.group = FieldGroup::kNone;
        }
        return ex;
    default:
        break;
    }
    if (is_ancestor_kind(ex.kind)) {
        if (has_arg) {
            if (!parse_index(arg, &ex.index)) {
                ex.kind = FieldKind::kUnsupported;
                ex.group = FieldGroup::kNone;
            }
        } else {
            ex.any_side = true; // any ancestor
        }
        return ex;
    }
    if (has_arg) {
        // Other argument forms (container.mount.dest[...], thread.cgroup...) are not provided.
        ex.kind = FieldKind::kUnsupported;
        ex.group = FieldGroup::kNone;
    }
    return ex;
}

void prepare_slot(const Extractor& ex, Slot& slot) {
    // Rendered values (flags, tuples, joined paths) fit; capability lists are the longest.
    bool caps = ex.kind == FieldKind::kThreadCapPermitted ||
                ex.kind == FieldKind::kThreadCapEffective ||
                ex.kind == FieldKind::kThreadCapInheritable || ex.kind == FieldKind::kEvtArgs;
    slot.text.reserve(caps ? 1024 : 256);
    if (is_ancestor_kind(ex.kind) && ex.index < 0) {
        slot.list.resize(state::Tables::kMaxAncestry);
    }
}

void extract(const Extractor& ex, const EvalContext& ctx, Slot& slot) {
    if (slot.epoch == ctx.epoch) {
        return;
    }
    slot.epoch = ctx.epoch;
    slot.count = 0;
    slot.in_list = false;
    if (ctx.evt == nullptr || ctx.evt->info() == nullptr) {
        return;
    }
    switch (ex.group) {
    case FieldGroup::kEvt:
        detail::extract_evt_field(ex, ctx, slot);
        return;
    case FieldGroup::kProc:
        detail::extract_proc_field(ex, ctx, slot);
        return;
    case FieldGroup::kFd:
        detail::extract_fd_field(ex, ctx, slot);
        return;
    case FieldGroup::kNone:
        return;
    }
}

bool parse_ip(std::string_view text, IpAddr* out) {
    char buf[INET6_ADDRSTRLEN + 1];
    if (text.size() >= sizeof(buf)) {
        return false;
    }
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    IpAddr ip;
    if (inet_pton(AF_INET, buf, ip.bytes.data()) == 1) {
        ip.family = 4;
    } else if (inet_pton(AF_INET6, buf, ip.bytes.data()) == 1) {
        ip.family = 6;
    } else {
        return false;
    }
    *out = ip;
    return true;
}

bool parse_net(std::string_view text, IpAddr* out, int* bits) {
    auto slash = text.find('/');
    if (!parse_ip(text.substr(0, slash), out)) {
        return false;
    }
    int max = out->family == 4 ? 32 : 128;
    if (slash == std::string_view::npos) {
        *bits = max;
        return true;
    }
    auto b = text.substr(slash + 1);
    int n = -1;
    auto r = std::from_chars(b.data(), b.data() + b.size(), n);
    if (r.ec != std::errc() || r.ptr != b.data() + b.size() || n < 0 || n > max) {
        return false;
    }
    *bits = n;
    return true;
}

bool net_contains(const IpAddr& net, int bits, const IpAddr& addr) {
    if (net.family != addr.family) {
        return false;
    }
    int full = bits / 8;
    if (std::memcmp(net.bytes.data(), addr.bytes.data(), static_cast<size_t>(full)) != 0) {
        return false;
    }
    int rest = bits % 8;
    if (rest == 0) {
        return true;
    }
    auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
    return (net.bytes[static_cast<size_t>(full)] & mask) ==
           (addr.bytes[static_cast<size_t>(full)] & mask);
}

} // namespace kestrel::eval
