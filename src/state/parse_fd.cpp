// Fd events: open family, close, close_range, dup family, fcntl, socket/bind/listen/connect/
// accept, send/recv tuples, pipe/pipe2, socketpair, memfd_create, eventfd, signalfd, timerfd,
// inotify, chdir/fchdir. Semantics follow libsinsp's parsers.cpp
// (parse_open_openat_creat_exit, parse_dirfd, add_socket, parse_connect_exit, parse_accept_exit,
// parse_dup_exit, parse_fcntl_exit, parse_close_exit...).

#include <charconv>
#include <utility>

#include "fs_flags.h" // bpf/: PPM flag values of the fd syscalls
#include "gen/kestrel_events.h"
#include "state/internal.hpp"
#include "state/parsers.hpp"

namespace kestrel::state {
namespace {

// PPM fcntl commands (driver/ppm_events_public.h PPM_FCNTL_*).
constexpr uint64_t kPpmFcntlDupfd = 1;
constexpr uint64_t kPpmFcntlSetfd = 3;
constexpr uint64_t kPpmFcntlDupfdCloexec = 26;
constexpr uint64_t kFdCloexec = 1; // FD_CLOEXEC
// PPM memfd_create flags (PPM_MFD_CLOEXEC).
constexpr uint64_t kPpmMfdCloexec = 1;
// Linux values carried raw in socket()/accept4() parameters.
constexpr uint32_t kSockCloexec = 02000000;
constexpr uint32_t kSockTypeMask = 0xf;
constexpr uint32_t kSockStream = 1;
constexpr uint32_t kSockDgram = 2;
constexpr uint32_t kSockRaw = 3;
constexpr uint32_t kIpprotoIp = 0;
constexpr uint32_t kIpprotoIcmp = 1;
constexpr uint32_t kIpprotoTcp = 6;
constexpr uint32_t kIpprotoUdp = 17;
constexpr uint32_t kIpprotoIcmpv6 = 58;
constexpr uint32_t kIpprotoRaw = 255;
constexpr int64_t kEinprogress = -115;

// An fd or return-value parameter; -1 (no fd, failure) when absent, so that a record without it
// never touches fd 0.
int64_t fd_param(const event::View& evt, size_t index) {
    return evt.has_param(index) ? evt.param_int64(index) : -1;
}

// libsinsp add_socket's l4 protocol choice.
L4Proto l4proto_of(uint32_t type, uint32_t proto) {
    uint32_t base = type & kSockTypeMask;
    switch (proto) {
    case kIpprotoTcp:
        return base == kSockRaw ? L4Proto::kRaw : L4Proto::kTcp;
    case kIpprotoUdp:
        return base == kSockRaw ? L4Proto::kRaw : L4Proto::kUdp;
    case kIpprotoIcmp:
    case kIpprotoIcmpv6:
        return base == kSockRaw ? L4Proto::kRaw : L4Proto::kIcmp;
    case kIpprotoRaw:
        return L4Proto::kRaw;
    case kIpprotoIp:
        if (base == kSockStream) {
            return L4Proto::kTcp;
        }
        if (base == kSockDgram) {
            return L4Proto::kUdp;
        }
        return base == kSockRaw ? L4Proto::kRaw : L4Proto::kUnknown;
    default:
        return L4Proto::kUnknown;
    }
}

// Fills an IP or unix socket fd from a tuple whose source is the client.
void set_tuple(Fd& fd, const detail::SockTuple& tuple, SockRole role) {
    if (tuple.family == KES_AF_UNIX) {
        fd.type = FdType::kUnixSock;
        fd.unix_src = tuple.unix_src;
        fd.unix_dst = tuple.unix_dst;
        fd.role = role;
        detail::build_unix_name(fd, tuple.path);
        return;
    }
    fd.cip = tuple.src;
    fd.sip = tuple.dst;
    fd.cport = tuple.sport;
    fd.sport = tuple.dport;
    fd.type = tuple.family == KES_AF_INET ? FdType::kIpv4Sock : FdType::kIpv6Sock;
    if (fd.type == FdType::kIpv6Sock) {
        IpAddr c = fd.cip;
        IpAddr s = fd.sip;
        if (detail::unmap_ipv4(c) && detail::unmap_ipv4(s)) {
            fd.cip = c;
            fd.sip = s;
            fd.type = FdType::kIpv4Sock;
        }
    }
    fd.role = role;
    detail::build_tuple_name(fd);
}

// The directory an *at() path is relative to, or false when state cannot tell (libsinsp's
// "<UNKNOWN>").
bool dirfd_base(Tables& t, Thread& thread, int64_t dirfd, std::string_view name,
                std::string_view* dir) {
    if (!name.empty() && name[0] == '/') {
        *dir = "/";
        return true;
    }
    Process& p = *thread.process;
    if (dirfd == Tables::kAtFdcwd) {
        *dir = p.cwd;
        return true;
    }
    auto it = p.fds.find(dirfd);
    if (it == p.fds.end()) {
        (void)t;
        return false;
    }
    *dir = it->second.name;
    return true;
}

struct FdParams {
    int fd = -1;
    int dirfd = -1;
    int name = -1;
    int flags = -1;
    int dev = -1;
    int ino = -1;
};

void on_open(Tables& t, Thread& thread, const event::View& evt, std::string& scratch) {
    FdParams p;
    bool cwd_relative = false;
    switch (evt.type()) {
    case KES_EVT_OPEN:
        p = {KES_P_OPEN_FD, -1, KES_P_OPEN_NAME, KES_P_OPEN_FLAGS, KES_P_OPEN_DEV, KES_P_OPEN_INO};
        cwd_relative = true;
        break;
    case KES_EVT_OPENAT:
        p = {KES_P_OPENAT_FD,    KES_P_OPENAT_DIRFD, KES_P_OPENAT_NAME,
             KES_P_OPENAT_FLAGS, KES_P_OPENAT_DEV,   KES_P_OPENAT_INO};
        break;
    case KES_EVT_OPENAT2:
        p = {KES_P_OPENAT2_FD,    KES_P_OPENAT2_DIRFD, KES_P_OPENAT2_NAME,
             KES_P_OPENAT2_FLAGS, KES_P_OPENAT2_DEV,   KES_P_OPENAT2_INO};
        break;
    case KES_EVT_CREAT:
        p = {KES_P_CREAT_FD, -1, KES_P_CREAT_NAME, -1, KES_P_CREAT_DEV, KES_P_CREAT_INO};
        cwd_relative = true;
        break;
    case KES_EVT_OPEN_BY_HANDLE_AT:
        // The probe resolves the handle to an absolute path: mountfd plays no part.
        p = {KES_P_OPEN_BY_HANDLE_AT_FD,   -1,
             KES_P_OPEN_BY_HANDLE_AT_PATH, KES_P_OPEN_BY_HANDLE_AT_FLAGS,
             KES_P_OPEN_BY_HANDLE_AT_DEV,  KES_P_OPEN_BY_HANDLE_AT_INO};
        cwd_relative = true;
        break;
    default:
        return;
    }
    int64_t num = fd_param(evt, static_cast<size_t>(p.fd));
    if (num < 0) {
        return; // failed open: no fd (the evaluator takes fd.name from the event)
    }
    std::string_view name = evt.param_string(static_cast<size_t>(p.name));
    Process& proc = *thread.process;
    std::string_view dir = "/";
    if (cwd_relative) {
        dir = proc.cwd.empty() ? std::string_view("/") : std::string_view(proc.cwd);
    } else if (!dirfd_base(t, thread,
                           evt.has_param(static_cast<size_t>(p.dirfd))
                               ? evt.param_int64(static_cast<size_t>(p.dirfd))
                               : Tables::kAtFdcwd,
                           name, &dir)) {
        dir = "<UNKNOWN>";
    }
    if (dir == "<UNKNOWN>") {
        scratch.assign("<UNKNOWN>");
        scratch.append(name);
    } else {
        detail::join_path(dir, name, scratch);
    }
    uint32_t flags =
        p.flags >= 0 ? static_cast<uint32_t>(evt.param_uint(static_cast<size_t>(p.flags))) : 0;
    Fd* fd = Parsers::add_fd(t, proc, num);
    if (fd == nullptr) {
        return;
    }
    fd->type = (flags & KES_O_DIRECTORY) != 0 ? FdType::kDirectory : FdType::kFile;
    fd->openflags = flags;
    fd->cloexec = (flags & KES_O_CLOEXEC) != 0;
    fd->dev = static_cast<uint32_t>(evt.param_uint(static_cast<size_t>(p.dev)));
    fd->ino = evt.param_uint(static_cast<size_t>(p.ino));
    fd->nameraw.assign(name);
    detail::set_fd_path(*fd, scratch);
}

// dup/dup2/dup3/fcntl(F_DUPFD*): `newfd` becomes a copy of `oldfd` (replacing any open entry).
void dup_fd(Tables& t, Process& p, int64_t oldfd, int64_t newfd, bool cloexec) {
    if (newfd < 0 || newfd == oldfd) {
        return;
    }
    auto it = p.fds.find(oldfd);
    if (it == p.fds.end()) {
        // Unknown source: whatever newfd was, it is not that any more.
        Parsers::erase_fd(t, p, newfd);
        return;
    }
    // Element references survive a rehash: `src` stays valid while newfd is inserted.
    const Fd* src = &it->second;
    Fd* fd = Parsers::add_fd(t, p, newfd);
    if (fd == nullptr) {
        return;
    }
    *fd = *src; // copy-assign: the strings reuse newfd's capacity
    fd->num = newfd;
    // FD_CLOEXEC belongs to the descriptor, not the open file: dup clears it, dup3/F_DUPFD_CLOEXEC
    // set it.
    fd->cloexec = cloexec;
    fd->openflags = cloexec ? (fd->openflags | KES_O_CLOEXEC) : (fd->openflags & ~KES_O_CLOEXEC);
}

void on_socket(Tables& t, Process& p, const event::View& evt) {
    int64_t num = fd_param(evt, KES_P_SOCKET_FD);
    if (num < 0) {
        return;
    }
    auto domain = static_cast<uint32_t>(evt.param_uint(KES_P_SOCKET_DOMAIN));
    auto type = static_cast<uint32_t>(evt.param_uint(KES_P_SOCKET_TYPE));
    auto proto = static_cast<uint32_t>(evt.param_uint(KES_P_SOCKET_PROTO));
    Fd* fd = Parsers::add_fd(t, p, num);
    if (fd == nullptr) {
        return;
    }
    fd->cloexec = (type & kSockCloexec) != 0;
    if (domain == KES_AF_UNIX) {
        fd->type = FdType::kUnixSock;
    } else if (domain == KES_AF_INET || domain == KES_AF_INET6) {
        fd->type = domain == KES_AF_INET ? FdType::kIpv4Sock : FdType::kIpv6Sock;
        fd->l4proto = l4proto_of(type, proto);
    } else if (domain == 16) { // AF_NETLINK (same value in PPM and Linux)
        fd->type = FdType::kNetlink;
    }
}

void on_bind(Process& p, const event::View& evt) {
    if (fd_param(evt, KES_P_BIND_RES) < 0) {
        return;
    }
    auto it = p.fds.find(fd_param(evt, KES_P_BIND_FD));
    detail::SockAddr addr;
    if (it == p.fds.end() || !detail::read_sockaddr(evt.param(KES_P_BIND_ADDR), &addr)) {
        return;
    }
    Fd& fd = it->second;
    if (addr.family == KES_AF_UNIX) {
        detail::set_fd_path(fd, addr.path);
        fd.last_slash = std::string::npos;
        return;
    }
    // A bound socket: its local address is the server side until connect/accept say otherwise;
    // with a port it is a server socket (libsinsp parse_bind_exit: SERVSOCK, role server).
    if (detail::unmap_ipv4(addr.ip)) {
        fd.type = FdType::kIpv4Sock;
    }
    fd.sip = addr.ip;
    fd.sport = addr.port;
    if (addr.port > 0) {
        fd.role = SockRole::kServer;
    }
    fd.name.clear();
    detail::append_ip_port(fd.name, addr.ip, addr.port);
    fd.last_slash = std::string::npos;
}

void on_connect(Tables& t, Process& p, const event::View& evt) {
    int64_t res = fd_param(evt, KES_P_CONNECT_RES);
    if (res < 0 && res != kEinprogress) {
        return;
    }
    detail::SockTuple tuple;
    if (!detail::read_socktuple(evt.param(KES_P_CONNECT_TUPLE), &tuple)) {
        return;
    }
    int64_t num = fd_param(evt, KES_P_CONNECT_FD);
    Fd* fd = Parsers::lookup_fd(t, p, num);
    if (fd == nullptr) {
        // The socket() was missed: start the entry from the tuple.
        fd = Parsers::add_fd(t, p, num);
        if (fd == nullptr) {
            return;
        }
    }
    set_tuple(*fd, tuple, SockRole::kClient);
    // EINPROGRESS: pending until the connection completes (libsinsp marks it pending too).
    fd->connected = res == 0;
}

void on_accept(Tables& t, Process& p, const event::View& evt, bool accept4) {
    int64_t num = fd_param(evt, accept4 ? size_t{KES_P_ACCEPT4_FD} : size_t{KES_P_ACCEPT_FD});
    if (num < 0) {
        return;
    }
    detail::SockTuple tuple;
    bool have_tuple = detail::read_socktuple(
        evt.param(accept4 ? size_t{KES_P_ACCEPT4_TUPLE} : size_t{KES_P_ACCEPT_TUPLE}), &tuple);
    Fd* fd = Parsers::add_fd(t, p, num);
    if (fd == nullptr) {
        return;
    }
    if (accept4) {
        fd->cloexec =
            (static_cast<uint32_t>(evt.param_uint(KES_P_ACCEPT4_FLAGS)) & kSockCloexec) != 0;
    }
    if (!have_tuple) {
        return;
    }
    // accept's tuple is (peer, self): the peer is the client, this end the server.
    set_tuple(*fd, tuple, SockRole::kServer);
    fd->connected = true;
    if (fd->is_ip_socket()) {
        fd->l4proto = L4Proto::kTcp; // only connection-oriented sockets accept
    }
}

// Applies a send/recv tuple to a datagram socket and records whether its name changed
// (Tables::fd_name_changed). Compares the addresses, not the strings: no copy on the hot path.
void retuple(Tables& t, Fd& fd, const detail::SockTuple& tuple, SockRole role) {
    const IpAddr cip = fd.cip;
    const IpAddr sip = fd.sip;
    const uint16_t cport = fd.cport;
    const uint16_t sport = fd.sport;
    const FdType type = fd.type;
    set_tuple(fd, tuple, role);
    Parsers::set_fd_name_changed(t, fd.cip != cip || fd.sip != sip || fd.cport != cport ||
                                        fd.sport != sport || fd.type != type);
}

// sendto/sendmsg on an unconnected UDP socket: the tuple gives the socket its name (libsinsp
// updates it the same way and flags fd.name_changed).
void on_send(Tables& t, Process& p, const event::View& evt, size_t fd_index, size_t tuple_index) {
    if (fd_param(evt, 0) < 0) {
        return;
    }
    detail::SockTuple tuple;
    if (!detail::read_socktuple(evt.param(tuple_index), &tuple) || tuple.family == KES_AF_UNIX) {
        return;
    }
    int64_t num = fd_param(evt, fd_index);
    Fd* fd = Parsers::lookup_fd(t, p, num);
    if (fd == nullptr) {
        // The socket() was missed: libsinsp guesses a UDP socket
        // (infer_send_sendto_sendmsg_fdinfo).
        fd = Parsers::add_fd(t, p, num);
        if (fd == nullptr) {
            return;
        }
        fd->l4proto = L4Proto::kUdp;
        retuple(t, *fd, tuple, SockRole::kClient);
        return;
    }
    if (!fd->is_ip_socket() || fd->role != SockRole::kNone || fd->l4proto == L4Proto::kTcp) {
        return;
    }
    retuple(t, *fd, tuple, SockRole::kClient);
}

// recvfrom/recvmsg on a datagram socket (or one whose name is still unknown): the tuple names
// the socket, remote side first (libsinsp parse_rw_exit + update_fd). A socket with no role yet
// is taken as the server (libsinsp's guess for a socket whose first I/O is a read); a client
// keeps its own address as the client side.
void on_recv(Tables& t, Process& p, const event::View& evt, size_t fd_index, size_t tuple_index) {
    if (fd_param(evt, 0) < 0) {
        return;
    }
    detail::SockTuple tuple;
    if (!detail::read_socktuple(evt.param(tuple_index), &tuple) || tuple.family == KES_AF_UNIX) {
        return;
    }
    Fd* fd = Parsers::lookup_fd(t, p, fd_param(evt, fd_index));
    if (fd == nullptr || !fd->is_ip_socket() ||
        (fd->l4proto == L4Proto::kTcp && !fd->name.empty())) {
        return;
    }
    if (fd->role == SockRole::kClient) {
        std::swap(tuple.src, tuple.dst);
        std::swap(tuple.sport, tuple.dport);
        retuple(t, *fd, tuple, SockRole::kClient);
        return;
    }
    retuple(t, *fd, tuple, SockRole::kServer);
}

// pipe and pipe2 (whose flags may say O_CLOEXEC for both ends).
void on_pipe(Tables& t, Process& p, const event::View& evt) {
    bool pipe2 = evt.type() == KES_EVT_PIPE2;
    if (fd_param(evt, pipe2 ? size_t{KES_P_PIPE2_RES} : size_t{KES_P_PIPE_RES}) < 0) {
        return;
    }
    uint64_t ino = evt.param_uint(pipe2 ? size_t{KES_P_PIPE2_INO} : size_t{KES_P_PIPE_INO});
    bool cloexec = pipe2 && (evt.param_uint(KES_P_PIPE2_FLAGS) & KES_O_CLOEXEC) != 0;
    std::initializer_list<size_t> ends = {size_t{KES_P_PIPE_FD1}, size_t{KES_P_PIPE_FD2}};
    std::initializer_list<size_t> ends2 = {size_t{KES_P_PIPE2_FD1}, size_t{KES_P_PIPE2_FD2}};
    for (size_t idx : pipe2 ? ends2 : ends) {
        Fd* fd = Parsers::add_fd(t, p, fd_param(evt, idx));
        if (fd == nullptr) {
            continue;
        }
        fd->type = FdType::kPipe;
        fd->ino = ino;
        fd->cloexec = cloexec;
        if (ino != 0) {
            // The name /proc shows for it (readlink of /proc/PID/fd/N).
            char num[24];
            auto r = std::to_chars(num, num + sizeof(num), ino);
            fd->name.assign("pipe:[");
            fd->name.append(num, r.ptr);
            fd->name.push_back(']');
        }
    }
}

void on_socketpair(Tables& t, Process& p, const event::View& evt) {
    if (fd_param(evt, KES_P_SOCKETPAIR_RES) < 0) {
        return;
    }
    auto domain = static_cast<uint32_t>(evt.param_uint(KES_P_SOCKETPAIR_DOMAIN));
    uint64_t source = evt.param_uint(KES_P_SOCKETPAIR_SOURCE);
    uint64_t peer = evt.param_uint(KES_P_SOCKETPAIR_PEER);
    auto type = static_cast<uint32_t>(evt.param_uint(KES_P_SOCKETPAIR_TYPE));
    auto proto = static_cast<uint32_t>(evt.param_uint(KES_P_SOCKETPAIR_PROTO));
    for (int i = 0; i < 2; ++i) {
        Fd* fd = Parsers::add_fd(
            t, p, fd_param(evt, i == 0 ? KES_P_SOCKETPAIR_FD1 : KES_P_SOCKETPAIR_FD2));
        if (fd == nullptr) {
            continue;
        }
        fd->cloexec = (type & kSockCloexec) != 0;
        if (domain == KES_AF_UNIX) {
            fd->type = FdType::kUnixSock;
            fd->unix_src = i == 0 ? source : peer;
            fd->unix_dst = i == 0 ? peer : source;
            detail::build_unix_name(*fd, {});
        } else {
            fd->type = domain == KES_AF_INET6 ? FdType::kIpv6Sock : FdType::kIpv4Sock;
            fd->l4proto = l4proto_of(type, proto);
        }
    }
}

void on_memfd(Tables& t, Process& p, const event::View& evt) {
    int64_t num = fd_param(evt, KES_P_MEMFD_CREATE_FD);
    if (num < 0) {
        return;
    }
    Fd* fd = Parsers::add_fd(t, p, num);
    if (fd == nullptr) {
        return;
    }
    fd->type = FdType::kMemfd;
    fd->cloexec = (evt.param_uint(KES_P_MEMFD_CREATE_FLAGS) & kPpmMfdCloexec) != 0;
    std::string_view name = evt.param_string(KES_P_MEMFD_CREATE_NAME);
    // As the kernel names it (/proc/PID/fd shows "/memfd:<name> (deleted)").
    fd->name.assign(name.starts_with("memfd:") ? "" : "memfd:");
    fd->name.append(name);
    fd->nameraw.assign(name);
}

// A new fd of a kind no other parameter describes (userfaultfd, bpf objects, eventfd,
// signalfd, timerfd, inotify): libsinsp gives these no name.
void add_typed_fd(Tables& t, Process& p, int64_t num, FdType type, bool cloexec = false) {
    if (num < 0) {
        return;
    }
    if (Fd* fd = Parsers::add_fd(t, p, num); fd != nullptr) {
        fd->type = type;
        fd->cloexec = cloexec;
    }
}

// The PPM O_CLOEXEC bit of a flags parameter (eventfd2, signalfd4, inotify_init1).
bool ppm_cloexec(const event::View& evt, size_t idx) {
    return (evt.param_uint(idx) & KES_O_CLOEXEC) != 0;
}

// signalfd/signalfd4 with fd -1 make a new signalfd; with an existing one they only change its
// mask (res is that same fd).
void on_signalfd(Tables& t, Process& p, const event::View& evt, bool four) {
    int64_t res = fd_param(evt, four ? size_t{KES_P_SIGNALFD4_RES} : size_t{KES_P_SIGNALFD_RES});
    int64_t given = four ? evt.param_int64(KES_P_SIGNALFD4_FD) : evt.param_int64(KES_P_SIGNALFD_FD);
    if (res < 0 || given != -1) {
        return;
    }
    add_typed_fd(t, p, res, FdType::kSignalfd, four && ppm_cloexec(evt, KES_P_SIGNALFD4_FLAGS));
}

// fchdir: the cwd becomes the directory open at that fd (libsinsp parse_fchdir_exit).
void on_fchdir(Process& p, const event::View& evt) {
    if (fd_param(evt, KES_P_FCHDIR_RES) < 0) {
        return;
    }
    auto it = p.fds.find(fd_param(evt, KES_P_FCHDIR_FD));
    if (it == p.fds.end() || it->second.name.empty() || it->second.name[0] != '/') {
        return;
    }
    p.cwd.assign(it->second.name);
    if (p.cwd.back() != '/') {
        p.cwd.push_back('/');
    }
}

// bpf(2) commands that return a new fd (Linux enum bpf_cmd; the PPM encoding keeps the values).
bool bpf_cmd_returns_fd(uint64_t cmd) {
    switch (cmd) {
    case 0:  // BPF_MAP_CREATE
    case 5:  // BPF_PROG_LOAD
    case 7:  // BPF_OBJ_GET
    case 13: // BPF_PROG_GET_FD_BY_ID
    case 14: // BPF_MAP_GET_FD_BY_ID
    case 17: // BPF_RAW_TRACEPOINT_OPEN
    case 18: // BPF_BTF_LOAD
    case 19: // BPF_BTF_GET_FD_BY_ID
    case 28: // BPF_LINK_CREATE
    case 30: // BPF_LINK_GET_FD_BY_ID
        return true;
    default:
        return false;
    }
}

void on_chdir(Process& p, const event::View& evt, std::string& scratch) {
    if (fd_param(evt, KES_P_CHDIR_RES) < 0) {
        return;
    }
    std::string_view path = evt.param_string(KES_P_CHDIR_PATH);
    if (path.empty()) {
        return;
    }
    detail::join_path(p.cwd.empty() ? std::string_view("/") : std::string_view(p.cwd), path,
                      scratch);
    p.cwd.assign(scratch);
    if (p.cwd.back() != '/') {
        p.cwd.push_back('/');
    }
}

} // namespace

void Parsers::other(Tables& t, Thread& thread, const event::View& evt) {
    if (!thread.process) {
        return;
    }
    Process& p = *thread.process;
    // One scratch string for path building, kept across events (no allocation once warm).
    std::string& scratch = Parsers::scratch(t);
    switch (evt.type()) {
    case KES_EVT_OPEN:
    case KES_EVT_OPENAT:
    case KES_EVT_OPENAT2:
    case KES_EVT_CREAT:
    case KES_EVT_OPEN_BY_HANDLE_AT:
        on_open(t, thread, evt, scratch);
        break;
    case KES_EVT_CLOSE:
        if (fd_param(evt, KES_P_CLOSE_RES) >= 0) {
            // Removed at the next event: rules on this close still see the fd.
            t.pending_closes_.push_back({thread.tid, fd_param(evt, KES_P_CLOSE_FD)});
        }
        break;
    case KES_EVT_DUP:
        dup_fd(t, p, fd_param(evt, KES_P_DUP_OLDFD), fd_param(evt, KES_P_DUP_RES), false);
        break;
    case KES_EVT_DUP2:
        dup_fd(t, p, fd_param(evt, KES_P_DUP2_OLDFD), fd_param(evt, KES_P_DUP2_RES), false);
        break;
    case KES_EVT_DUP3:
        dup_fd(t, p, fd_param(evt, KES_P_DUP3_OLDFD), fd_param(evt, KES_P_DUP3_RES),
               (evt.param_uint(KES_P_DUP3_FLAGS) & KES_O_CLOEXEC) != 0);
        break;
    case KES_EVT_FCNTL: {
        uint64_t cmd = evt.param_uint(KES_P_FCNTL_CMD);
        int64_t res = fd_param(evt, KES_P_FCNTL_RES);
        int64_t num = fd_param(evt, KES_P_FCNTL_FD);
        if (cmd == kPpmFcntlDupfd || cmd == kPpmFcntlDupfdCloexec) {
            dup_fd(t, p, num, res, cmd == kPpmFcntlDupfdCloexec);
        } else if (cmd == kPpmFcntlSetfd && res >= 0) {
            if (Fd* fd = Parsers::lookup_fd(t, p, num); fd != nullptr) {
                fd->cloexec = (evt.param_uint(KES_P_FCNTL_ARG) & kFdCloexec) != 0;
            }
        }
        break;
    }
    case KES_EVT_SOCKET:
        on_socket(t, p, evt);
        break;
    case KES_EVT_BIND:
        on_bind(p, evt);
        break;
    case KES_EVT_LISTEN:
        if (fd_param(evt, KES_P_LISTEN_RES) >= 0) {
            if (Fd* fd = Parsers::lookup_fd(t, p, fd_param(evt, KES_P_LISTEN_FD)); fd != nullptr) {
                fd->role = SockRole::kServer;
            }
        }
        break;
    case KES_EVT_CONNECT:
        on_connect(t, p, evt);
        break;
    case KES_EVT_ACCEPT:
        on_accept(t, p, evt, false);
        break;
    case KES_EVT_ACCEPT4:
        on_accept(t, p, evt, true);
        break;
    case KES_EVT_SENDTO:
        on_send(t, p, evt, KES_P_SENDTO_FD, KES_P_SENDTO_TUPLE);
        break;
    case KES_EVT_SENDMSG:
        on_send(t, p, evt, KES_P_SENDMSG_FD, KES_P_SENDMSG_TUPLE);
        break;
    case KES_EVT_RECVFROM:
        on_recv(t, p, evt, KES_P_RECVFROM_FD, KES_P_RECVFROM_TUPLE);
        break;
    case KES_EVT_RECVMSG:
        on_recv(t, p, evt, KES_P_RECVMSG_FD, KES_P_RECVMSG_TUPLE);
        break;
    case KES_EVT_PIPE:
    case KES_EVT_PIPE2:
        on_pipe(t, p, evt);
        break;
    case KES_EVT_CLOSE_RANGE: {
        // fds first..last are closed (deferred to the next event, like close) or, with
        // CLOSE_RANGE_CLOEXEC, marked close-on-exec. CLOSE_RANGE_UNSHARE first gives the
        // calling thread a private copy of the table; the state keeps one table per process,
        // so the other threads' tables are not split off (rare: callers are about to exec).
        if (fd_param(evt, KES_P_CLOSE_RANGE_RES) < 0) {
            break;
        }
        auto first = static_cast<int64_t>(evt.param_uint(KES_P_CLOSE_RANGE_FIRST));
        auto last = static_cast<int64_t>(evt.param_uint(KES_P_CLOSE_RANGE_LAST));
        bool cloexec = (evt.param_uint(KES_P_CLOSE_RANGE_FLAGS) & KES_PPM_CLOSE_RANGE_CLOEXEC) != 0;
        for (auto& [num, fd] : p.fds) {
            if (num < first || num > last) {
                continue;
            }
            if (cloexec) {
                fd.cloexec = true;
                fd.openflags |= KES_O_CLOEXEC;
            } else {
                t.pending_closes_.push_back({thread.tid, num});
            }
        }
        break;
    }
    case KES_EVT_EVENTFD:
        add_typed_fd(t, p, fd_param(evt, KES_P_EVENTFD_RES), FdType::kEvent);
        break;
    case KES_EVT_EVENTFD2:
        add_typed_fd(t, p, fd_param(evt, KES_P_EVENTFD2_RES), FdType::kEvent,
                     ppm_cloexec(evt, KES_P_EVENTFD2_FLAGS));
        break;
    case KES_EVT_SIGNALFD:
        on_signalfd(t, p, evt, false);
        break;
    case KES_EVT_SIGNALFD4:
        on_signalfd(t, p, evt, true);
        break;
    case KES_EVT_TIMERFD_CREATE:
        // Falco's flags parameter is always 0: close-on-exec is unknown here.
        add_typed_fd(t, p, fd_param(evt, KES_P_TIMERFD_CREATE_RES), FdType::kTimerfd);
        break;
    case KES_EVT_INOTIFY_INIT:
        add_typed_fd(t, p, fd_param(evt, KES_P_INOTIFY_INIT_RES), FdType::kInotify);
        break;
    case KES_EVT_INOTIFY_INIT1:
        add_typed_fd(t, p, fd_param(evt, KES_P_INOTIFY_INIT1_RES), FdType::kInotify,
                     ppm_cloexec(evt, KES_P_INOTIFY_INIT1_FLAGS));
        break;
    case KES_EVT_FCHDIR:
        on_fchdir(p, evt);
        break;
    case KES_EVT_SOCKETPAIR:
        on_socketpair(t, p, evt);
        break;
    case KES_EVT_MEMFD_CREATE:
        on_memfd(t, p, evt);
        break;
    case KES_EVT_CHDIR:
        on_chdir(p, evt, scratch);
        break;
    case KES_EVT_USERFAULTFD:
        add_typed_fd(t, p, fd_param(evt, KES_P_USERFAULTFD_RES), FdType::kUserfaultfd);
        break;
    case KES_EVT_BPF:
        if (bpf_cmd_returns_fd(evt.param_uint(KES_P_BPF_CMD))) {
            add_typed_fd(t, p, fd_param(evt, KES_P_BPF_FD), FdType::kBpf);
        }
        break;
    case KES_EVT_SETUID:
    case KES_EVT_SETGID:
    case KES_EVT_SETRESUID:
    case KES_EVT_SETRESGID:
    case KES_EVT_SETREUID:
    case KES_EVT_SETREGID:
    case KES_EVT_SETSID:
    case KES_EVT_CAPSET:
        credentials(t, thread, evt);
        break;
    default:
        // rename*, unlink*, mkdir*... change no table: an open fd keeps the name it was opened
        // with, as in libsinsp.
        break;
    }
}

} // namespace kestrel::state
