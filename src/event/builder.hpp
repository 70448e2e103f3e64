#pragma once
// RecordBuilder: writes one record in the wire format (schema/README.md) at the end of a
// caller-owned byte vector. For tests across the project and for capture-file conversion; the
// probe writes records itself.
//
//   std::vector<uint8_t> buf;
//   RecordBuilder b(buf, KES_EVT_OPENAT);
//   b.tid(42).pid(42).comm("cat");
//   b.add_int64(3).add_int64(-100).add_string("/etc/passwd").add_uint32(KES_O_RDONLY)
//    .add_uint32(0).add_uint32(0x803).add_uint64(1234);
//   b.finish();
//   auto view = decode(buf, nullptr);
//
// Parameters are appended by index, in schema order. The builder does not check them against
// the schema (tests use it to build bad records on purpose); decode() does.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "gen/kestrel_events.h"

namespace kestrel::event {

class RecordBuilder {
  public:
    // Starts a record of event `type` at the end of `out`, with the schema's parameter count
    // (or `nparams` when given, for deliberately malformed records).
    RecordBuilder(std::vector<uint8_t>& out, uint16_t type);
    RecordBuilder(std::vector<uint8_t>& out, uint16_t type, uint16_t nparams);

    RecordBuilder& ts_ns(uint64_t v);
    RecordBuilder& tid(uint32_t v);
    RecordBuilder& pid(uint32_t v);
    RecordBuilder& cpu(uint16_t v);
    RecordBuilder& flags(uint16_t v);
    RecordBuilder& comm(std::string_view v); // cut to 15 bytes + NUL, as the kernel does

    RecordBuilder& add_int64(int64_t v);
    RecordBuilder& add_int32(int32_t v);
    RecordBuilder& add_uint8(uint8_t v);
    RecordBuilder& add_uint16(uint16_t v);
    RecordBuilder& add_uint32(uint32_t v);
    RecordBuilder& add_uint64(uint64_t v);
    // Text parameters: the bytes plus one trailing NUL.
    RecordBuilder& add_string(std::string_view v);
    // Raw bytes (bytebuf); argv/env are NUL-separated entries: see add_string_list.
    RecordBuilder& add_bytes(std::span<const uint8_t> v);
    RecordBuilder& add_bytes(std::string_view v);
    // Entries each followed by a NUL, the way the kernel lays out argv and environ.
    RecordBuilder& add_string_list(std::initializer_list<std::string_view> entries);
    RecordBuilder& add_absent();

    // Socket parameters, Falco's packing. Addresses in network byte order (as in sin_addr),
    // ports in host byte order.
    RecordBuilder& add_sockaddr_in(uint32_t ip_be, uint16_t port);
    RecordBuilder& add_sockaddr_in6(std::span<const uint8_t, 16> ip, uint16_t port);
    RecordBuilder& add_sockaddr_un(std::string_view path);
    RecordBuilder& add_socktuple_in(uint32_t sip_be, uint16_t sport, uint32_t dip_be,
                                    uint16_t dport);
    RecordBuilder& add_socktuple_in6(std::span<const uint8_t, 16> sip, uint16_t sport,
                                     std::span<const uint8_t, 16> dip, uint16_t dport);
    RecordBuilder& add_socktuple_un(uint64_t source, uint64_t dest, std::string_view path);

    // Writes header.len; parameters never added are left absent. Returns the record's bytes
    // (valid until `out` is modified).
    std::span<const uint8_t> finish();

  private:
    RecordBuilder& add_raw(const void* data, size_t len);
    void mark_truncated();
    template <typename T> RecordBuilder& add_pod(T v) { return add_raw(&v, sizeof(v)); }
    template <typename T> void set_header(size_t offset, T v);

    std::vector<uint8_t>& out_;
    size_t start_;
    uint16_t nparams_;
    uint16_t next_ = 0;
};

} // namespace kestrel::event
