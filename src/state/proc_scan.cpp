// /proc scan: /proc/PID/task/TID/{stat,status,comm}, /proc/PID/{cmdline,environ,cwd,exe,cgroup,
// loginuid,fd/*,fdinfo/*}, socket inodes from /proc/net/*.

#include "state/proc_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <unordered_map>
#include <unordered_set>

#include "base/unique_fd.hpp"
#include "gen/kestrel_events.h"
#include "state/internal.hpp"
#include "state/tables.hpp"

namespace kestrel::state {
namespace {

// Reads a whole (small) file; false when it is gone or unreadable.
bool read_small(const std::string& path, std::string* out) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    out->clear();
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            ::close(fd);
            return false;
        }
        if (n == 0) {
            break;
        }
        out->append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return true;
}

bool read_link(const std::string& path, std::string* out) {
    char buf[4096];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof(buf));
    if (n < 0) {
        return false;
    }
    out->assign(buf, static_cast<size_t>(n));
    return true;
}

template <typename T> bool parse_num(std::string_view s, T* out, int base = 10) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
    return ec == std::errc() && ptr != s.data();
}

std::vector<int64_t> list_numeric(const std::string& dir) {
    std::vector<int64_t> out;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
        return out;
    }
    while (dirent* e = ::readdir(d)) {
        int64_t n = 0;
        std::string_view name(e->d_name);
        if (!name.empty() && name[0] >= '0' && name[0] <= '9' && parse_num(name, &n)) {
            out.push_back(n);
        }
    }
    ::closedir(d);
    return out;
}

std::vector<std::string> split_nul(std::string_view raw) {
    std::vector<std::string> out;
    while (!raw.empty()) {
        size_t nul = raw.find('\0');
        out.emplace_back(raw.substr(0, nul));
        if (nul == std::string_view::npos) {
            break;
        }
        raw.remove_prefix(nul + 1);
    }
    return out;
}

// "Key:\tvalue" of /proc/PID/status.
std::string_view status_field(std::string_view status, std::string_view key) {
    size_t pos = 0;
    while (pos < status.size()) {
        size_t nl = status.find('\n', pos);
        std::string_view line = status.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
        if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ':') {
            return line.substr(key.size() + 1);
        }
        if (nl == std::string_view::npos) {
            break;
        }
        pos = nl + 1;
    }
    return {};
}

// The n-th whitespace-separated number of a status value ("Uid:\t0\t0\t0\t0").
template <typename T> bool nth_num(std::string_view value, int n, T* out, int base = 10) {
    int index = 0;
    size_t pos = 0;
    while (pos < value.size()) {
        while (pos < value.size() && (value[pos] == ' ' || value[pos] == '\t')) {
            ++pos;
        }
        size_t end = pos;
        while (end < value.size() && value[end] != ' ' && value[end] != '\t') {
            ++end;
        }
        if (end == pos) {
            break;
        }
        if (index == n) {
            return parse_num(value.substr(pos, end - pos), out, base);
        }
        ++index;
        pos = end;
    }
    return false;
}

struct SocketInfo {
    FdType type = FdType::kUnknown;
    L4Proto l4proto = L4Proto::kUnknown;
    IpAddr local;
    IpAddr remote;
    uint16_t lport = 0;
    uint16_t rport = 0;
    bool listening = false;
    uint64_t unix_addr = 0;
    std::string path;
};

struct SocketMap {
    std::unordered_map<uint64_t, SocketInfo> by_ino;
    // Local ports with a listening TCP socket: a connection on one of them was accepted.
    std::unordered_set<uint32_t> listening_ports;

    [[nodiscard]] auto find(uint64_t ino) const { return by_ino.find(ino); }
    [[nodiscard]] auto end() const { return by_ino.end(); }
};

// "0100007F:1F90": the address as the kernel prints the raw (network order) words.
bool parse_hex_addr(std::string_view text, uint8_t family, IpAddr* ip, uint16_t* port) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    std::string_view addr = text.substr(0, colon);
    size_t words = family == 4 ? 1 : 4;
    if (addr.size() != words * 8) {
        return false;
    }
    ip->family = family;
    for (size_t w = 0; w < words; ++w) {
        uint32_t v = 0;
        if (!parse_num(addr.substr(w * 8, 8), &v, 16)) {
            return false;
        }
        std::memcpy(ip->bytes.data() + w * 4, &v, 4);
    }
    return parse_num(text.substr(colon + 1), port, 16);
}

void load_inet(const std::string& path, uint8_t family, L4Proto proto, SocketMap* map) {
    std::string text;
    if (!read_small(path, &text)) {
        return;
    }
    size_t pos = text.find('\n'); // header line
    while (pos != std::string::npos && pos + 1 < text.size()) {
        size_t nl = text.find('\n', pos + 1);
        std::string_view line(text.data() + pos + 1,
                              (nl == std::string::npos ? text.size() : nl) - pos - 1);
        pos = nl;
        // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
        std::string_view f[10];
        size_t n = 0;
        size_t i = 0;
        while (n < 10 && i < line.size()) {
            while (i < line.size() && line[i] == ' ') {
                ++i;
            }
            size_t end = line.find(' ', i);
            if (end == std::string_view::npos) {
                end = line.size();
            }
            if (end > i) {
                f[n++] = line.substr(i, end - i);
            }
            i = end;
        }
        uint64_t ino = 0;
        uint32_t state = 0;
        if (n < 10 || !parse_num(f[9], &ino) || ino == 0) {
            continue;
        }
        SocketInfo s;
        s.type = family == 4 ? FdType::kIpv4Sock : FdType::kIpv6Sock;
        s.l4proto = proto;
        if (!parse_hex_addr(f[1], family, &s.local, &s.lport) ||
            !parse_hex_addr(f[2], family, &s.remote, &s.rport)) {
            continue;
        }
        parse_num(f[3], &state, 16);
        s.listening = proto == L4Proto::kTcp && state == 0x0A; // TCP_LISTEN
        if (s.listening) {
            map->listening_ports.insert(uint32_t{family} << 16 | s.lport);
        }
        map->by_ino[ino] = std::move(s);
    }
}

void load_unix(const std::string& path, SocketMap* map) {
    std::string text;
    if (!read_small(path, &text)) {
        return;
    }
    size_t pos = text.find('\n');
    while (pos != std::string::npos && pos + 1 < text.size()) {
        size_t nl = text.find('\n', pos + 1);
        std::string_view line(text.data() + pos + 1,
                              (nl == std::string::npos ? text.size() : nl) - pos - 1);
        pos = nl;
        // Num: RefCount Protocol Flags Type St Inode [Path]
        std::string_view f[8];
        size_t n = 0;
        size_t i = 0;
        while (n < 8 && i < line.size()) {
            while (i < line.size() && line[i] == ' ') {
                ++i;
            }
            size_t end = n == 7 ? line.size() : line.find(' ', i);
            if (end == std::string_view::npos) {
                end = line.size();
            }
            if (end > i) {
                f[n++] = line.substr(i, end - i);
            }
            i = end;
        }
        uint64_t ino = 0;
        if (n < 7 || !parse_num(f[6], &ino) || ino == 0) {
            continue;
        }
        SocketInfo s;
        s.type = FdType::kUnixSock;
        std::string_view num = f[0];
        if (num.ends_with(':')) {
            num.remove_suffix(1);
        }
        parse_num(num, &s.unix_addr, 16);
        if (n == 8) {
            s.path = std::string(f[7]);
        }
        map->by_ino[ino] = std::move(s);
    }
}

SocketMap load_sockets(const std::string& root) {
    SocketMap map;
    load_inet(root + "/net/tcp", 4, L4Proto::kTcp, &map);
    load_inet(root + "/net/tcp6", 6, L4Proto::kTcp, &map);
    load_inet(root + "/net/udp", 4, L4Proto::kUdp, &map);
    load_inet(root + "/net/udp6", 6, L4Proto::kUdp, &map);
    load_inet(root + "/net/raw", 4, L4Proto::kRaw, &map);
    load_inet(root + "/net/raw6", 6, L4Proto::kRaw, &map);
    load_unix(root + "/net/unix", &map);
    return map;
}

// The inode (and device) behind a /proc/PID/fd link.
void stat_ino(const std::string& fd_path, FdSnapshot* f) {
    struct stat st {};
    if (::stat(fd_path.c_str(), &st) == 0) {
        f->ino = st.st_ino;
        f->dev = static_cast<uint32_t>(st.st_dev);
    }
}

// Fills an fd from its /proc/PID/fd link target.
void classify_fd(const std::string& link, const std::string& fd_path, const SocketMap& sockets,
                 FdSnapshot* f) {
    auto bracket_num = [](std::string_view s, uint64_t* out) {
        size_t open = s.find('[');
        size_t close = s.find(']');
        return open != std::string_view::npos && close != std::string_view::npos &&
               parse_num(s.substr(open + 1, close - open - 1), out);
    };
    std::string_view l = link;
    if (l.starts_with("socket:")) {
        uint64_t ino = 0;
        bracket_num(l, &ino);
        f->ino = ino;
        auto it = sockets.find(ino);
        if (it == sockets.end()) {
            f->name = link;
            return; // another network namespace: unresolved
        }
        const SocketInfo& s = it->second;
        f->type = s.type;
        f->l4proto = s.l4proto;
        if (s.type == FdType::kUnixSock) {
            f->unix_src = s.unix_addr;
            f->name = s.path;
            return;
        }
        if (s.listening) {
            f->role = SockRole::kServer;
            f->sip = s.local;
            f->sport = s.lport;
            f->cip.family = s.local.family;
            return;
        }
        // A connection: accepted when its local port is one this host listens on.
        bool server = s.l4proto == L4Proto::kTcp &&
                      sockets.listening_ports.contains(uint32_t{s.local.family} << 16 | s.lport);
        f->role = server ? SockRole::kServer : SockRole::kClient;
        f->sip = server ? s.local : s.remote;
        f->sport = server ? s.lport : s.rport;
        f->cip = server ? s.remote : s.local;
        f->cport = server ? s.rport : s.lport;
        return;
    }
    if (l.starts_with("pipe:")) {
        f->type = FdType::kPipe;
        bracket_num(l, &f->ino);
        f->name = link;
        return;
    }
    if (l.starts_with("anon_inode:")) {
        f->type = anon_inode_fd_type(l.substr(11));
        f->name = link;
        stat_ino(fd_path, f); // every anon inode fd shares one inode: what the iterator reports
        return;
    }
    if (l.starts_with("/memfd:")) {
        f->type = FdType::kMemfd;
        l.remove_prefix(1);
        if (l.ends_with(" (deleted)")) {
            l.remove_suffix(10);
        }
        f->name = std::string(l);
        stat_ino(fd_path, f);
        return;
    }
    struct stat st {};
    bool is_dir = ::stat(fd_path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    f->type = is_dir ? FdType::kDirectory : FdType::kFile;
    f->name = link;
    if (f->ino == 0 && ::stat(fd_path.c_str(), &st) == 0) {
        f->ino = st.st_ino;
        f->dev = static_cast<uint32_t>(st.st_dev);
    }
}

void read_fds(const std::string& proc_dir, const SocketMap& sockets, ThreadSnapshot* t,
              ProcScanStats* stats) {
    std::string fd_dir = proc_dir + "/fd";
    std::string link;
    std::string info;
    for (int64_t num : list_numeric(fd_dir)) {
        std::string path = fd_dir + "/" + std::to_string(num);
        if (!read_link(path, &link)) {
            if (errno == EACCES || errno == EPERM) {
                // A process whose fd table even root may not read (a sandbox's init here):
                // counted once, not as one vanished entry per fd.
                ++stats->unreadable;
                return;
            }
            ++stats->vanished;
            continue;
        }
        FdSnapshot f;
        f.fd = num;
        if (read_small(proc_dir + "/fdinfo/" + std::to_string(num), &info)) {
            uint32_t flags = 0;
            if (nth_num(status_field(info, "flags"), 0, &flags, 8)) {
                f.openflags = open_flags_to_ppm(flags);
            }
        }
        classify_fd(link, path, sockets, &f);
        t->fds.push_back(std::move(f));
        ++stats->fds;
    }
}

// Reads one thread; false when it vanished.
bool read_thread(const std::string& root, int64_t pid, int64_t tid, bool main,
                 const ProcScanOptions& options, const SocketMap& sockets, ThreadSnapshot* t,
                 ProcScanStats* stats) {
    std::string pdir = root + "/" + std::to_string(pid);
    std::string tdir = pdir + "/task/" + std::to_string(tid);
    std::string stat;
    std::string status;
    if (!read_small(tdir + "/stat", &stat) || !read_small(tdir + "/status", &status)) {
        return false;
    }
    t->tid = tid;
    t->pid = pid;
    // comm is between the first '(' and the last ')' (it may contain both).
    size_t open = stat.find('(');
    size_t close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) {
        return false;
    }
    t->comm = stat.substr(open + 1, close - open - 1);
    // Fields after ")": state(3) ppid(4) pgrp(5) session(6) tty_nr(7) ... starttime(22).
    std::string_view rest = std::string_view(stat).substr(close + 2);
    int64_t ppid = -1;
    uint64_t starttime = 0;
    nth_num(rest, 1, &ppid);
    nth_num(rest, 2, &t->pgid);
    nth_num(rest, 3, &t->sid);
    nth_num(rest, 4, &t->tty);
    nth_num(rest, 19, &starttime);
    long hz = ::sysconf(_SC_CLK_TCK);
    if (hz > 0) {
        // Event timestamps are CLOCK_BOOTTIME: so is starttime (ticks since boot).
        t->clone_ts = starttime * (1000000000ULL / static_cast<uint64_t>(hz));
    }
    // A thread's parent, as libsinsp's scan records it: the process's parent.
    t->ptid = ppid;
    nth_num(status_field(status, "Uid"), 1, &t->uid); // effective
    nth_num(status_field(status, "Gid"), 1, &t->gid);
    nth_num(status_field(status, "CapInh"), 0, &t->cap_inheritable, 16);
    nth_num(status_field(status, "CapPrm"), 0, &t->cap_permitted, 16);
    nth_num(status_field(status, "CapEff"), 0, &t->cap_effective, 16);
    // The innermost namespace's ids are the last of NSpid/NStgid/NSpgid.
    auto last_of = [&](std::string_view key, int64_t* out) {
        std::string_view v = status_field(status, key);
        for (int i = 0; nth_num(v, i, out); ++i) {
        }
    };
    int64_t v = -1;
    last_of("NSpid", &v);
    t->vtid = v >= 0 ? v : tid;
    v = -1;
    last_of("NStgid", &v);
    t->vpid = v >= 0 ? v : pid;
    v = -1;
    last_of("NSpgid", &v);
    t->vpgid = v >= 0 ? v : t->pgid;
    ++stats->threads;
    if (!main) {
        return true;
    }

    std::string buf;
    if (read_small(pdir + "/cmdline", &buf)) {
        auto argv = split_nul(buf);
        if (!argv.empty()) {
            t->exe = argv[0];
            t->args.assign(argv.begin() + 1, argv.end());
        }
    }
    if (options.read_env && read_small(pdir + "/environ", &buf)) {
        t->env = split_nul(buf);
    }
    if (read_link(pdir + "/cwd", &buf)) {
        t->cwd = buf;
    }
    if (read_link(pdir + "/exe", &buf)) {
        constexpr std::string_view kDeleted = " (deleted)";
        if (std::string_view(buf).ends_with(kDeleted)) {
            buf.resize(buf.size() - kDeleted.size());
        }
        if (buf.starts_with("/memfd:")) {
            t->exe_from_memfd = true;
        }
        t->exepath = buf;
        struct stat st {};
        if (::stat((pdir + "/exe").c_str(), &st) == 0) {
            t->exe_ino = st.st_ino;
            t->exe_ino_ctime = static_cast<uint64_t>(st.st_ctim.tv_sec) * 1000000000ULL +
                               static_cast<uint64_t>(st.st_ctim.tv_nsec);
            t->exe_ino_mtime = static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ULL +
                               static_cast<uint64_t>(st.st_mtim.tv_nsec);
        }
    }
    if (read_small(pdir + "/loginuid", &buf)) {
        uint32_t loginuid = UINT32_MAX;
        if (parse_num(buf, &loginuid)) {
            t->loginuid = loginuid;
        }
    }
    if (read_small(pdir + "/cgroup", &buf)) {
        // "id:controllers:path" -> "controller=path" per controller; v2 ("0::path") reports the
        // one path under the controllers Falco's probes name.
        size_t pos = 0;
        while (pos < buf.size()) {
            size_t nl = buf.find('\n', pos);
            std::string_view line(buf.data() + pos,
                                  (nl == std::string::npos ? buf.size() : nl) - pos);
            pos = nl == std::string::npos ? buf.size() : nl + 1;
            size_t c1 = line.find(':');
            size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
            if (c2 == std::string_view::npos) {
                continue;
            }
            std::string_view controllers = line.substr(c1 + 1, c2 - c1 - 1);
            std::string_view path = line.substr(c2 + 1);
            if (controllers.empty()) {
                for (std::string_view c : {"cpuset", "cpu", "cpuacct", "io", "memory", "pids"}) {
                    t->cgroups.push_back(std::string(c) + "=" + std::string(path));
                }
                continue;
            }
            while (!controllers.empty()) {
                size_t comma = controllers.find(',');
                std::string_view c = controllers.substr(0, comma);
                if (c.starts_with("name=")) {
                    c.remove_prefix(5);
                }
                t->cgroups.push_back(std::string(c) + "=" + std::string(path));
                controllers = comma == std::string_view::npos ? std::string_view{}
                                                              : controllers.substr(comma + 1);
            }
        }
    }
    if (read_small(pdir + "/limits", &buf)) {
        // "Max open files            1024                 1048576              files"
        size_t at = buf.find("Max open files");
        if (at != std::string::npos) {
            std::string_view line = std::string_view(buf).substr(at + 14);
            int64_t soft = -1;
            if (nth_num(line, 0, &soft)) {
                t->fdlimit = soft;
            }
        }
    }
    if (options.read_fds) {
        read_fds(pdir, sockets, t, stats);
    }
    return true;
}

void scan_one(const std::string& root, int64_t pid, const ProcScanOptions& options,
              const SocketMap& sockets, std::vector<ThreadSnapshot>* out, ProcScanStats* stats) {
    std::vector<int64_t> tids = list_numeric(root + "/" + std::to_string(pid) + "/task");
    if (tids.empty()) {
        ++stats->vanished;
        return;
    }
    ThreadSnapshot main;
    if (!read_thread(root, pid, pid, true, options, sockets, &main, stats)) {
        ++stats->vanished;
        return;
    }
    ++stats->processes;
    int64_t ppid = main.ptid;
    out->push_back(std::move(main));
    for (int64_t tid : tids) {
        if (tid == pid) {
            continue;
        }
        ThreadSnapshot t;
        if (!read_thread(root, pid, tid, false, options, sockets, &t, stats)) {
            ++stats->vanished;
            continue;
        }
        t.ptid = ppid;
        out->push_back(std::move(t));
    }
}

} // namespace

FdType anon_inode_fd_type(std::string_view kind) {
    if (kind.starts_with('[') && kind.ends_with(']')) {
        kind = kind.substr(1, kind.size() - 2);
    }
    if (kind == "eventfd") {
        return FdType::kEvent;
    }
    if (kind == "signalfd") {
        return FdType::kSignalfd;
    }
    if (kind == "eventpoll") {
        return FdType::kEventpoll;
    }
    if (kind == "inotify") {
        return FdType::kInotify;
    }
    if (kind == "timerfd") {
        return FdType::kTimerfd;
    }
    if (kind.starts_with("bpf")) {
        return FdType::kBpf;
    }
    if (kind == "userfaultfd") {
        return FdType::kUserfaultfd;
    }
    if (kind == "io_uring") {
        return FdType::kIoUring;
    }
    if (kind == "pidfd") {
        return FdType::kPidfd;
    }
    return FdType::kUnknown;
}

bool socket_fd_from_tuple(std::span<const uint8_t> tuple, bool listening, L4Proto proto,
                          std::string_view own_path, FdSnapshot* f) {
    detail::SockTuple t;
    if (!detail::read_socktuple(tuple, &t)) {
        return false;
    }
    if (t.family == KES_AF_UNIX) {
        // The live probe's connect/accept naming: peer first, then this socket, then the peer's
        // path (an unconnected socket: its own).
        f->type = FdType::kUnixSock;
        f->unix_src = t.unix_src;
        f->unix_dst = t.unix_dst;
        f->name = std::string(t.path.empty() ? own_path : t.path);
        return true;
    }
    if (t.family == KES_AF_INET6) {
        IpAddr src = t.src;
        IpAddr dst = t.dst;
        // Both ends IPv4-mapped (or unset): an IPv4 connection on an IPv6 socket, as libsinsp.
        bool dst_unset = t.dport == 0 && dst.bytes == IpAddr{}.bytes;
        if (detail::unmap_ipv4(src) && (dst_unset || detail::unmap_ipv4(dst))) {
            t.src = src;
            t.dst = dst_unset ? IpAddr{} : dst;
            t.dst.family = 4;
            t.family = KES_AF_INET;
        }
    }
    f->type = t.family == KES_AF_INET ? FdType::kIpv4Sock : FdType::kIpv6Sock;
    f->l4proto = proto;
    if (listening) {
        f->role = SockRole::kServer;
        f->sip = t.src;
        f->sport = t.sport;
        f->cip = IpAddr{};
        f->cip.family = t.src.family;
        return true;
    }
    f->role = SockRole::kClient;
    f->cip = t.src;
    f->cport = t.sport;
    f->sip = t.dst;
    f->sport = t.dport;
    return true;
}

uint32_t open_flags_to_ppm(uint32_t f) {
    uint32_t out = 0;
    switch (f & 03) {
    case 0:
        out |= KES_O_RDONLY;
        break;
    case 1:
        out |= KES_O_WRONLY;
        break;
    default:
        out |= KES_O_RDWR;
        break;
    }
    struct Bit {
        uint32_t linux_bit;
        uint32_t ppm_bit;
    };
    static constexpr Bit kBits[] = {
        {0100, KES_O_CREAT},       {0200, KES_O_EXCL},         {01000, KES_O_TRUNC},
        {02000, KES_O_APPEND},     {04000, KES_O_NONBLOCK},    {010000, KES_O_DSYNC},
        {040000, KES_O_DIRECT},    {0100000, KES_O_LARGEFILE}, {0200000, KES_O_DIRECTORY},
        {02000000, KES_O_CLOEXEC}, {04010000, KES_O_SYNC},     {020200000, KES_O_TMPFILE},
    };
    for (const Bit& b : kBits) {
        if ((f & b.linux_bit) == b.linux_bit) {
            out |= b.ppm_bit;
        }
    }
    return out;
}

base::Result<std::vector<ThreadSnapshot>> scan_proc(const ProcScanOptions& options,
                                                    ProcScanStats* stats) {
    ProcScanStats local;
    ProcScanStats* st = stats != nullptr ? stats : &local;
    DIR* d = ::opendir(options.proc_root.c_str());
    if (d == nullptr) {
        return base::errno_error("opendir " + options.proc_root, errno);
    }
    ::closedir(d);
    SocketMap sockets;
    if (options.read_fds && options.resolve_sockets) {
        sockets = load_sockets(options.proc_root);
    }
    std::vector<ThreadSnapshot> out;
    if (options.only_pid >= 0) {
        scan_one(options.proc_root, options.only_pid, options, sockets, &out, st);
        return out;
    }
    if (!options.only_pids.empty()) {
        for (int64_t pid : options.only_pids) {
            scan_one(options.proc_root, pid, options, sockets, &out, st);
        }
        return out;
    }
    for (int64_t pid : list_numeric(options.proc_root)) {
        scan_one(options.proc_root, pid, options, sockets, &out, st);
    }
    return out;
}

base::Result<std::vector<ThreadSnapshot>> scan_proc_pid(int64_t pid,
                                                        const ProcScanOptions& options) {
    ProcScanOptions o = options;
    o.only_pid = pid;
    auto r = scan_proc(o);
    if (r.ok() && r->empty()) {
        return base::make_error(base::ErrorCode::kNotFound,
                                "process " + std::to_string(pid) + " not found");
    }
    return r;
}

base::Result<ProcScanStats> load_proc(Tables& tables, const ProcScanOptions& options) {
    ProcScanStats stats;
    auto threads = scan_proc(options, &stats);
    if (!threads.ok()) {
        return threads.error();
    }
    tables.load(*threads);
    tables.count_scan_vanished(stats.vanished);
    return stats;
}

std::vector<int64_t> list_proc_pids(const std::string& proc_root) {
    return list_numeric(proc_root);
}

bool proc_alive(int64_t tid, const std::string& proc_root) {
    struct stat st {};
    return ::stat((proc_root + "/" + std::to_string(tid)).c_str(), &st) == 0;
}

} // namespace kestrel::state
