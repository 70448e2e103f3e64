#include "eval/extractor.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <string.h> // strerrorname_np

#include "event/gen/events.hpp"

namespace kestrel::eval {

namespace {

using event::ParamType;

struct NamedKind {
    std::string_view name;
    FieldKind kind;
};

constexpr NamedKind kKinds[] = {
    {"evt.type", FieldKind::kEvtType},
    {"evt.num", FieldKind::kEvtNum},
    {"evt.time.s", FieldKind::kEvtTimeS},
    {"evt.rawtime", FieldKind::kEvtRawtime},
    {"evt.dir", FieldKind::kEvtDir},
    {"evt.cpu", FieldKind::kEvtCpu},
    {"evt.res", FieldKind::kEvtRes},
    {"evt.rawres", FieldKind::kEvtRawres},
    {"evt.failed", FieldKind::kEvtFailed},
    {"evt.is_open_read", FieldKind::kEvtIsOpenRead},
    {"evt.is_open_write", FieldKind::kEvtIsOpenWrite},
    {"evt.is_open_exec", FieldKind::kEvtIsOpenExec},
    {"evt.is_open_create", FieldKind::kEvtIsOpenCreate},
    {"evt.arg", FieldKind::kEvtArg},
    {"evt.rawarg", FieldKind::kEvtRawarg},
    {"evt.category", FieldKind::kEvtCategory},
    {"evt.count", FieldKind::kEvtCount},
    {"evt.type.is", FieldKind::kEvtTypeIs},
    {"proc.pid", FieldKind::kProcPid},
    {"thread.tid", FieldKind::kThreadTid},
    {"proc.tid", FieldKind::kThreadTid},
    {"proc.name", FieldKind::kProcName},
    {"proc.exe", FieldKind::kProcExe},
    {"proc.exepath", FieldKind::kProcExepath},
    {"proc.args", FieldKind::kProcArgs},
    {"proc.cmdline", FieldKind::kProcCmdline},
    {"proc.cwd", FieldKind::kProcCwd},
    {"proc.ppid", FieldKind::kProcPpid},
    {"proc.vpid", FieldKind::kProcVpid},
    {"proc.tty", FieldKind::kProcTty},
    {"user.uid", FieldKind::kUserUid},
    {"user.name", FieldKind::kUserName},
    {"user.loginuid", FieldKind::kUserLoginuid},
    {"container.id", FieldKind::kContainerId},
    {"fd.num", FieldKind::kFdNum},
    {"fd.name", FieldKind::kFdName},
    {"fd.typechar", FieldKind::kFdTypechar},
    {"fd.directory", FieldKind::kFdDirectory},
    {"fd.filename", FieldKind::kFdFilename},
    {"fd.sip", FieldKind::kFdSip},
    {"fd.cip", FieldKind::kFdCip},
    {"fd.lip", FieldKind::kFdLip},
    {"fd.rip", FieldKind::kFdRip},
    {"fd.sport", FieldKind::kFdSport},
    {"fd.cport", FieldKind::kFdCport},
    {"fd.lport", FieldKind::kFdLport},
    {"fd.rport", FieldKind::kFdRport},
    {"fd.ip", FieldKind::kFdIp},
    {"fd.port", FieldKind::kFdPort},
    {"fd.net", FieldKind::kFdNet},
    // The side-specific networks are the side's address compared as a network (ipnet type).
    {"fd.snet", FieldKind::kFdSip},
    {"fd.cnet", FieldKind::kFdCip},
    {"fd.lnet", FieldKind::kFdLip},
    {"fd.rnet", FieldKind::kFdRip},
};

bool is_open_event(uint16_t type) {
    return type == KES_EVT_OPEN || type == KES_EVT_OPENAT || type == KES_EVT_OPENAT2 ||
           type == KES_EVT_OPEN_BY_HANDLE_AT || type == KES_EVT_CREAT;
}

// Per event type, computed once: the return-value parameter, "fd", "flags", "mode", "name" and
// the socket tuple. Avoids a name lookup per event.
struct EventParams {
    int8_t ret = -1;
    int8_t fd = -1;
    int8_t flags = -1;
    int8_t mode = -1;
    int8_t path = -1;
    int8_t tuple = -1;
};

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
                if (prm.type == ParamType::kSocktuple && p.tuple < 0) {
                    p.tuple = idx;
                }
            }
        }
        return t;
    }();
    return table;
}

struct Tuple {
    IpAddr client;
    IpAddr server;
    uint16_t cport = 0;
    uint16_t sport = 0;
    bool valid = false;
};

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

// accept-style events carry (peer, self): the local end is the server.
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

// Falco renders PPM open flags by name (O_RDONLY|O_CLOEXEC); rules test them with `contains`.
void render_open_flags(std::string& out, uint32_t flags) {
    struct Flag {
        uint32_t bit;
        std::string_view name;
    };
    static constexpr Flag kFlags[] = {
        {KES_O_RDWR, "O_RDWR"},           {KES_O_RDONLY, "O_RDONLY"},
        {KES_O_WRONLY, "O_WRONLY"},       {KES_O_CREAT, "O_CREAT"},
        {KES_O_APPEND, "O_APPEND"},       {KES_O_DSYNC, "O_DSYNC"},
        {KES_O_EXCL, "O_EXCL"},           {KES_O_NONBLOCK, "O_NONBLOCK"},
        {KES_O_SYNC, "O_SYNC"},           {KES_O_TRUNC, "O_TRUNC"},
        {KES_O_DIRECT, "O_DIRECT"},       {KES_O_DIRECTORY, "O_DIRECTORY"},
        {KES_O_LARGEFILE, "O_LARGEFILE"}, {KES_O_CLOEXEC, "O_CLOEXEC"},
        {KES_O_TMPFILE, "O_TMPFILE"},     {KES_O_F_CREATED, "O_F_CREATED"},
    };
    uint32_t left = flags;
    for (const auto& f : kFlags) {
        if ((left & f.bit) == f.bit) {
            if (!out.empty()) {
                out.push_back('|');
            }
            out.append(f.name);
            left &= ~f.bit;
        }
    }
}

void render_errno(std::string& out, int64_t res) {
    if (res >= 0) {
        out.append("SUCCESS");
        return;
    }
    const char* name = strerrorname_np(static_cast<int>(-res));
    if (name != nullptr) {
        out.append(name);
    } else {
        append_int(out, res);
    }
}

void set_one(Slot& slot, const Value& v) {
    slot.values[0] = v;
    slot.count = 1;
}

void set_text(Slot& slot) { set_one(slot, Value::of_string(slot.text)); }

// evt.rawarg: the parameter as its typed value.
void extract_raw_param(const event::View& evt, int idx, Slot& slot) {
    const auto& prm = evt.info()->params[static_cast<size_t>(idx)];
    switch (prm.type) {
    case ParamType::kErrno:
    case ParamType::kFd:
    case ParamType::kPid:
    case ParamType::kInt64:
    case ParamType::kInt32:
        set_one(slot, Value::of_int(evt.param_int64(static_cast<size_t>(idx))));
        return;
    case ParamType::kCharbuf:
    case ParamType::kFspath:
    case ParamType::kFsrelpath:
        set_one(slot, Value::of_string(evt.param_string(static_cast<size_t>(idx))));
        return;
    case ParamType::kBytebuf:
    case ParamType::kSocktuple:
    case ParamType::kSockaddr: {
        auto b = evt.param(static_cast<size_t>(idx));
        set_one(slot, Value::of_string({reinterpret_cast<const char*>(b.data()), b.size()}));
        return;
    }
    default:
        set_one(slot, Value::of_uint(evt.param_uint(static_cast<size_t>(idx))));
        return;
    }
}

// evt.arg: the parameter rendered as text, as Falco does for the forms rules test (errno names,
// open flags by name, numbers in decimal, text as is). Resolved forms that need state (fd ->
// <f>/path, uid -> user name) are the numbers until the state module exists.
void extract_arg_param(const event::View& evt, int idx, Slot& slot) {
    auto i = static_cast<size_t>(idx);
    const auto& prm = evt.info()->params[i];
    slot.text.clear();
    switch (prm.type) {
    case ParamType::kCharbuf:
    case ParamType::kFspath:
    case ParamType::kFsrelpath:
        set_one(slot, Value::of_string(evt.param_string(i)));
        return;
    case ParamType::kBytebuf: {
        auto b = evt.param(i);
        set_one(slot, Value::of_string({reinterpret_cast<const char*>(b.data()), b.size()}));
        return;
    }
    case ParamType::kErrno: {
        int64_t v = evt.param_int64(i);
        if (v < 0) {
            render_errno(slot.text, v);
        } else {
            append_int(slot.text, v);
        }
        set_text(slot);
        return;
    }
    case ParamType::kFd:
    case ParamType::kPid:
    case ParamType::kInt64:
    case ParamType::kInt32:
        append_int(slot.text, evt.param_int64(i));
        set_text(slot);
        return;
    case ParamType::kFlags32:
        if (is_open_event(evt.type()) && prm.name == "flags") {
            render_open_flags(slot.text, static_cast<uint32_t>(evt.param_uint(i)));
            set_text(slot);
            return;
        }
        [[fallthrough]];
    case ParamType::kSocktuple:
    case ParamType::kSockaddr:
        if (prm.type != ParamType::kFlags32) {
            auto t = read_tuple(evt.param(i));
            if (prm.type == ParamType::kSocktuple && t.valid) {
                append_ip_port(slot.text, t.client, t.cport);
                slot.text.append("->");
                append_ip_port(slot.text, t.server, t.sport);
                set_text(slot);
            }
            return;
        }
        [[fallthrough]];
    default: {
        uint64_t v = evt.param_uint(i);
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof(buf), v);
        slot.text.append(buf, r.ptr);
        set_text(slot);
        return;
    }
    }
}

const ThreadInfo* thread_of(const EvalContext& ctx) {
    return ctx.state != nullptr ? ctx.state->thread(ctx.evt->tid()) : nullptr;
}

// fd.name without state: the path of an open-family event when absolute, or the socket tuple.
bool fd_name_from_event(const event::View& evt, Slot& slot) {
    const EventParams& p = event_params()[evt.type()];
    if (p.path >= 0 && is_open_event(evt.type())) {
        auto path = evt.param_string(static_cast<size_t>(p.path));
        if (!path.empty() && path[0] == '/') {
            set_one(slot, Value::of_string(path));
            return true;
        }
        return false;
    }
    if (p.tuple >= 0) {
        auto t = read_tuple(evt.param(static_cast<size_t>(p.tuple)));
        if (t.valid) {
            slot.text.clear();
            append_ip_port(slot.text, t.client, t.cport);
            slot.text.append("->");
            append_ip_port(slot.text, t.server, t.sport);
            set_text(slot);
            return true;
        }
    }
    return false;
}

const FdInfo* fd_of(const EvalContext& ctx) {
    const EventParams& p = event_params()[ctx.evt->type()];
    if (ctx.state == nullptr || p.fd < 0) {
        return nullptr;
    }
    return ctx.state->fd(ctx.evt->pid(), ctx.evt->param_int64(static_cast<size_t>(p.fd)));
}

void extract_fd_name(const EvalContext& ctx, Slot& slot) {
    if (const FdInfo* fd = fd_of(ctx); fd != nullptr) {
        set_one(slot, Value::of_string(fd->name));
        return;
    }
    fd_name_from_event(*ctx.evt, slot);
}

void extract_network(const Extractor& ex, const event::View& evt, Slot& slot) {
    const EventParams& p = event_params()[evt.type()];
    if (p.tuple < 0) {
        return;
    }
    Tuple t = read_tuple(evt.param(static_cast<size_t>(p.tuple)));
    if (!t.valid) {
        return;
    }
    bool server_local = local_is_server(evt.type());
    const IpAddr& lip = server_local ? t.server : t.client;
    const IpAddr& rip = server_local ? t.client : t.server;
    uint16_t lport = server_local ? t.sport : t.cport;
    uint16_t rport = server_local ? t.cport : t.sport;
    switch (ex.kind) {
    case FieldKind::kFdSip:
        set_one(slot, Value::of_ip(t.server));
        break;
    case FieldKind::kFdCip:
        set_one(slot, Value::of_ip(t.client));
        break;
    case FieldKind::kFdLip:
        set_one(slot, Value::of_ip(lip));
        break;
    case FieldKind::kFdRip:
        set_one(slot, Value::of_ip(rip));
        break;
    case FieldKind::kFdSport:
        set_one(slot, Value::of_uint(t.sport));
        break;
    case FieldKind::kFdCport:
        set_one(slot, Value::of_uint(t.cport));
        break;
    case FieldKind::kFdLport:
        set_one(slot, Value::of_uint(lport));
        break;
    case FieldKind::kFdRport:
        set_one(slot, Value::of_uint(rport));
        break;
    case FieldKind::kFdIp:
    case FieldKind::kFdNet:
        slot.values[0] = Value::of_ip(t.client);
        slot.values[1] = Value::of_ip(t.server);
        slot.count = 2;
        break;
    case FieldKind::kFdPort:
        slot.values[0] = Value::of_uint(t.cport);
        slot.values[1] = Value::of_uint(t.sport);
        slot.count = 2;
        break;
    default:
        break;
    }
}

void split_path(std::string_view path, std::string_view* dir, std::string_view* base) {
    auto pos = path.rfind('/');
    if (pos == std::string_view::npos) {
        *dir = {};
        *base = path;
        return;
    }
    *dir = pos == 0 ? path.substr(0, 1) : path.substr(0, pos);
    *base = path.substr(pos + 1);
}

void extract_thread_field(const Extractor& ex, const EvalContext& ctx, Slot& slot) {
    const ThreadInfo* t = thread_of(ctx);
    const event::View& evt = *ctx.evt;
    switch (ex.kind) {
    case FieldKind::kProcPid:
        set_one(slot, Value::of_int(evt.pid()));
        return;
    case FieldKind::kThreadTid:
        set_one(slot, Value::of_int(evt.tid()));
        return;
    case FieldKind::kProcName:
        // Without state the header's comm is the same thing Falco shows (task comm).
        set_one(slot, Value::of_string(t != nullptr ? t->comm : evt.comm()));
        return;
    default:
        break;
    }
    if (t == nullptr) {
        return;
    }
    switch (ex.kind) {
    case FieldKind::kProcExe:
        set_one(slot, Value::of_string(t->exe));
        break;
    case FieldKind::kProcExepath:
        set_one(slot, Value::of_string(t->exepath));
        break;
    case FieldKind::kProcArgs:
        set_one(slot, Value::of_string(t->args));
        break;
    case FieldKind::kProcCmdline:
        set_one(slot, Value::of_string(t->cmdline));
        break;
    case FieldKind::kProcCwd:
        set_one(slot, Value::of_string(t->cwd));
        break;
    case FieldKind::kProcPpid:
        set_one(slot, Value::of_int(t->ppid));
        break;
    case FieldKind::kProcVpid:
        set_one(slot, Value::of_int(t->vpid));
        break;
    case FieldKind::kProcTty:
        set_one(slot, Value::of_uint(t->tty));
        break;
    case FieldKind::kUserUid:
        set_one(slot, Value::of_uint(t->uid));
        break;
    case FieldKind::kUserName:
        if (!t->user_name.empty()) {
            set_one(slot, Value::of_string(t->user_name));
        }
        break;
    case FieldKind::kUserLoginuid:
        set_one(slot, Value::of_int(t->loginuid));
        break;
    case FieldKind::kContainerId:
        if (!t->container_id.empty()) {
            set_one(slot, Value::of_string(t->container_id));
        }
        break;
    default:
        break;
    }
}

void extract_evt_field(const Extractor& ex, const EvalContext& ctx, Slot& slot) {
    const event::View& evt = *ctx.evt;
    const EventParams& p = event_params()[evt.type()];
    switch (ex.kind) {
    case FieldKind::kEvtType:
        set_one(slot, Value::of_string(evt.info()->name));
        break;
    case FieldKind::kEvtNum:
        set_one(slot, Value::of_uint(ctx.evt_num));
        break;
    case FieldKind::kEvtRawtime:
        set_one(slot, Value::of_uint(evt.ts_ns()));
        break;
    case FieldKind::kEvtTimeS:
        set_one(slot, Value::of_uint(evt.ts_ns() / 1000000000ULL));
        break;
    case FieldKind::kEvtDir:
        set_one(slot, Value::of_string("<")); // every Kestrel event is an exit event
        break;
    case FieldKind::kEvtCpu:
        set_one(slot, Value::of_int(evt.cpu()));
        break;
    case FieldKind::kEvtCategory:
        set_one(slot, Value::of_string(evt.info()->category));
        break;
    case FieldKind::kEvtCount:
        set_one(slot, Value::of_uint(1)); // Falco: always 1, for aggregations
        break;
    case FieldKind::kEvtTypeIs:
        set_one(slot, Value::of_uint(evt.type() == ex.type_is ? 1 : 0));
        break;
    case FieldKind::kEvtRes:
    case FieldKind::kEvtRawres:
    case FieldKind::kEvtFailed: {
        if (p.ret < 0 || !evt.has_param(static_cast<size_t>(p.ret))) {
            break;
        }
        int64_t res = evt.param_int64(static_cast<size_t>(p.ret));
        if (ex.kind == FieldKind::kEvtRawres) {
            set_one(slot, Value::of_int(res));
        } else if (ex.kind == FieldKind::kEvtFailed) {
            set_one(slot, Value::of_bool(res < 0));
        } else {
            slot.text.clear();
            render_errno(slot.text, res);
            set_text(slot);
        }
        break;
    }
    case FieldKind::kEvtIsOpenRead:
    case FieldKind::kEvtIsOpenWrite:
    case FieldKind::kEvtIsOpenExec:
    case FieldKind::kEvtIsOpenCreate: {
        if (!is_open_event(evt.type()) || p.flags < 0) {
            set_one(slot, Value::of_bool(false));
            break;
        }
        auto flags = static_cast<uint32_t>(evt.param_uint(static_cast<size_t>(p.flags)));
        bool v = false;
        if (ex.kind == FieldKind::kEvtIsOpenRead) {
            v = (flags & KES_O_RDONLY) != 0;
        } else if (ex.kind == FieldKind::kEvtIsOpenWrite) {
            v = (flags & KES_O_WRONLY) != 0;
        } else if (ex.kind == FieldKind::kEvtIsOpenExec) {
            uint64_t mode = p.mode >= 0 ? evt.param_uint(static_cast<size_t>(p.mode)) : 0;
            v = (flags & (KES_O_CREAT | KES_O_TMPFILE)) != 0 && (mode & 0111) != 0;
        } else {
            bool ok = p.ret < 0 || evt.param_int64(static_cast<size_t>(p.ret)) >= 0;
            v = (flags & KES_O_F_CREATED) != 0 || ((flags & KES_O_TMPFILE) != 0 && ok);
        }
        set_one(slot, Value::of_bool(v));
        break;
    }
    case FieldKind::kEvtArg:
    case FieldKind::kEvtRawarg: {
        int idx = ex.index;
        if (idx < 0) {
            idx = ex.param_by_event[evt.type()];
        }
        if (idx < 0 || !evt.has_param(static_cast<size_t>(idx))) {
            break;
        }
        if (ex.kind == FieldKind::kEvtArg) {
            extract_arg_param(evt, idx, slot);
        } else {
            extract_raw_param(evt, idx, slot);
        }
        break;
    }
    default:
        break;
    }
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
            break;
        }
    }
    ex.any_side = ex.kind == FieldKind::kFdIp || ex.kind == FieldKind::kFdPort ||
                  ex.kind == FieldKind::kFdNet;
    if (ex.kind == FieldKind::kEvtArg || ex.kind == FieldKind::kEvtRawarg) {
        if (!has_arg) {
            return base::Error{base::ErrorCode::kInvalidArgument,
                               std::string(info.name) + " needs an argument"};
        }
        int n = -1;
        auto r = std::from_chars(arg.data(), arg.data() + arg.size(), n);
        if (r.ec == std::errc() && r.ptr == arg.data() + arg.size()) {
            ex.index = n;
        } else {
            for (const auto& e : event::all_events()) {
                if (e.id < KES_EVT_MAX) {
                    ex.param_by_event[e.id] = static_cast<int8_t>(event::param_index(e, arg));
                }
            }
        }
    }
    if (ex.kind == FieldKind::kEvtTypeIs) {
        const auto* e = event::find_event(arg);
        ex.type_is = e != nullptr ? e->id : 0;
    }
    if (ex.kind != FieldKind::kEvtArg && ex.kind != FieldKind::kEvtRawarg &&
        ex.kind != FieldKind::kEvtTypeIs && has_arg) {
        // Indexed forms (proc.aname[2], proc.env[HOME]) need state Kestrel does not have yet.
        ex.kind = FieldKind::kUnsupported;
    }
    return ex;
}

void extract(const Extractor& ex, const EvalContext& ctx, Slot& slot) {
    if (slot.epoch == ctx.epoch) {
        return;
    }
    slot.epoch = ctx.epoch;
    slot.count = 0;
    if (ctx.evt == nullptr || ctx.evt->info() == nullptr) {
        return;
    }
    switch (ex.kind) {
    case FieldKind::kUnsupported:
        return;
    case FieldKind::kProcPid:
    case FieldKind::kThreadTid:
    case FieldKind::kProcName:
    case FieldKind::kProcExe:
    case FieldKind::kProcExepath:
    case FieldKind::kProcArgs:
    case FieldKind::kProcCmdline:
    case FieldKind::kProcCwd:
    case FieldKind::kProcPpid:
    case FieldKind::kProcVpid:
    case FieldKind::kProcTty:
    case FieldKind::kUserUid:
    case FieldKind::kUserName:
    case FieldKind::kUserLoginuid:
    case FieldKind::kContainerId:
        extract_thread_field(ex, ctx, slot);
        return;
    case FieldKind::kFdNum: {
        const EventParams& p = event_params()[ctx.evt->type()];
        if (p.fd >= 0 && ctx.evt->has_param(static_cast<size_t>(p.fd))) {
            set_one(slot, Value::of_int(ctx.evt->param_int64(static_cast<size_t>(p.fd))));
        }
        return;
    }
    case FieldKind::kFdName:
    case FieldKind::kFdDirectory:
    case FieldKind::kFdFilename: {
        extract_fd_name(ctx, slot);
        if (ex.kind != FieldKind::kFdName && slot.count == 1) {
            std::string_view dir;
            std::string_view base;
            split_path(slot.values[0].s, &dir, &base);
            slot.values[0].s = ex.kind == FieldKind::kFdDirectory ? dir : base;
        }
        return;
    }
    case FieldKind::kFdTypechar: {
        if (const FdInfo* fd = fd_of(ctx); fd != nullptr) {
            slot.text.assign(1, fd->typechar);
            set_text(slot);
            return;
        }
        const EventParams& p = event_params()[ctx.evt->type()];
        char c = 0;
        if (is_open_event(ctx.evt->type())) {
            c = ctx.evt->type() == KES_EVT_OPEN ? 'o' : 'f';
        } else if (p.tuple >= 0) {
            auto t = read_tuple(ctx.evt->param(static_cast<size_t>(p.tuple)));
            c = t.valid ? (t.client.family == 4 ? '4' : '6') : 'u';
        }
        if (c != 0) {
            slot.text.assign(1, c);
            set_text(slot);
        }
        return;
    }
    case FieldKind::kFdSip:
    case FieldKind::kFdCip:
    case FieldKind::kFdLip:
    case FieldKind::kFdRip:
    case FieldKind::kFdSport:
    case FieldKind::kFdCport:
    case FieldKind::kFdLport:
    case FieldKind::kFdRport:
    case FieldKind::kFdIp:
    case FieldKind::kFdPort:
    case FieldKind::kFdNet:
        extract_network(ex, *ctx.evt, slot);
        return;
    default:
        extract_evt_field(ex, ctx, slot);
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
