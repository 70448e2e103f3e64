// evt.* fields: the record's header and parameters, rendered as Falco renders them (errno and
// open flag names, fds and ids resolved through the state tables when known).

#include <algorithm>
#include <charconv>
#include <cstring> // strerrorname_np (a GNU extension of string.h)
#include <iterator>

#include "eval/extract_internal.hpp"
#include "eval/path.hpp"
#include "hooks/hook_flags.h" // bpf/: page_fault's PPM error flags

namespace kestrel::eval::detail {

namespace {

using event::ParamType;

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

// ptrace's request is an enum (PPM_PTRACE_*, bpf/proc_flags.h), rendered by name as Falco does
// (rules: evt.arg.request contains PTRACE_ATTACH).
void render_ptrace_request(std::string& out, uint64_t request) {
    static constexpr std::string_view kNames[] = {
        "PTRACE_UNKNOWN",
        "PTRACE_TRACEME",
        "PTRACE_PEEKTEXT",
        "PTRACE_PEEKDATA",
        "PTRACE_PEEKUSR",
        "PTRACE_POKETEXT",
        "PTRACE_POKEDATA",
        "PTRACE_POKEUSR",
        "PTRACE_CONT",
        "PTRACE_KILL",
        "PTRACE_SINGLESTEP",
        "PTRACE_ATTACH",
        "PTRACE_DETACH",
        "PTRACE_SYSCALL",
        "PTRACE_SETOPTIONS",
        "PTRACE_GETEVENTMSG",
        "PTRACE_GETSIGINFO",
        "PTRACE_SETSIGINFO",
        "PTRACE_GETREGSET",
        "PTRACE_SETREGSET",
        "PTRACE_SEIZE",
        "PTRACE_INTERRUPT",
        "PTRACE_LISTEN",
        "PTRACE_PEEKSIGINFO",
        "PTRACE_GETSIGMASK",
        "PTRACE_SETSIGMASK",
        "PTRACE_GETREGS",
        "PTRACE_SETREGS",
        "PTRACE_GETFPREGS",
        "PTRACE_SETFPREGS",
        "PTRACE_GETFPXREGS",
        "PTRACE_SETFPXREGS",
        "PTRACE_OLDSETOPTIONS",
        "PTRACE_GET_THREAD_AREA",
        "PTRACE_SET_THREAD_AREA",
        "PTRACE_ARCH_PRCTL",
        "PTRACE_SYSEMU",
        "PTRACE_SYSEMU_SINGLESTEP",
        "PTRACE_SINGLEBLOCK",
    };
    out.append(request < std::size(kNames) ? kNames[request] : kNames[0]);
}

// A file mode (chmod family) by its bit names, in Falco's table order (rules: evt.arg.mode
// contains S_ISUID). The bits are Linux's, which PPM_S_* keep.
void render_mode(std::string& out, uint64_t mode) {
    struct Bit {
        uint32_t bit;
        std::string_view name;
    };
    static constexpr Bit kBits[] = {
        {01, "S_IXOTH"},   {02, "S_IWOTH"},    {04, "S_IROTH"},    {010, "S_IXGRP"},
        {020, "S_IWGRP"},  {040, "S_IRGRP"},   {0100, "S_IXUSR"},  {0200, "S_IWUSR"},
        {0400, "S_IRUSR"}, {01000, "S_ISVTX"}, {02000, "S_ISGID"}, {04000, "S_ISUID"},
    };
    bool first = true;
    for (const Bit& b : kBits) {
        if ((mode & b.bit) != 0) {
            if (!first) {
                out.push_back('|');
            }
            out.append(b.name);
            first = false;
        }
    }
}

// page_fault's error flags by name, in Falco's table order (pf_flags).
void render_page_fault_flags(std::string& out, uint64_t flags) {
    struct Flag {
        uint32_t bit;
        std::string_view name;
    };
    static constexpr Flag kFlags[] = {
        {KES_PF_PROTECTION_VIOLATION, "PROTECTION_VIOLATION"},
        {KES_PF_PAGE_NOT_PRESENT, "PAGE_NOT_PRESENT"},
        {KES_PF_WRITE_ACCESS, "WRITE_ACCESS"},
        {KES_PF_READ_ACCESS, "READ_ACCESS"},
        {KES_PF_USER_FAULT, "USER_FAULT"},
        {KES_PF_SUPERVISOR_FAULT, "SUPERVISOR_FAULT"},
        {KES_PF_RESERVED_PAGE, "RESERVED_PAGE"},
        {KES_PF_INSTRUCTION_FETCH, "INSTRUCTION_FETCH"},
    };
    bool first = true;
    for (const Flag& f : kFlags) {
        if ((flags & f.bit) != 0) {
            if (!first) {
                out.push_back('|');
            }
            out.append(f.name);
            first = false;
        }
    }
}

// A signal by its name, as libsinsp's signal_to_str (SIGKILL, SIGUSR1); others by number.
void render_signal(std::string& out, uint64_t sig) {
    static constexpr std::string_view kNames[] = {
        "",          "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
        "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
    };
    if (sig != 0 && sig < std::size(kNames)) {
        out.append(kNames[sig]);
    } else {
        append_int(out, static_cast<int64_t>(sig));
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

// The fd a parameter names, rendered as libsinsp's resolved form "<f>/etc/passwd",
// "<4t>10.0.0.1:5->10.0.0.2:80".
bool render_fd(const EvalContext& ctx, int64_t num, std::string& out) {
    const state::Thread* t = thread_of(ctx);
    const state::Fd* fd = t != nullptr ? ctx.state->find_fd(*t, num) : nullptr;
    if (fd == nullptr) {
        return false;
    }
    out.push_back('<');
    out.push_back(fd->typechar());
    if (fd->is_ip_socket()) {
        // libsinsp adds the L4 protocol to IP sockets: "<4t>", "<6u>".
        switch (fd->l4proto) {
        case state::L4Proto::kTcp:
            out.push_back('t');
            break;
        case state::L4Proto::kUdp:
            out.push_back('u');
            break;
        case state::L4Proto::kIcmp:
            out.push_back('i');
            break;
        case state::L4Proto::kRaw:
            out.push_back('r');
            break;
        default:
            break;
        }
    }
    out.push_back('>');
    out.append(fd->name);
    return true;
}

// The dirfd parameter a relative path parameter is resolved against (libsinsp pairs them per
// event: openat's name with dirfd, renameat's oldpath with olddirfd ...); -1: the cwd.
int dirfd_param_of(const event::EventInfo& info, std::string_view path_param) {
    std::string_view dirfd = "dirfd";
    if (path_param == "oldpath") {
        dirfd = "olddirfd";
    } else if (path_param == "newpath") {
        dirfd = "newdirfd";
    } else if (path_param == "linkpath") {
        dirfd = "linkdirfd";
    }
    return event::param_index(info, dirfd);
}

// A relative path parameter made absolute the way libsinsp resolves it: FSRELPATH against its
// dirfd (AT_FDCWD or none: the cwd), FSPATH against the cwd.
bool render_path(const EvalContext& ctx, size_t i, std::string_view path, std::string& out) {
    if (path.empty() || path[0] == '/') {
        return false;
    }
    const state::Thread* t = thread_of(ctx);
    if (t == nullptr) {
        return false;
    }
    std::string_view base = ctx.state->process(*t)->cwd;
    const event::View& evt = *ctx.evt;
    const auto& prm = evt.info()->params[i];
    int dirfd_idx = prm.type == ParamType::kFsrelpath ? dirfd_param_of(*evt.info(), prm.name) : -1;
    if (dirfd_idx >= 0 && evt.has_param(static_cast<size_t>(dirfd_idx))) {
        int64_t dirfd = evt.param_int64(static_cast<size_t>(dirfd_idx));
        if (dirfd != state::Tables::kAtFdcwd) {
            const state::Fd* dir = ctx.state->find_fd(*t, dirfd);
            if (dir == nullptr) {
                return false;
            }
            base = dir->name;
        }
    }
    join_path(base, path, out);
    return true;
}

// Appends parameter `i` as evt.arg shows it; false when the parameter has no text form. A
// string result may instead be returned in *direct (a view into the record, no copy).
bool render_param(const EvalContext& ctx, size_t i, std::string& out, std::string_view* direct) {
    const event::View& evt = *ctx.evt;
    const auto& prm = evt.info()->params[i];
    switch (prm.type) {
    case ParamType::kCharbuf:
        *direct = evt.param_string(i);
        return true;
    case ParamType::kFspath:
    case ParamType::kFsrelpath: {
        auto path = evt.param_string(i);
        if (ctx.state != nullptr && render_path(ctx, i, path, out)) {
            return true;
        }
        *direct = path;
        return true;
    }
    case ParamType::kBytebuf: {
        auto b = evt.param(i);
        *direct = {reinterpret_cast<const char*>(b.data()), b.size()};
        return true;
    }
    case ParamType::kErrno: {
        int64_t v = evt.param_int64(i);
        if (v < 0) {
            render_errno(out, v);
        } else {
            append_int(out, v);
        }
        return true;
    }
    case ParamType::kFd: {
        int64_t v = evt.param_int64(i);
        if (ctx.state != nullptr && v >= 0 && render_fd(ctx, v, out)) {
            return true;
        }
        append_int(out, v);
        return true;
    }
    case ParamType::kUid:
    case ParamType::kGid: {
        auto id = static_cast<uint32_t>(evt.param_uint(i));
        if (ctx.state != nullptr) {
            // libsinsp shows the name of a known user or group (rules: evt.arg.uid=nobody).
            if (prm.type == ParamType::kUid) {
                if (const state::User* u = ctx.state->find_user(id); u != nullptr) {
                    *direct = u->name;
                    return true;
                }
            } else if (const state::Group* g = ctx.state->find_group(id); g != nullptr) {
                *direct = g->name;
                return true;
            }
        }
        append_int(out, id);
        return true;
    }
    case ParamType::kPid:
    case ParamType::kInt64:
    case ParamType::kInt32:
        append_int(out, evt.param_int64(i));
        return true;
    case ParamType::kFlags32:
        if (is_open_event(evt.type()) && prm.name == "flags") {
            render_open_flags(out, static_cast<uint32_t>(evt.param_uint(i)));
            return true;
        }
        if (evt.type() == KES_EVT_PAGE_FAULT && prm.name == "error") {
            render_page_fault_flags(out, evt.param_uint(i));
            return true;
        }
        break;
    case ParamType::kSigtype:
        render_signal(out, evt.param_uint(i));
        return true;
    case ParamType::kEnumflags16:
        if (evt.type() == KES_EVT_PTRACE && prm.name == "request") {
            render_ptrace_request(out, evt.param_uint(i));
            return true;
        }
        break;
    case ParamType::kMode:
        render_mode(out, evt.param_uint(i));
        return true;
    case ParamType::kSocktuple: {
        auto t = read_tuple(evt.param(i));
        if (!t.valid) {
            return false;
        }
        append_ip_port(out, t.client, t.cport);
        out.append("->");
        append_ip_port(out, t.server, t.sport);
        return true;
    }
    case ParamType::kSockaddr:
        return false;
    default:
        break;
    }
    uint64_t v = evt.param_uint(i);
    char buf[24];
    // page_fault's addresses are PF_HEX in Falco's event table: upper-case hex, no prefix.
    bool hex = evt.type() == KES_EVT_PAGE_FAULT && prm.type == ParamType::kUint64;
    auto r = std::to_chars(buf, buf + sizeof(buf), v, hex ? 16 : 10);
    if (hex) {
        std::transform(buf, r.ptr, buf, [](char c) { return c >= 'a' ? c - 'a' + 'A' : c; });
    }
    out.append(buf, r.ptr);
    return true;
}

// evt.arg: the parameter rendered as text, resolved form preferred (see render_param).
void extract_arg_param(const EvalContext& ctx, int idx, Slot& slot) {
    slot.text.clear();
    std::string_view direct;
    if (!render_param(ctx, static_cast<size_t>(idx), slot.text, &direct)) {
        return;
    }
    if (direct.data() != nullptr) {
        set_string(slot, direct);
    } else {
        set_text(slot);
    }
}

// evt.args: every parameter as "name=value", space separated (output only).
void extract_all_args(const EvalContext& ctx, Slot& slot) {
    slot.text.clear();
    const event::View& evt = *ctx.evt;
    const auto& params = evt.info()->params;
    for (size_t i = 0; i < params.size(); ++i) {
        if (!evt.has_param(i)) {
            continue;
        }
        if (!slot.text.empty()) {
            slot.text.push_back(' ');
        }
        slot.text.append(params[i].name);
        slot.text.push_back('=');
        std::string_view direct;
        if (render_param(ctx, i, slot.text, &direct) && direct.data() != nullptr) {
            slot.text.append(direct);
        }
    }
    set_text(slot);
}

} // namespace

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
        // Live events are all exits; only old captures deliver enter events (scap README).
        set_one(slot, Value::of_string((evt.flags() & KES_HDR_F_ENTER) != 0 ? ">" : "<"));
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
            idx = ex.param_by_event[evt.type()]; // NOLINT(bugprone-signed-char-misuse): -1 = none
        }
        if (idx < 0 || !evt.has_param(static_cast<size_t>(idx))) {
            break;
        }
        if (ex.kind == FieldKind::kEvtArg) {
            extract_arg_param(ctx, idx, slot);
        } else {
            extract_raw_param(evt, idx, slot);
        }
        break;
    }
    case FieldKind::kEvtArgs:
        extract_all_args(ctx, slot);
        break;
    default:
        break;
    }
}

} // namespace kestrel::eval::detail
