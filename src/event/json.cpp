#include "event/json.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cinttypes>
#include <cstring>

#include <fmt/format.h>

#include "base/json_escape.hpp"
#include "base/time.hpp"
#include "event/gen/events.hpp"

namespace kestrel::event {
namespace {

// A JSON string whatever a process put in its argv: invalid UTF-8 is written `\ufffd`.
void append_json_string(std::string& out, std::string_view s) {
    base::append_json_string(out, s, base::InvalidUtf8::kEscaped);
}

void append_json_string(std::string& out, const uint8_t* s, size_t n) {
    append_json_string(out, std::string_view(reinterpret_cast<const char*>(s), n));
}

// argv, environ and cgroups: NUL-separated entries (the last one may lack its NUL).
void append_string_array(std::string& out, std::span<const uint8_t> bytes) {
    out += '[';
    size_t start = 0;
    bool first = true;
    while (start < bytes.size()) {
        const auto* nul =
            static_cast<const uint8_t*>(std::memchr(bytes.data() + start, 0, bytes.size() - start));
        const size_t end = nul == nullptr ? bytes.size() : static_cast<size_t>(nul - bytes.data());
        if (!first) {
            out += ',';
        }
        first = false;
        append_json_string(out, bytes.data() + start, end - start);
        start = end + 1;
    }
    out += ']';
}

bool is_string_list(std::string_view param_name) {
    return param_name == "args" || param_name == "env" || param_name == "cgroups";
}

uint16_t read_u16(const uint8_t* p) {
    uint16_t v = 0;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

uint64_t read_u64(const uint8_t* p) {
    uint64_t v = 0;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

// Falco's is_ipv4_mapped_ipv6: ::ffff:a.b.c.d, and also :: (taken as 0.0.0.0).
bool ipv4_mapped(const uint8_t* a) {
    static constexpr uint8_t kZero[16] = {};
    if (std::memcmp(a, kZero, 10) != 0) {
        return false;
    }
    return (a[10] == 0xff && a[11] == 0xff) || std::memcmp(a + 10, kZero, 6) == 0;
}

void append_ipv4(std::string& out, const uint8_t* ip, uint16_t port) {
    fmt::format_to(std::back_inserter(out), "{}.{}.{}.{}:{}", ip[0], ip[1], ip[2], ip[3], port);
}

void append_ipv6(std::string& out, const uint8_t* ip, uint16_t port) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(AF_INET6, ip, buf, sizeof(buf));
    fmt::format_to(std::back_inserter(out), "{}:{}", buf, port);
}

std::string_view unix_path(const uint8_t* p, size_t n) {
    const char* s = reinterpret_cast<const char*>(p);
    return {s, strnlen(s, n)};
}

// base::format_wall_time_iso, with the date-and-seconds part cached per thread: --dump renders
// many events per second and would otherwise call gmtime_r and allocate for each.
void append_time(std::string& out, uint64_t wall_ns) {
    constexpr uint64_t kNsPerSec = 1'000'000'000ULL;
    thread_local uint64_t cached_sec = UINT64_MAX;
    thread_local std::string cached_prefix; // "2026-11-21T11:10:19."
    const uint64_t sec = wall_ns / kNsPerSec;
    if (sec != cached_sec) {
        const std::string full = base::format_wall_time_iso(wall_ns);
        cached_prefix = full.substr(0, full.size() - 10); // without "123456789Z"
        cached_sec = sec;
    }
    out += cached_prefix;
    char digits[9];
    uint64_t ns = wall_ns % kNsPerSec;
    for (int i = 8; i >= 0; --i) {
        digits[i] = static_cast<char>('0' + ns % 10);
        ns /= 10;
    }
    out.append(digits, sizeof(digits));
    out += 'Z';
}

} // namespace

std::string format_socktuple(std::span<const uint8_t> p) {
    std::string out;
    if (p.empty()) {
        return out;
    }
    const size_t n = p.size();
    const uint8_t* d = p.data();
    if (d[0] == KES_AF_INET && n == 13) {
        append_ipv4(out, d + 1, read_u16(d + 5));
        out += "->";
        append_ipv4(out, d + 7, read_u16(d + 11));
    } else if (d[0] == KES_AF_INET6 && n == 37) {
        if (ipv4_mapped(d + 1) && ipv4_mapped(d + 19)) {
            append_ipv4(out, d + 13, read_u16(d + 17));
            out += "->";
            append_ipv4(out, d + 31, read_u16(d + 35));
        } else {
            append_ipv6(out, d + 1, read_u16(d + 17));
            out += "->";
            append_ipv6(out, d + 19, read_u16(d + 35));
        }
    } else if (d[0] == KES_AF_UNIX && n >= 17) {
        fmt::format_to(std::back_inserter(out), "{:x}->{:x} {}", read_u64(d + 1), read_u64(d + 9),
                       unix_path(d + 17, n - 17));
    } else {
        fmt::format_to(std::back_inserter(out), "family {}", d[0]);
    }
    return out;
}

std::string format_sockaddr(std::span<const uint8_t> p) {
    std::string out;
    if (p.empty()) {
        return out;
    }
    const size_t n = p.size();
    const uint8_t* d = p.data();
    if (d[0] == KES_AF_INET && n == 7) {
        append_ipv4(out, d + 1, read_u16(d + 5));
    } else if (d[0] == KES_AF_INET6 && n == 19) {
        append_ipv6(out, d + 1, read_u16(d + 17));
    } else if (d[0] == KES_AF_UNIX) {
        out = unix_path(d + 1, n - 1);
    } else {
        fmt::format_to(std::back_inserter(out), "family {}", d[0]);
    }
    return out;
}

void append_json_line(std::string& out, const View& view, int64_t boot_to_wall_offset_ns) {
    const int64_t wall = static_cast<int64_t>(view.ts_ns()) + boot_to_wall_offset_ns;
    const uint64_t wall_ns = wall < 0 ? 0 : static_cast<uint64_t>(wall);
    const EventInfo* info = view.info();

    out += "{\"time\":\"";
    append_time(out, wall_ns);
    fmt::format_to(std::back_inserter(out),
                   "\",\"ts\":{},\"cpu\":{},\"tid\":{},\"pid\":{},\"comm\":", wall_ns, view.cpu(),
                   view.tid(), view.pid());
    append_json_string(out, view.comm());
    out += ",\"evt.type\":";
    append_json_string(out, info == nullptr ? std::string_view("unknown") : info->name);
    out += ",\"params\":{";
    for (size_t i = 0; info != nullptr && i < view.param_count(); ++i) {
        const ParamInfo& pi = info->params[i];
        if (i != 0) {
            out += ',';
        }
        append_json_string(out, pi.name);
        out += ':';
        if (!view.has_param(i)) {
            out += "null";
            continue;
        }
        switch (pi.type) {
        case ParamType::kErrno:
        case ParamType::kFd:
        case ParamType::kPid:
        case ParamType::kInt64:
        case ParamType::kInt32:
            fmt::format_to(std::back_inserter(out), "{}", view.param_int64(i));
            break;
        case ParamType::kCharbuf:
        case ParamType::kFspath:
        case ParamType::kFsrelpath:
            append_json_string(out, view.param_string(i));
            break;
        case ParamType::kBytebuf:
            if (is_string_list(pi.name)) {
                append_string_array(out, view.param(i));
            } else {
                const auto p = view.param(i);
                append_json_string(out, p.data(), p.size());
            }
            break;
        case ParamType::kSocktuple:
            append_json_string(out, format_socktuple(view.param(i)));
            break;
        case ParamType::kSockaddr:
            append_json_string(out, format_sockaddr(view.param(i)));
            break;
        default: // every other type is an unsigned integer of fixed width
            fmt::format_to(std::back_inserter(out), "{}", view.param_uint(i));
            break;
        }
    }
    out += "}}";
}

std::string to_json_line(const View& view, int64_t boot_to_wall_offset_ns) {
    std::string out;
    out.reserve(256);
    append_json_line(out, view, boot_to_wall_offset_ns);
    return out;
}

} // namespace kestrel::event
