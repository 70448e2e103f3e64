#pragma once
// One event as one line of JSON, for `kestrel --dump` (in the spirit of `sysdig -j`):
//
// {"time":"2026-11-21T11:10:19.123456789Z","ts":1795000000123456789,"cpu":1,"tid":42,"pid":42,
//  "comm":"cat","evt.type":"openat","params":{"fd":3,"dirfd":-100,"name":"/etc/passwd",...}}
//
// Parameters by name, in schema order: integers as numbers, text as strings, argv/env/cgroups
// as arrays of strings, other byte buffers as strings, socket addresses as Falco renders them
// ("127.0.0.1:40000->127.0.0.1:8080"), absent parameters as null. No trailing newline.

#include <cstdint>
#include <span>
#include <string>

#include "event/view.hpp"

namespace kestrel::event {

// `boot_to_wall_offset_ns` (base::boot_to_wall_offset_ns()) turns the record's CLOCK_BOOTTIME
// stamp into wall time.
std::string to_json_line(const View& view, int64_t boot_to_wall_offset_ns);
// Appends to `out` instead, so a dump loop can reuse one buffer.
void append_json_line(std::string& out, const View& view, int64_t boot_to_wall_offset_ns);

// Falco's text form of a socktuple / sockaddr parameter ("family N" for other families).
std::string format_socktuple(std::span<const uint8_t> param);
std::string format_sockaddr(std::span<const uint8_t> param);

} // namespace kestrel::event
