#pragma once
// Helpers shared by the state sources (not part of the public API).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "state/types.hpp"

namespace kestrel::state::detail {

// Writes into `out` the lexically normalized absolute form of `name` taken relative to `dir`
// (itself absolute; ignored when `name` is absolute): "." and empty components dropped, ".."
// pops one (never above "/"), as libsinsp's concatenate_paths. Reuses out's capacity.
void join_path(std::string_view dir, std::string_view name, std::string& out);

// Sets fd.name (and last_slash) to a file path.
void set_fd_path(Fd& fd, std::string_view path);

// "ip:port" as inet_ntop prints the address (no brackets for IPv6, as libsinsp).
void append_ip_port(std::string& out, const IpAddr& ip, uint16_t port);
// fd.name of an IP socket from its tuple: "cip:cport->sip:sport".
void build_tuple_name(Fd& fd);
// fd.name of a unix socket: "<src-hex>-><dst-hex> <path>" (path part only when not empty).
void build_unix_name(Fd& fd, std::string_view path);

// Decoded socktuple / sockaddr parameters (schema/README.md packing).
struct SockTuple {
    uint8_t family = 0; // KES_AF_INET / KES_AF_INET6 / KES_AF_UNIX
    IpAddr src;
    IpAddr dst;
    uint16_t sport = 0;
    uint16_t dport = 0;
    uint64_t unix_src = 0;
    uint64_t unix_dst = 0;
    std::string_view path;
};
bool read_socktuple(std::span<const uint8_t> p, SockTuple* out);

struct SockAddr {
    uint8_t family = 0;
    IpAddr ip;
    uint16_t port = 0;
    std::string_view path;
};
bool read_sockaddr(std::span<const uint8_t> p, SockAddr* out);

// libsinsp treats a tuple of two IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) as IPv4.
bool unmap_ipv4(IpAddr& ip);

// proc.args / proc.env: NUL-separated entries joined by spaces, trailing NULs ignored.
void join_entries(std::string_view raw, std::string& out);
// Copies a bytebuf of NUL-separated entries, making sure each entry ends with a NUL.
void assign_entries(std::span<const uint8_t> bytes, std::string& out);

} // namespace kestrel::state::detail
