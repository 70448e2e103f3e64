#include "daemon/capture_state.hpp"

#include <unordered_map>

#include "gen/kestrel_events.h"

namespace kestrel::daemon {
namespace {

namespace scap = capture::scap;

state::IpAddr ip_of(const std::array<uint8_t, 16>& bytes, uint8_t family) {
    state::IpAddr ip;
    ip.family = family;
    ip.bytes = bytes;
    return ip;
}

// Falco's fd-list entries, mapped as state/README.md ("From a capture file") describes.
bool to_fd_snapshot(const scap::FdEntry& entry, state::FdSnapshot* out) {
    state::FdSnapshot& fd = *out;
    fd.fd = entry.fd;
    fd.ino = entry.ino;
    fd.dev = entry.dev;
    fd.openflags = entry.open_flags;
    fd.name = entry.name;
    switch (entry.type) {
    case scap::FdType::kFile:
    case scap::FdType::kFileV2:
        fd.type = (entry.open_flags & KES_O_DIRECTORY) != 0 ? state::FdType::kDirectory
                                                            : state::FdType::kFile;
        return true;
    case scap::FdType::kDirectory:
        fd.type = state::FdType::kDirectory;
        return true;
    case scap::FdType::kFifo:
        fd.type = state::FdType::kPipe;
        return true;
    case scap::FdType::kIpv4ServSock:
    case scap::FdType::kIpv6ServSock: {
        uint8_t family = entry.type == scap::FdType::kIpv4ServSock ? 4 : 6;
        fd.type = family == 4 ? state::FdType::kIpv4Sock : state::FdType::kIpv6Sock;
        fd.role = state::SockRole::kServer;
        fd.sip = ip_of(entry.sip, family);
        fd.sport = entry.sport;
        return true;
    }
    case scap::FdType::kIpv4Sock:
    case scap::FdType::kIpv6Sock: {
        uint8_t family = entry.type == scap::FdType::kIpv4Sock ? 4 : 6;
        fd.type = family == 4 ? state::FdType::kIpv4Sock : state::FdType::kIpv6Sock;
        // The list gives the local end as "source": the connecting side, as libsinsp assumes
        // until it knows the listening ports.
        fd.role = state::SockRole::kClient;
        fd.cip = ip_of(entry.sip, family);
        fd.cport = entry.sport;
        fd.sip = ip_of(entry.dip, family);
        fd.sport = entry.dport;
        return true;
    }
    case scap::FdType::kUnixSock:
        fd.type = state::FdType::kUnixSock;
        fd.unix_src = entry.unix_source;
        fd.unix_dst = entry.unix_dest;
        return true;
    case scap::FdType::kEvent:
        fd.type = state::FdType::kEvent;
        return true;
    case scap::FdType::kSignalfd:
        fd.type = state::FdType::kSignalfd;
        return true;
    case scap::FdType::kEventpoll:
        fd.type = state::FdType::kEventpoll;
        return true;
    case scap::FdType::kInotify:
        fd.type = state::FdType::kInotify;
        return true;
    case scap::FdType::kTimerfd:
        fd.type = state::FdType::kTimerfd;
        return true;
    case scap::FdType::kNetlink:
        fd.type = state::FdType::kNetlink;
        return true;
    case scap::FdType::kBpf:
        fd.type = state::FdType::kBpf;
        return true;
    case scap::FdType::kUserfaultfd:
        fd.type = state::FdType::kUserfaultfd;
        return true;
    case scap::FdType::kIoUring:
        fd.type = state::FdType::kIoUring;
        return true;
    case scap::FdType::kMemfd:
        fd.type = state::FdType::kMemfd;
        return true;
    case scap::FdType::kPidfd:
        fd.type = state::FdType::kPidfd;
        return true;
    case scap::FdType::kUnknown:
    case scap::FdType::kUnsupported:
        return false;
    }
    return false;
}

state::ThreadSnapshot to_thread_snapshot(const scap::ProcessEntry& p) {
    state::ThreadSnapshot t;
    t.tid = static_cast<int64_t>(p.tid);
    t.pid = static_cast<int64_t>(p.pid);
    t.ptid = static_cast<int64_t>(p.ptid);
    t.vtid = p.vtid;
    t.vpid = p.vpid;
    t.sid = static_cast<int64_t>(p.sid);
    t.pgid = p.pgid;
    t.vpgid = static_cast<int64_t>(p.vpgid);
    t.comm = p.comm;
    t.exe = p.exe;
    t.exepath = p.exepath;
    t.args_raw = p.args;
    t.env_raw = p.env;
    t.cgroups_raw = p.cgroups;
    t.cwd = p.cwd;
    t.uid = p.uid;
    t.gid = p.gid;
    t.loginuid = p.loginuid;
    t.cap_inheritable = p.cap_inheritable;
    t.cap_permitted = p.cap_permitted;
    t.cap_effective = p.cap_effective;
    t.tty = p.tty;
    t.fdlimit = static_cast<int64_t>(p.fdlimit);
    t.exe_ino = p.exe_ino;
    t.exe_ino_ctime = p.exe_ino_ctime;
    t.exe_ino_mtime = p.exe_ino_mtime;
    t.exe_writable = p.exe_writable;
    t.exe_upper_layer = p.exe_upper_layer;
    t.exe_lower_layer = p.exe_lower_layer;
    t.exe_from_memfd = p.exe_from_memfd;
    return t;
}

} // namespace

void load_capture_state(const scap::ScapReader& reader, state::Tables& tables) {
    std::vector<state::ThreadSnapshot> threads;
    std::unordered_map<int64_t, size_t> by_tid;
    threads.reserve(reader.processes().size());
    for (const scap::ProcessEntry& process : reader.processes()) {
        by_tid[static_cast<int64_t>(process.tid)] = threads.size();
        threads.push_back(to_thread_snapshot(process));
    }
    for (const scap::FdEntry& entry : reader.fds()) {
        auto it = by_tid.find(static_cast<int64_t>(entry.tid));
        state::FdSnapshot fd;
        if (it != by_tid.end() && to_fd_snapshot(entry, &fd)) {
            threads[it->second].fds.push_back(std::move(fd));
        }
    }
    tables.load(threads);

    std::vector<state::User> users;
    for (const scap::UserEntry& entry : reader.users()) {
        users.push_back(state::User{entry.uid, entry.gid, entry.name, entry.home, entry.shell});
    }
    std::vector<state::Group> groups;
    for (const scap::GroupEntry& entry : reader.groups()) {
        groups.push_back(state::Group{entry.gid, entry.name});
    }
    tables.users().load(users, groups);
}

} // namespace kestrel::daemon
