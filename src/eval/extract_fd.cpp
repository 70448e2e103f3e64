// fd.* fields: the fd the event refers to, read from the event thread's fd table with
// libsinsp's semantics (sinsp_filtercheck_fd.cpp). When the table has no entry (a failed open,
// no state), the fields libsinsp derives from the event itself still are: fd.name from an open's
// path (made absolute against the dirfd or cwd) or a socket tuple, fd.typechar/fd.type from the
// event type, the addresses from the tuple.

#include <string_view>

#include "eval/extract_internal.hpp"
#include "eval/path.hpp"

namespace kestrel::eval::detail {

namespace {

bool is_file(const state::Fd& fd) {
    return fd.type == state::FdType::kFile || fd.type == state::FdType::kDirectory;
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

// fd.name without an fd-table entry: an open's path resolved like libsinsp does for a failed
// open, or the event's socket tuple.
bool fd_name_from_event(const EvalContext& ctx, Slot& slot) {
    const event::View& evt = *ctx.evt;
    const EventParams& p = event_params()[evt.type()];
    if (p.path >= 0 && is_open_event(evt.type())) {
        auto path = evt.param_string(static_cast<size_t>(p.path));
        if (path.empty()) {
            return false;
        }
        if (path[0] == '/') {
            // libsinsp normalizes the path it stores ("/etc/../etc/passwd" -> "/etc/passwd").
            join_path("/", path, slot.text);
            set_text(slot);
            return true;
        }
        const state::Thread* t = thread_of(ctx);
        if (t == nullptr) {
            return false;
        }
        std::string_view base = ctx.state->process(*t)->cwd;
        if (p.dirfd >= 0 && evt.has_param(static_cast<size_t>(p.dirfd))) {
            int64_t dirfd = evt.param_int64(static_cast<size_t>(p.dirfd));
            if (dirfd != state::Tables::kAtFdcwd) {
                const state::Fd* dir = ctx.state->find_fd(*t, dirfd);
                if (dir == nullptr) {
                    return false;
                }
                base = dir->name;
            }
        }
        join_path(base, path, slot.text);
        set_text(slot);
        return true;
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

// The fd kind libsinsp assumes from the event type when no entry exists (fd.typechar '\0':
// unknown).
char typechar_from_event(const event::View& evt) {
    const EventParams& p = event_params()[evt.type()];
    if (is_open_event(evt.type())) {
        return evt.type() == KES_EVT_OPEN ? 'o' : 'f';
    }
    if (p.tuple >= 0) {
        auto t = read_tuple(evt.param(static_cast<size_t>(p.tuple)));
        return t.valid ? (t.client.family == 4 ? '4' : '6') : 'u';
    }
    return 0;
}

std::string_view type_name_of_char(char c) {
    switch (c) {
    case 'f':
        return "file";
    case '4':
        return "ipv4";
    case '6':
        return "ipv6";
    case 'u':
        return "unix";
    default:
        return {};
    }
}

struct Ends {
    IpAddr sip;
    IpAddr cip;
    uint16_t sport = 0;
    uint16_t cport = 0;
    bool server_local = false;
};

// The socket's two ends: from the fd table, else from the event's tuple.
bool socket_ends(const EvalContext& ctx, const state::Fd* fd, Ends* out) {
    if (fd != nullptr) {
        if (!fd->is_ip_socket()) {
            return false;
        }
        out->sip = to_ip(fd->sip);
        out->cip = to_ip(fd->cip);
        out->sport = fd->sport;
        out->cport = fd->cport;
        out->server_local = fd->role == state::SockRole::kServer;
        return out->sip.family != 0 || out->cip.family != 0;
    }
    const EventParams& p = event_params()[ctx.evt->type()];
    if (p.tuple < 0) {
        return false;
    }
    Tuple t = read_tuple(ctx.evt->param(static_cast<size_t>(p.tuple)));
    if (!t.valid) {
        return false;
    }
    out->sip = t.server;
    out->cip = t.client;
    out->sport = t.sport;
    out->cport = t.cport;
    out->server_local = local_is_server(ctx.evt->type());
    return true;
}

void extract_network(const Extractor& ex, const EvalContext& ctx, const state::Fd* fd, Slot& slot) {
    Ends e;
    if (!socket_ends(ctx, fd, &e)) {
        return;
    }
    const IpAddr& lip = e.server_local ? e.sip : e.cip;
    const IpAddr& rip = e.server_local ? e.cip : e.sip;
    uint16_t lport = e.server_local ? e.sport : e.cport;
    uint16_t rport = e.server_local ? e.cport : e.sport;
    auto set_ip = [&](const IpAddr& ip) {
        if (ip.family != 0) {
            set_one(slot, Value::of_ip(ip));
        }
    };
    switch (ex.kind) {
    case FieldKind::kFdSip:
        set_ip(e.sip);
        break;
    case FieldKind::kFdCip:
        set_ip(e.cip);
        break;
    case FieldKind::kFdLip:
        set_ip(lip);
        break;
    case FieldKind::kFdRip:
        set_ip(rip);
        break;
    case FieldKind::kFdSport:
        set_one(slot, Value::of_uint(e.sport));
        break;
    case FieldKind::kFdCport:
        set_one(slot, Value::of_uint(e.cport));
        break;
    case FieldKind::kFdLport:
        set_one(slot, Value::of_uint(lport));
        break;
    case FieldKind::kFdRport:
        set_one(slot, Value::of_uint(rport));
        break;
    case FieldKind::kFdIp:
    case FieldKind::kFdNet:
        if (e.cip.family != 0) {
            slot.values[slot.count++] = Value::of_ip(e.cip);
        }
        if (e.sip.family != 0) {
            slot.values[slot.count++] = Value::of_ip(e.sip);
        }
        break;
    case FieldKind::kFdPort:
        slot.values[0] = Value::of_uint(e.cport);
        slot.values[1] = Value::of_uint(e.sport);
        slot.count = 2;
        break;
    default:
        break;
    }
}

} // namespace

bool event_fd_num(const event::View& evt, int64_t* out) {
    const EventParams& p = event_params()[evt.type()];
    if (p.fd < 0 || !evt.has_param(static_cast<size_t>(p.fd))) {
        return false;
    }
    int64_t v = evt.param_int64(static_cast<size_t>(p.fd));
    // An fd returned by the call (open, socket, accept): a failure is no fd, -1 as in libsinsp
    // (upstream's open_file_failed tests fd.num=-1), not the -errno.
    if (p.fd == p.ret && v < 0) {
        v = -1;
    }
    *out = v;
    return true;
}

void extract_fd_field(const Extractor& ex, const EvalContext& ctx, Slot& slot) {
    const event::View& evt = *ctx.evt;
    if (ex.kind == FieldKind::kFdNum) {
        int64_t num = -1;
        if (event_fd_num(evt, &num)) {
            set_one(slot, Value::of_int(num));
        }
        return;
    }
    const state::Fd* fd = fd_of(ctx);
    switch (ex.kind) {
    case FieldKind::kFdName:
    case FieldKind::kFdDirectory:
    case FieldKind::kFdFilename: {
        if (fd != nullptr) {
            if (ex.kind == FieldKind::kFdName) {
                set_string(slot, fd->name);
            } else if (is_file(*fd)) {
                // fd.filename of a directory is absent (libsinsp: only files have one).
                if (ex.kind == FieldKind::kFdDirectory) {
                    set_string(slot, fd->directory());
                } else if (fd->type == state::FdType::kFile) {
                    set_string(slot, fd->filename());
                }
            }
            return;
        }
        slot.text.clear();
        if (!fd_name_from_event(ctx, slot) || ex.kind == FieldKind::kFdName) {
            return;
        }
        std::string_view dir;
        std::string_view base;
        split_path(slot.values[0].s, &dir, &base);
        if (!is_open_event(evt.type())) {
            slot.count = 0; // a socket tuple has no directory or filename
            return;
        }
        slot.values[0].s = ex.kind == FieldKind::kFdDirectory ? dir : base;
        return;
    }
    case FieldKind::kFdNameraw:
        if (fd != nullptr) {
            set_string(slot, fd->nameraw.empty() ? std::string_view(fd->name)
                                                 : std::string_view(fd->nameraw));
        } else if (const EventParams& p = event_params()[evt.type()];
                   p.path >= 0 && is_open_event(evt.type())) {
            set_string(slot, evt.param_string(static_cast<size_t>(p.path)));
        }
        return;
    case FieldKind::kFdTypechar:
    case FieldKind::kFdType: {
        if (fd != nullptr) {
            if (ex.kind == FieldKind::kFdTypechar) {
                slot.text.assign(1, fd->typechar());
                set_text(slot);
            } else if (auto name = state::fd_type_name(fd->type); !name.empty()) {
                set_string(slot, name);
            }
            return;
        }
        char c = typechar_from_event(evt);
        if (c == 0) {
            return;
        }
        if (ex.kind == FieldKind::kFdTypechar) {
            slot.text.assign(1, c);
            set_text(slot);
        } else if (auto name = type_name_of_char(c); !name.empty()) {
            set_string(slot, name);
        }
        return;
    }
    case FieldKind::kFdL4proto:
        if (fd != nullptr) {
            // libsinsp prints "<NA>" (a value, not an absent field) for non-IP fds.
            auto name = state::l4proto_name(fd->l4proto);
            set_string(slot, name.empty() ? std::string_view("<NA>") : name);
        }
        return;
    case FieldKind::kFdSockfamily:
        if (fd != nullptr && fd->is_socket()) {
            set_string(slot, fd->type == state::FdType::kUnixSock ? "unix" : "ip");
        }
        return;
    case FieldKind::kFdIsServer:
        if (fd != nullptr) {
            set_one(slot, Value::of_bool(fd->role == state::SockRole::kServer));
        }
        return;
    case FieldKind::kFdConnected:
        if (fd != nullptr) {
            set_one(slot, Value::of_bool(fd->connected));
        }
        return;
    case FieldKind::kFdNameChanged:
        // This event gave the fd a new name (a datagram socket's tuple from sendto/recvfrom).
        if (fd != nullptr && ctx.state != nullptr) {
            set_one(slot, Value::of_bool(ctx.state->fd_name_changed()));
        }
        return;
    case FieldKind::kFdDev:
        if (fd != nullptr) {
            set_one(slot, Value::of_uint(fd->dev));
        }
        return;
    case FieldKind::kFdIno:
        if (fd != nullptr) {
            set_one(slot, Value::of_uint(fd->ino));
        }
        return;
    default:
        extract_network(ex, ctx, fd, slot);
        return;
    }
}

} // namespace kestrel::eval::detail
