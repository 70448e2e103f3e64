// Class "fd": libsinsp sinsp_filtercheck_fd.cpp. The file descriptor is the one the event
// creates (open, socket, accept...) or uses (read, connect...).

#include <array>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

namespace {

using D = DisplayFormat;
using T = FieldType;

constexpr FieldInfo f(std::string_view name, T type, std::uint32_t flags, D format,
                      std::string_view description) {
    return make_field("fd", name, type, flags, format, description);
}

// "Either side" matchers are condition-only in libs and cannot feed val() or transformers.
constexpr std::uint32_t kMatcher = kFilterOnly | kNoRhs | kNoTransformer;
// DNS-name lookups cannot feed val() or transformers either.
constexpr std::uint32_t kDnsName = kNoRhs | kNoTransformer;

constexpr std::array kFields = {
    f("fd.num", T::kInt64, kNoFlags, D::kId,
      "Number of the file descriptor (-1 when the call that should have created it failed)."),
    f("fd.type", T::kString, kNoFlags, D::kDec,
      "Kind of file descriptor: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, "
      "eventpoll, inotify, timerfd, netlink, bpf, userfaultfd, io_uring, memfd or pidfd."),
    f("fd.typechar", T::kString, kNoFlags, D::kDec,
      "Kind of file descriptor as one character: f file, d directory, 4 IPv4 socket, 6 IPv6 "
      "socket, u unix socket, p pipe, e eventfd, s signalfd, l eventpoll, i inotify, t timerfd, "
      "n netlink, b bpf, r io_uring, m memfd, o unknown."),
    f("fd.name", T::kString, kNoFlags, D::kNa,
      "Full name of the file descriptor: the absolute path for files, the connection tuple "
      "(client:port->server:port) for sockets."),
    f("fd.directory", T::kString, kNoFlags, D::kNa,
      "For files, the directory containing the file."),
    f("fd.filename", T::kString, kNoFlags, D::kNa,
      "For files, the file name without its directory."),
    f("fd.ip", T::kIpAddr, kMatcher, D::kNa,
      "Conditions only: matches the client or the server IP address of the socket."),
    f("fd.cip", T::kIpAddr, kNoFlags, D::kNa, "Client IP address of the socket."),
    f("fd.sip", T::kIpAddr, kNoFlags, D::kNa, "Server IP address of the socket."),
    f("fd.lip", T::kIpAddr, kNoFlags, D::kNa, "Local IP address of the socket."),
    f("fd.rip", T::kIpAddr, kNoFlags, D::kNa, "Remote IP address of the socket."),
    f("fd.port", T::kPort, kMatcher, D::kDec,
      "Conditions only: matches the client or the server port of the socket."),
    f("fd.cport", T::kPort, kNoFlags, D::kDec, "Client port of a TCP/UDP socket."),
    f("fd.sport", T::kPort, kNoFlags, D::kDec, "Server port of a TCP/UDP socket."),
    f("fd.lport", T::kPort, kNoFlags, D::kDec, "Local port of a TCP/UDP socket."),
    f("fd.rport", T::kPort, kNoFlags, D::kDec, "Remote port of a TCP/UDP socket."),
    f("fd.l4proto", T::kString, kNoFlags, D::kNa,
      "Transport protocol of the socket: tcp, udp, icmp or raw."),
    f("fd.sockfamily", T::kString, kNoFlags, D::kNa, "Socket family: ip or unix."),
    f("fd.is_server", T::kBool, kNoFlags, D::kNa,
      "true if the process owning the socket is the server side of the connection."),
    f("fd.uid", T::kString, kNoFlags, D::kNa,
      "Identifier of the file descriptor made of its number and the thread id."),
    f("fd.containername", T::kString, kNoFlags, D::kNa,
      "Container id and fd.name joined, to tell apart the same name in different containers."),
    f("fd.containerdirectory", T::kString, kNoFlags, D::kNa,
      "Container id and fd.directory joined."),
    f("fd.proto", T::kPort, kMatcher, D::kNa,
      "Conditions only: matches the client or the server protocol of the socket."),
    f("fd.cproto", T::kString, kNoFlags, D::kNa,
      "Protocol name of the client port of a TCP/UDP socket."),
    f("fd.sproto", T::kString, kNoFlags, D::kNa,
      "Protocol name of the server port of a TCP/UDP socket."),
    f("fd.lproto", T::kString, kNoFlags, D::kNa,
      "Protocol name of the local port of a TCP/UDP socket."),
    f("fd.rproto", T::kString, kNoFlags, D::kNa,
      "Protocol name of the remote port of a TCP/UDP socket."),
    f("fd.net", T::kIpNet, kMatcher, D::kNa,
      "Conditions only: matches the client or server address against a network (CIDR)."),
    f("fd.cnet", T::kIpNet, kMatcher, D::kNa,
      "Conditions only: matches the client address against a network (CIDR)."),
    f("fd.snet", T::kIpNet, kMatcher, D::kNa,
      "Conditions only: matches the server address against a network (CIDR)."),
    f("fd.lnet", T::kIpNet, kMatcher, D::kNa,
      "Conditions only: matches the local address against a network (CIDR)."),
    f("fd.rnet", T::kIpNet, kMatcher, D::kNa,
      "Conditions only: matches the remote address against a network (CIDR)."),
    f("fd.connected", T::kBool, kNoFlags, D::kNa, "true if the TCP/UDP socket is connected."),
    f("fd.name_changed", T::kBool, kNoFlags, D::kNa,
      "true when the event changed the name of the file descriptor it uses, e.g. a UDP socket "
      "whose connection tuple changed."),
    f("fd.cip.name", T::kString, kDnsName, D::kNa,
      "Domain name resolved for the client IP address."),
    f("fd.sip.name", T::kString, kDnsName, D::kNa,
      "Domain name resolved for the server IP address."),
    f("fd.lip.name", T::kString, kDnsName, D::kNa,
      "Domain name resolved for the local IP address."),
    f("fd.rip.name", T::kString, kDnsName, D::kNa,
      "Domain name resolved for the remote IP address."),
    f("fd.dev", T::kInt32, kNoFlags, D::kHex,
      "Device number (major and minor) of the file system holding the file."),
    f("fd.dev.major", T::kInt32, kNoFlags, D::kDec,
      "Major device number of the file system holding the file."),
    f("fd.dev.minor", T::kInt32, kNoFlags, D::kDec,
      "Minor device number of the file system holding the file."),
    f("fd.ino", T::kInt64, kNoFlags, D::kDec, "Inode number of the file."),
    f("fd.nameraw", T::kString, kNoFlags, D::kNa,
      "For files, the path as the process passed it: not made absolute and only lightly "
      "sanitized."),
    f("fd.types", T::kString, kList | kArgAllowed | kArgIndex | kNoRhs | kNoTransformer, D::kDec,
      "List of the distinct kinds of file descriptor the process has open; fd.types[N] gives "
      "the kind of descriptor N as a one-element list."),
    f("fd.is_upper_layer", T::kBool, kNoFlags, D::kNa,
      "true if the file lives in the upper (writable) layer of an overlayfs."),
    f("fd.is_lower_layer", T::kBool, kNoFlags, D::kNa,
      "true if the file lives in a lower (image) layer of an overlayfs."),
};

} // namespace

std::span<const FieldInfo> fd_fields() { return kFields; }

} // namespace kestrel::rules::fields
