#pragma once
// Synthetic events for the state tests: each helper builds one record with RecordBuilder, decodes
// it and applies it to a Tables, the way the hot path would.

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "event/builder.hpp"
#include "event/view.hpp"
#include "gen/kestrel_events.h"
#include "state/tables.hpp"

namespace kestrel::state::testing {

class Feed {
  public:
    explicit Feed(Tables& tables) : tables_(tables) {}

    uint64_t ts() const { return ts_; }
    void advance(uint64_t ns) { ts_ += ns; }

    // Builds a record of `type` for thread tid/pid; `params` appends the parameters.
    void emit(uint16_t type, int64_t tid, int64_t pid, std::string_view comm,
              const std::function<void(event::RecordBuilder&)>& params) {
        std::vector<uint8_t> buf;
        event::RecordBuilder b(buf, type);
        ts_ += 1000;
        b.ts_ns(ts_).tid(static_cast<uint32_t>(tid)).pid(static_cast<uint32_t>(pid)).comm(comm);
        params(b);
        b.finish();
        auto view = event::decode(buf, nullptr);
        ASSERT_TRUE(view.ok()) << view.error().to_string();
        tables_.apply(*view);
    }

    struct CloneArgs {
        int64_t res = 0;
        int64_t tid = 0; // the thread the event comes from
        int64_t pid = 0;
        int64_t ptid = 0;
        std::string_view comm = "proc";
        std::string_view exe = "/bin/proc";
        std::initializer_list<std::string_view> args = {};
        std::string_view cwd = "/";
        uint32_t flags = 0;
        uint32_t uid = 0;
        uint32_t gid = 0;
        int64_t vtid = -1;
        int64_t vpid = -1;
        std::string_view cgroups = {};
        uint16_t type = KES_EVT_CLONE;
    };
    void clone(const CloneArgs& a) {
        emit(a.type, a.tid, a.pid, a.comm, [&](event::RecordBuilder& b) {
            b.add_int64(a.res)
                .add_string(a.exe)
                .add_string_list(a.args)
                .add_int64(a.tid)
                .add_int64(a.pid)
                .add_int64(a.ptid)
                .add_string(a.cwd)
                .add_int64(1024)
                .add_uint64(0)
                .add_uint64(0)
                .add_uint32(0)
                .add_uint32(0)
                .add_uint32(0)
                .add_string(a.comm);
            if (a.cgroups.empty()) {
                b.add_absent();
            } else {
                b.add_bytes(a.cgroups);
            }
            b.add_uint32(a.flags)
                .add_uint32(a.uid)
                .add_uint32(a.gid)
                .add_int64(a.vtid < 0 ? a.tid : a.vtid)
                .add_int64(a.vpid < 0 ? a.pid : a.vpid)
                .add_uint64(0);
        });
    }

    // A fork as the probe reports it: the parent's event, then the child's.
    void fork(int64_t parent_tid, int64_t parent_pid, int64_t child, std::string_view comm,
              uint32_t flags = 0) {
        const Thread* p = tables_.find_thread(parent_tid);
        int64_t pptid = p != nullptr ? p->ptid : 0;
        // The probe reports the task's real cwd: the parent's.
        std::string cwd = p != nullptr ? tables_.process(*p)->cwd : "/";
        clone({.res = child,
               .tid = parent_tid,
               .pid = parent_pid,
               .ptid = pptid,
               .comm = comm,
               .cwd = cwd,
               .flags = flags});
        bool thread = (flags & KES_CL_CLONE_THREAD) != 0;
        clone({.res = 0,
               .tid = child,
               .pid = thread ? parent_pid : child,
               .ptid = thread ? pptid : parent_tid,
               .comm = comm,
               .cwd = cwd,
               .flags = flags});
    }

    struct ExecArgs {
        int64_t tid = 0;
        int64_t pid = 0;
        int64_t ptid = 0;
        int64_t res = 0;
        std::string_view exe;
        std::initializer_list<std::string_view> args = {};
        std::string_view comm;
        std::string_view exepath;
        std::string_view cwd = "/";
        std::initializer_list<std::string_view> env = {};
        std::string_view cgroups = {};
        uint32_t uid = 0;
        uint32_t gid = 0;
        uint32_t loginuid = 1000;
        uint32_t tty = 0;
        uint32_t flags = 0;
    };
    void execve(const ExecArgs& a) {
        emit(KES_EVT_EXECVE, a.tid, a.pid, a.comm, [&](event::RecordBuilder& b) {
            b.add_int64(a.res)
                .add_string(a.exe)
                .add_string_list(a.args)
                .add_int64(a.tid)
                .add_int64(a.pid)
                .add_int64(a.ptid)
                .add_string(a.cwd)
                .add_uint64(4096)
                .add_uint64(0)
                .add_uint64(0)
                .add_uint32(0)
                .add_uint32(0)
                .add_uint32(0)
                .add_string(a.comm);
            if (a.cgroups.empty()) {
                b.add_absent();
            } else {
                b.add_bytes(a.cgroups);
            }
            b.add_string_list(a.env)
                .add_uint32(a.tty)
                .add_int64(a.pid)
                .add_uint32(a.loginuid)
                .add_uint32(a.flags)
                .add_uint64(0)
                .add_uint64(0x1ff)
                .add_uint64(0x1ff)
                .add_uint64(42)
                .add_uint64(7)
                .add_uint64(8)
                .add_uint32(a.uid)
                .add_string(a.exepath.empty() ? a.exe : a.exepath)
                .add_int64(a.pid)
                .add_uint32(a.gid)
                .add_string(a.exe);
        });
    }

    void procexit(int64_t tid, int64_t pid, int64_t reaper = 0) {
        emit(KES_EVT_PROCEXIT, tid, pid, "x", [&](event::RecordBuilder& b) {
            b.add_int64(0).add_int64(0).add_uint8(0).add_uint8(0).add_int64(reaper);
        });
    }

    void openat(int64_t tid, int64_t pid, int64_t fd, int64_t dirfd, std::string_view name,
                uint32_t flags = KES_O_RDONLY) {
        emit(KES_EVT_OPENAT, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(fd)
                .add_int64(dirfd)
                .add_string(name)
                .add_uint32(flags)
                .add_uint32(0)
                .add_uint32(2049)
                .add_uint64(99);
        });
    }
    void open(int64_t tid, int64_t pid, int64_t fd, std::string_view name,
              uint32_t flags = KES_O_RDONLY) {
        emit(KES_EVT_OPEN, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(fd)
                .add_string(name)
                .add_uint32(flags)
                .add_uint32(0)
                .add_uint32(1)
                .add_uint64(2);
        });
    }
    void close(int64_t tid, int64_t pid, int64_t fd, int64_t res = 0) {
        emit(KES_EVT_CLOSE, tid, pid, "p",
             [&](event::RecordBuilder& b) { b.add_int64(res).add_int64(fd); });
    }
    void dup(int64_t tid, int64_t pid, int64_t oldfd, int64_t res) {
        emit(KES_EVT_DUP, tid, pid, "p",
             [&](event::RecordBuilder& b) { b.add_int64(res).add_int64(oldfd); });
    }
    void dup2(int64_t tid, int64_t pid, int64_t oldfd, int64_t newfd) {
        emit(KES_EVT_DUP2, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(newfd).add_int64(oldfd).add_int64(newfd);
        });
    }
    void dup3(int64_t tid, int64_t pid, int64_t oldfd, int64_t newfd, uint32_t flags) {
        emit(KES_EVT_DUP3, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(newfd).add_int64(oldfd).add_int64(newfd).add_uint32(flags);
        });
    }
    void fcntl(int64_t tid, int64_t pid, int64_t fd, uint8_t cmd, int64_t res, uint64_t arg = 0) {
        emit(KES_EVT_FCNTL, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(res).add_int64(fd).add_uint8(cmd).add_uint64(arg);
        });
    }
    void socket(int64_t tid, int64_t pid, int64_t fd, uint32_t domain, uint32_t type,
                uint32_t proto) {
        emit(KES_EVT_SOCKET, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(fd).add_uint32(domain).add_uint32(type).add_uint32(proto).add_uint32(0);
        });
    }
    void connect4(int64_t tid, int64_t pid, int64_t fd, uint32_t sip, uint16_t sport, uint32_t dip,
                  uint16_t dport, int64_t res = 0) {
        emit(KES_EVT_CONNECT, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(res)
                .add_socktuple_in(htonl(sip), sport, htonl(dip), dport)
                .add_int64(fd)
                .add_sockaddr_in(htonl(dip), dport);
        });
    }
    void connect6(int64_t tid, int64_t pid, int64_t fd, const std::array<uint8_t, 16>& sip,
                  uint16_t sport, const std::array<uint8_t, 16>& dip, uint16_t dport) {
        emit(KES_EVT_CONNECT, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(0)
                .add_socktuple_in6(sip, sport, dip, dport)
                .add_int64(fd)
                .add_sockaddr_in6(dip, dport);
        });
    }
    void connect_unix(int64_t tid, int64_t pid, int64_t fd, uint64_t src, uint64_t dst,
                      std::string_view path) {
        emit(KES_EVT_CONNECT, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(0).add_socktuple_un(src, dst, path).add_int64(fd).add_sockaddr_un(path);
        });
    }
    void accept4(int64_t tid, int64_t pid, int64_t fd, uint32_t cip, uint16_t cport, uint32_t sip,
                 uint16_t sport, int32_t flags = 0) {
        emit(KES_EVT_ACCEPT4, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(fd)
                .add_socktuple_in(htonl(cip), cport, htonl(sip), sport)
                .add_uint8(0)
                .add_uint32(0)
                .add_uint32(128)
                .add_int32(flags);
        });
    }
    void accept6(int64_t tid, int64_t pid, int64_t fd, const std::array<uint8_t, 16>& cip,
                 uint16_t cport, const std::array<uint8_t, 16>& sip, uint16_t sport) {
        emit(KES_EVT_ACCEPT, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(fd)
                .add_socktuple_in6(cip, cport, sip, sport)
                .add_uint8(0)
                .add_uint32(0)
                .add_uint32(128);
        });
    }
    void bind4(int64_t tid, int64_t pid, int64_t fd, uint32_t ip, uint16_t port) {
        emit(KES_EVT_BIND, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(0).add_sockaddr_in(htonl(ip), port).add_int64(fd);
        });
    }
    void listen(int64_t tid, int64_t pid, int64_t fd) {
        emit(KES_EVT_LISTEN, tid, pid, "p",
             [&](event::RecordBuilder& b) { b.add_int64(0).add_int64(fd).add_int32(128); });
    }
    void pipe(int64_t tid, int64_t pid, int64_t fd1, int64_t fd2, uint64_t ino) {
        emit(KES_EVT_PIPE, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(0).add_int64(fd1).add_int64(fd2).add_uint64(ino);
        });
    }
    void chdir(int64_t tid, int64_t pid, std::string_view path, int64_t res = 0) {
        emit(KES_EVT_CHDIR, tid, pid, "p",
             [&](event::RecordBuilder& b) { b.add_int64(res).add_string(path); });
    }
    void rename(int64_t tid, int64_t pid, std::string_view from, std::string_view to) {
        emit(KES_EVT_RENAME, tid, pid, "p",
             [&](event::RecordBuilder& b) { b.add_int64(0).add_string(from).add_string(to); });
    }
    void memfd(int64_t tid, int64_t pid, int64_t fd, std::string_view name, uint32_t flags) {
        emit(KES_EVT_MEMFD_CREATE, tid, pid, "p",
             [&](event::RecordBuilder& b) { b.add_int64(fd).add_string(name).add_uint32(flags); });
    }
    void socketpair(int64_t tid, int64_t pid, int64_t fd1, int64_t fd2, uint64_t src,
                    uint64_t peer) {
        emit(KES_EVT_SOCKETPAIR, tid, pid, "p", [&](event::RecordBuilder& b) {
            b.add_int64(0)
                .add_int64(fd1)
                .add_int64(fd2)
                .add_uint64(src)
                .add_uint64(peer)
                .add_uint32(KES_AF_UNIX)
                .add_uint32(1)
                .add_uint32(0);
        });
    }
    // Any event from a thread (flushes deferred removals).
    void tick(int64_t tid = 1, int64_t pid = 1) { close(tid, pid, 9999, -9); }

  private:
    Tables& tables_;
    uint64_t ts_ = 1'000'000'000;
};

// A bootstrapped host: init (1), a shell (100, child of 1).
inline void boot(Feed& f) {
    f.execve({.tid = 1, .pid = 1, .ptid = 0, .exe = "/sbin/init", .comm = "systemd"});
    f.fork(1, 1, 100, "systemd");
    f.execve({.tid = 100,
              .pid = 100,
              .ptid = 1,
              .exe = "bash",
              .args = {"-l"},
              .comm = "bash",
              .exepath = "/usr/bin/bash",
              .cwd = "/root"});
}

} // namespace kestrel::state::testing
