#pragma once
// Valid records of a few events, built the way the probe lays them out, shared by the tests.

#include <arpa/inet.h>

#include <cstdint>
#include <vector>

#include "event/builder.hpp"
#include "gen/kestrel_events.h"

namespace kestrel::event::testing {

// Boot-clock stamp and boot-to-wall offset giving wall time 1700000005000000123 ns,
// 2023-11-14T22:13:25.000000123Z.
constexpr uint64_t kTs = 10'000'000'123;
constexpr int64_t kBootToWall = 1'699'999'995'000'000'000;

inline std::vector<uint8_t> openat_record() {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_OPENAT);
    b.ts_ns(kTs).tid(1234).pid(1200).cpu(1).comm("cat");
    b.add_int64(3)
        .add_int64(-100)
        .add_string("/etc/passwd")
        .add_uint32(KES_O_RDONLY)
        .add_uint32(0)
        .add_uint32(2049)
        .add_uint64(131);
    b.finish();
    return buf;
}

inline std::vector<uint8_t> connect_record() {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_CONNECT);
    b.ts_ns(kTs).tid(77).pid(70).cpu(0).comm("curl");
    b.add_int64(0)
        .add_socktuple_in(htonl(0x7f000001), 40000, htonl(0x7f000001), 8080)
        .add_int64(5)
        .add_sockaddr_in(htonl(0x7f000001), 8080);
    b.finish();
    return buf;
}

// An execve with the parameters a rule usually reads; the rest absent.
inline std::vector<uint8_t> execve_record() {
    std::vector<uint8_t> buf;
    RecordBuilder b(buf, KES_EVT_EXECVE);
    b.ts_ns(kTs).tid(500).pid(500).cpu(3).comm("ls");
    b.add_int64(0)                                        // res
        .add_string("ls")                                 // exe
        .add_string_list({"-l", "/tmp"})                  // args
        .add_int64(500)                                   // tid
        .add_int64(500)                                   // pid
        .add_int64(400)                                   // ptid
        .add_string("/root")                              // cwd
        .add_uint64(1024)                                 // fdlimit
        .add_uint64(0)                                    // pgft_maj
        .add_uint64(12)                                   // pgft_min
        .add_uint32(2048)                                 // vm_size
        .add_uint32(512)                                  // vm_rss
        .add_uint32(0)                                    // vm_swap
        .add_string("ls")                                 // comm
        .add_string_list({"cpu=/", "memory=/user.slice"}) // cgroups
        .add_string_list({"HOME=/root", "TERM=xterm"})    // env
        .add_uint32(34816)                                // tty
        .add_int64(500)                                   // vpgid
        .add_uint32(0)                                    // loginuid
        .add_uint32(KES_EXE_WRITABLE)                     // flags
        .add_absent()                                     // cap_inheritable
        .add_absent()                                     // cap_permitted
        .add_absent()                                     // cap_effective
        .add_uint64(4242)                                 // exe_ino
        .add_absent()                                     // exe_ino_ctime
        .add_absent()                                     // exe_ino_mtime
        .add_uint32(0)                                    // uid
        .add_string("/usr/bin/ls")                        // trusted_exepath
        .add_int64(500)                                   // pgid
        .add_uint32(0)                                    // gid
        .add_string("/bin/ls");                           // filename
    b.finish();
    return buf;
}

} // namespace kestrel::event::testing
