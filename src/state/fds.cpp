// Fd records: names, paths, socket tuples, and the fd-table edits of Tables.

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "gen/kestrel_events.h"
#include "state/internal.hpp"
#include "state/tables.hpp"

namespace kestrel::state {

char fd_typechar(FdType type) {
    // libsinsp fdinfo.h CHAR_FD_*.
    switch (type) {
    case FdType::kFile:
        return 'f';
    case FdType::kDirectory:
        return 'd';
    case FdType::kIpv4Sock:
        return '4';
    case FdType::kIpv6Sock:
        return '6';
    case FdType::kUnixSock:
        return 'u';
    case FdType::kPipe:
        return 'p';
    case FdType::kEvent:
        return 'e';
    case FdType::kSignalfd:
        return 's';
    case FdType::kEventpoll:
        return 'l';
    case FdType::kInotify:
        return 'i';
    case FdType::kTimerfd:
        return 't';
    case FdType::kNetlink:
        return 'n';
    case FdType::kBpf:
        return 'b';
    case FdType::kUserfaultfd:
        return 'u';
    case FdType::kIoUring:
        return 'r';
    case FdType::kMemfd:
        return 'm';
    case FdType::kPidfd:
        return 'P';
    case FdType::kUnknown:
        break;
    }
    return 'o';
}

std::string_view fd_type_name(FdType type) {
    switch (type) {
    case FdType::kFile:
        return "file";
    case FdType::kDirectory:
        return "directory";
    case FdType::kIpv4Sock:
        return "ipv4";
    case FdType::kIpv6Sock:
        return "ipv6";
    case FdType::kUnixSock:
        return "unix";
    case FdType::kPipe:
        return "pipe";
    case FdType::kEvent:
        return "event";
    case FdType::kSignalfd:
        return "signalfd";
    case FdType::kEventpoll:
        return "eventpoll";
    case FdType::kInotify:
        return "inotify";
    case FdType::kTimerfd:
        return "timerfd";
    case FdType::kNetlink:
        return "netlink";
    case FdType::kBpf:
        return "bpf";
    case FdType::kUserfaultfd:
        return "userfaultfd";
    case FdType::kIoUring:
        return "io_uring";
    case FdType::kMemfd:
        return "memfd";
    case FdType::kPidfd:
        return "pidfd";
    case FdType::kUnknown:
        break;
    }
    return {};
}

std::string_view l4proto_name(L4Proto proto) {
    switch (proto) {
    case L4Proto::kTcp:
        return "tcp";
    case L4Proto::kUdp:
        return "udp";
    case L4Proto::kIcmp:
        return "icmp";
    case L4Proto::kRaw:
        return "raw";
    case L4Proto::kUnknown:
        break;
    }
    return {};
}

std::string_view Fd::directory() const {
    if (type == FdType::kDirectory) {
        return name;
    }
    if (type != FdType::kFile || last_slash == std::string::npos) {
        return {};
    }
    return last_slash == 0 ? std::string_view(name).substr(0, 1)
                           : std::string_view(name).substr(0, last_slash);
}

std::string_view Fd::filename() const {
    if (type != FdType::kFile || last_slash == std::string::npos) {
        return {};
    }
    return std::string_view(name).substr(last_slash + 1);
}

namespace detail {

namespace {

// True when `path` is absolute and has no ".", ".." or empty component: already normal.
bool is_normal_absolute(std::string_view path) {
    if (path.empty() || path[0] != '/') {
        return false;
    }
    if (path.size() > 1 && path.back() == '/') {
        return false;
    }
    for (size_t i = 0; i + 1 < path.size(); ++i) {
        if (path[i] != '/') {
            continue;
        }
        char next = path[i + 1];
        if (next == '/') {
            return false;
        }
        if (next == '.') {
            // "/." followed by end, '/', or ".": a "." or ".." component.
            if (i + 2 == path.size() || path[i + 2] == '/' ||
                (path[i + 2] == '.' && (i + 3 == path.size() || path[i + 3] == '/'))) {
                return false;
            }
        }
    }
    return true;
}

// inet_ntop's IPv4 text, without its cost.
void append_ipv4(std::string& out, const uint8_t* b) {
    char buf[16];
    char* p = buf;
    for (int i = 0; i < 4; ++i) {
        p = std::to_chars(p, buf + sizeof(buf), b[i]).ptr;
        if (i < 3) {
            *p++ = '.';
        }
    }
    out.append(buf, p);
}

} // namespace

void join_path(std::string_view dir, std::string_view name, std::string& out) {
    // The probe gives most paths absolute and clean: copy them as they are.
    if (is_normal_absolute(name)) {
        out.assign(name);
        return;
    }
    out.clear();
    auto push = [&out](std::string_view part) {
        size_t pos = 0;
        while (pos <= part.size()) {
            size_t slash = part.find('/', pos);
            size_t end = slash == std::string_view::npos ? part.size() : slash;
            std::string_view comp = part.substr(pos, end - pos);
            if (comp.empty() || comp == ".") {
                // skip
            } else if (comp == "..") {
                size_t last = out.rfind('/');
                out.resize(last == std::string::npos ? 0 : last);
            } else {
                out.push_back('/');
                out.append(comp);
            }
            if (slash == std::string_view::npos) {
                break;
            }
            pos = slash + 1;
        }
    };
    if (name.empty() || name[0] != '/') {
        push(dir);
    }
    push(name);
    if (out.empty()) {
        out.push_back('/');
    }
}

void set_fd_path(Fd& fd, std::string_view path) {
    fd.name.assign(path);
    fd.last_slash = fd.name.rfind('/');
}

void append_ip_port(std::string& out, const IpAddr& ip, uint16_t port) {
    if (ip.family == 6) {
        char buf[INET6_ADDRSTRLEN];
        if (inet_ntop(AF_INET6, ip.bytes.data(), buf, sizeof(buf)) != nullptr) {
            out.append(buf);
        }
    } else {
        append_ipv4(out, ip.bytes.data());
    }
    out.push_back(':');
    char num[8];
    auto r = std::to_chars(num, num + sizeof(num), port);
    out.append(num, r.ptr);
}

void build_tuple_name(Fd& fd) {
    fd.name.clear();
    append_ip_port(fd.name, fd.cip, fd.cport);
    fd.name.append("->");
    append_ip_port(fd.name, fd.sip, fd.sport);
    fd.last_slash = std::string::npos;
}

void build_unix_name(Fd& fd, std::string_view path) {
    fd.name.clear();
    char num[20];
    auto r = std::to_chars(num, num + sizeof(num), fd.unix_src, 16);
    fd.name.append(num, r.ptr);
    fd.name.append("->");
    r = std::to_chars(num, num + sizeof(num), fd.unix_dst, 16);
    fd.name.append(num, r.ptr);
    if (!path.empty()) {
        fd.name.push_back(' ');
        fd.name.append(path);
    }
    fd.last_slash = std::string::npos;
}

namespace {

template <typename T> T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

std::string_view c_string(std::span<const uint8_t> p) {
    std::string_view s(reinterpret_cast<const char*>(p.data()), p.size());
    return s.substr(0, s.find('\0'));
}

} // namespace

bool read_socktuple(std::span<const uint8_t> p, SockTuple* out) {
    if (p.empty()) {
        return false;
    }
    *out = SockTuple{};
    out->family = p[0];
    if (out->family == KES_AF_INET && p.size() >= 13) {
        out->src.family = out->dst.family = 4;
        std::memcpy(out->src.bytes.data(), p.data() + 1, 4);
        out->sport = load<uint16_t>(p.data() + 5);
        std::memcpy(out->dst.bytes.data(), p.data() + 7, 4);
        out->dport = load<uint16_t>(p.data() + 11);
        return true;
    }
    if (out->family == KES_AF_INET6 && p.size() >= 37) {
        out->src.family = out->dst.family = 6;
        std::memcpy(out->src.bytes.data(), p.data() + 1, 16);
        out->sport = load<uint16_t>(p.data() + 17);
        std::memcpy(out->dst.bytes.data(), p.data() + 19, 16);
        out->dport = load<uint16_t>(p.data() + 35);
        return true;
    }
    if (out->family == KES_AF_UNIX && p.size() >= 17) {
        out->unix_src = load<uint64_t>(p.data() + 1);
        out->unix_dst = load<uint64_t>(p.data() + 9);
        out->path = c_string(p.subspan(17));
        return true;
    }
    return false;
}

bool read_sockaddr(std::span<const uint8_t> p, SockAddr* out) {
    if (p.empty()) {
        return false;
    }
    *out = SockAddr{};
    out->family = p[0];
    if (out->family == KES_AF_INET && p.size() >= 7) {
        out->ip.family = 4;
        std::memcpy(out->ip.bytes.data(), p.data() + 1, 4);
        out->port = load<uint16_t>(p.data() + 5);
        return true;
    }
    if (out->family == KES_AF_INET6 && p.size() >= 19) {
        out->ip.family = 6;
        std::memcpy(out->ip.bytes.data(), p.data() + 1, 16);
        out->port = load<uint16_t>(p.data() + 17);
        return true;
    }
    if (out->family == KES_AF_UNIX) {
        out->path = c_string(p.subspan(1));
        return true;
    }
    return false;
}

bool unmap_ipv4(IpAddr& ip) {
    static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (ip.family != 6 || std::memcmp(ip.bytes.data(), kPrefix, sizeof(kPrefix)) != 0) {
        return false;
    }
    IpAddr v4;
    v4.family = 4;
    std::memcpy(v4.bytes.data(), ip.bytes.data() + 12, 4);
    ip = v4;
    return true;
}

void join_entries(std::string_view raw, std::string& out) {
    out.clear();
    while (!raw.empty() && raw.back() == '\0') {
        raw.remove_suffix(1);
    }
    out.reserve(raw.size());
    for (char c : raw) {
        out.push_back(c == '\0' ? ' ' : c);
    }
}

void assign_entries(std::span<const uint8_t> bytes, std::string& out) {
    out.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (!out.empty() && out.back() != '\0') {
        out.push_back('\0');
    }
}

} // namespace detail

// ---- Tables: fd-table edits ----------------------------------------------------------------

namespace {
// Recycled fd nodes kept at most (a few MB at worst); beyond it removed nodes are freed.
constexpr size_t kMaxFreeFds = 16384;
} // namespace

Fd* Tables::add_fd(Process& process, int64_t num) {
    if (num < 0) {
        return nullptr;
    }
    auto it = process.fds.find(num);
    if (it == process.fds.end()) {
        size_t cap = config_.max_fds_per_process;
        if (process.fdlimit > 0 && static_cast<uint64_t>(process.fdlimit) < cap) {
            cap = static_cast<size_t>(process.fdlimit);
        }
        if (process.fds.size() >= cap) {
            ++counters_.n_drops_full_fdtable;
            return nullptr;
        }
        if (!free_fds_.empty()) {
            auto node = std::move(free_fds_.back());
            free_fds_.pop_back();
            node.key() = num;
            it = process.fds.insert(std::move(node)).position;
        } else {
            it = process.fds.try_emplace(num).first;
        }
        ++counters_.n_fds;
    } else {
        // The kernel reused the number (a close we missed, dup2 onto an open fd): replaced.
        ++counters_.n_removed_fds;
    }
    ++counters_.n_added_fds;
    Fd& fd = it->second;
    // Reset in place so that the strings keep their capacity.
    fd.num = num;
    fd.type = FdType::kUnknown;
    fd.openflags = 0;
    fd.cloexec = false;
    fd.dev = 0;
    fd.ino = 0;
    fd.name.clear();
    fd.nameraw.clear();
    fd.last_slash = std::string::npos;
    fd.l4proto = L4Proto::kUnknown;
    fd.role = SockRole::kNone;
    fd.connected = false;
    fd.sip = {};
    fd.cip = {};
    fd.sport = 0;
    fd.cport = 0;
    fd.unix_src = 0;
    fd.unix_dst = 0;
    if (process.last_fd_num == num) {
        process.last_fd = nullptr;
        process.last_fd_num = -1;
    }
    return &fd;
}

bool Tables::erase_fd(Process& process, int64_t num) {
    auto it = process.fds.find(num);
    if (it == process.fds.end()) {
        return false;
    }
    auto node = process.fds.extract(it);
    if (free_fds_.size() < kMaxFreeFds) {
        free_fds_.push_back(std::move(node));
    }
    if (process.last_fd_num == num) {
        process.last_fd = nullptr;
        process.last_fd_num = -1;
    }
    --counters_.n_fds;
    ++counters_.n_removed_fds;
    return true;
}

Fd* Tables::lookup_fd(Process& process, int64_t num) {
    auto it = process.fds.find(num);
    return it == process.fds.end() ? nullptr : &it->second;
}

void Tables::copy_fds(const Process& from, Process& to) {
    drop_all_fds(to);
    to.fds = from.fds;
    counters_.n_fds += to.fds.size();
    counters_.n_added_fds += to.fds.size();
}

void Tables::drop_cloexec_fds(Process& process) {
    for (auto it = process.fds.begin(); it != process.fds.end();) {
        if (it->second.cloexec) {
            it = process.fds.erase(it);
            --counters_.n_fds;
            ++counters_.n_removed_fds;
        } else {
            ++it;
        }
    }
    process.last_fd = nullptr;
    process.last_fd_num = -1;
}

void Tables::drop_all_fds(Process& process) {
    counters_.n_fds -= process.fds.size();
    counters_.n_removed_fds += process.fds.size();
    process.fds.clear();
    process.last_fd = nullptr;
    process.last_fd_num = -1;
}

const Fd* Tables::find_fd(const Thread& thread, int64_t fd) const {
    Process* process = thread.process.get();
    if (process == nullptr) {
        ++counters_.n_failed_fd_lookups;
        return nullptr;
    }
    if (process->last_fd != nullptr && process->last_fd_num == fd) {
        ++counters_.n_cached_fd_lookups;
        return process->last_fd;
    }
    ++counters_.n_noncached_fd_lookups;
    auto it = process->fds.find(fd);
    if (it == process->fds.end()) {
        ++counters_.n_failed_fd_lookups;
        return nullptr;
    }
    process->last_fd = &it->second;
    process->last_fd_num = fd;
    return &it->second;
}

const Fd* Tables::find_fd_by_pid(int64_t pid, int64_t fd) const {
    auto it = threads_.find(pid);
    if (it == threads_.end()) {
        ++counters_.n_failed_fd_lookups;
        return nullptr;
    }
    return find_fd(it->second, fd);
}

} // namespace kestrel::state
