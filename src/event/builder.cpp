#include "event/builder.hpp"

#include <algorithm>
#include <cstring>

#include "base/check.hpp"
#include "event/gen/events.hpp"

namespace kestrel::event {
namespace {

constexpr size_t kOffTs = offsetof(kes_event_header, ts_ns);
constexpr size_t kOffTid = offsetof(kes_event_header, tid);
constexpr size_t kOffPid = offsetof(kes_event_header, pid);
constexpr size_t kOffLen = offsetof(kes_event_header, len);
constexpr size_t kOffType = offsetof(kes_event_header, type);
constexpr size_t kOffNparams = offsetof(kes_event_header, nparams);
constexpr size_t kOffCpu = offsetof(kes_event_header, cpu);
constexpr size_t kOffFlags = offsetof(kes_event_header, flags);
constexpr size_t kOffComm = offsetof(kes_event_header, comm);
constexpr size_t kMaxParamLen = UINT16_MAX;

uint16_t schema_nparams(uint16_t type) {
    const EventInfo* info = find_event(type);
    return info == nullptr ? 0 : static_cast<uint16_t>(info->params.size());
}

} // namespace

RecordBuilder::RecordBuilder(std::vector<uint8_t>& out, uint16_t type)
    : RecordBuilder(out, type, schema_nparams(type)) {}

RecordBuilder::RecordBuilder(std::vector<uint8_t>& out, uint16_t type, uint16_t nparams)
    : out_(out), start_(out.size()), nparams_(nparams) {
    out_.resize(start_ + KES_HDR_SIZE + 2 * static_cast<size_t>(nparams), 0);
    set_header<uint16_t>(kOffType, type);
    set_header<uint16_t>(kOffNparams, nparams);
}

template <typename T> void RecordBuilder::set_header(size_t offset, T v) {
    std::memcpy(out_.data() + start_ + offset, &v, sizeof(v));
}

RecordBuilder& RecordBuilder::ts_ns(uint64_t v) {
    set_header(kOffTs, v);
    return *this;
}
RecordBuilder& RecordBuilder::tid(uint32_t v) {
    set_header(kOffTid, v);
    return *this;
}
RecordBuilder& RecordBuilder::pid(uint32_t v) {
    set_header(kOffPid, v);
    return *this;
}
RecordBuilder& RecordBuilder::cpu(uint16_t v) {
    set_header(kOffCpu, v);
    return *this;
}
RecordBuilder& RecordBuilder::flags(uint16_t v) {
    set_header(kOffFlags, v);
    return *this;
}
RecordBuilder& RecordBuilder::comm(std::string_view v) {
    uint8_t* dst = out_.data() + start_ + kOffComm;
    std::memset(dst, 0, KES_COMM_LEN);
    std::memcpy(dst, v.data(), std::min<size_t>(v.size(), KES_COMM_LEN - 1));
    return *this;
}

void RecordBuilder::mark_truncated() {
    uint16_t f = 0;
    std::memcpy(&f, out_.data() + start_ + kOffFlags, sizeof(f));
    set_header<uint16_t>(kOffFlags, f | KES_HDR_F_TRUNCATED);
}

RecordBuilder& RecordBuilder::add_raw(const void* data, size_t len) {
    // Adding more parameters than the header declares is a bug in the caller (a test).
    KES_CHECK(next_ < nparams_);
    if (len > kMaxParamLen) {
        len = kMaxParamLen;
        mark_truncated();
    }
    const auto len16 = static_cast<uint16_t>(len);
    set_header<uint16_t>(KES_HDR_SIZE + 2 * static_cast<size_t>(next_), len16);
    const auto* p = static_cast<const uint8_t*>(data);
    out_.insert(out_.end(), p, p + len);
    ++next_;
    return *this;
}

RecordBuilder& RecordBuilder::add_int64(int64_t v) { return add_pod(v); }
RecordBuilder& RecordBuilder::add_int32(int32_t v) { return add_pod(v); }
RecordBuilder& RecordBuilder::add_uint8(uint8_t v) { return add_pod(v); }
RecordBuilder& RecordBuilder::add_uint16(uint16_t v) { return add_pod(v); }
RecordBuilder& RecordBuilder::add_uint32(uint32_t v) { return add_pod(v); }
RecordBuilder& RecordBuilder::add_uint64(uint64_t v) { return add_pod(v); }

RecordBuilder& RecordBuilder::add_string(std::string_view v) {
    // Cut like the probe does: keep the text NUL-terminated and flag the record.
    const bool cut = v.size() > kMaxParamLen - 1;
    if (cut) {
        v = v.substr(0, kMaxParamLen - 1);
    }
    std::vector<uint8_t> tmp(v.begin(), v.end());
    tmp.push_back(0);
    add_raw(tmp.data(), tmp.size());
    if (cut) {
        mark_truncated();
    }
    return *this;
}

RecordBuilder& RecordBuilder::add_bytes(std::span<const uint8_t> v) {
    return add_raw(v.data(), v.size());
}

RecordBuilder& RecordBuilder::add_bytes(std::string_view v) { return add_raw(v.data(), v.size()); }

RecordBuilder& RecordBuilder::add_string_list(std::initializer_list<std::string_view> entries) {
    std::vector<uint8_t> tmp;
    for (auto e : entries) {
        tmp.insert(tmp.end(), e.begin(), e.end());
        tmp.push_back(0);
    }
    return add_raw(tmp.data(), tmp.size());
}

RecordBuilder& RecordBuilder::add_absent() { return add_raw(nullptr, 0); }

RecordBuilder& RecordBuilder::add_sockaddr_in(uint32_t ip_be, uint16_t port) {
    uint8_t b[1 + 4 + 2];
    b[0] = KES_AF_INET;
    std::memcpy(b + 1, &ip_be, 4);
    std::memcpy(b + 5, &port, 2);
    return add_raw(b, sizeof(b));
}

RecordBuilder& RecordBuilder::add_sockaddr_in6(std::span<const uint8_t, 16> ip, uint16_t port) {
    uint8_t b[1 + 16 + 2];
    b[0] = KES_AF_INET6;
    std::memcpy(b + 1, ip.data(), 16);
    std::memcpy(b + 17, &port, 2);
    return add_raw(b, sizeof(b));
}

RecordBuilder& RecordBuilder::add_sockaddr_un(std::string_view path) {
    std::vector<uint8_t> b{KES_AF_UNIX};
    b.insert(b.end(), path.begin(), path.end());
    b.push_back(0);
    return add_raw(b.data(), b.size());
}

RecordBuilder& RecordBuilder::add_socktuple_in(uint32_t sip_be, uint16_t sport, uint32_t dip_be,
                                               uint16_t dport) {
    uint8_t b[1 + 4 + 2 + 4 + 2];
    b[0] = KES_AF_INET;
    std::memcpy(b + 1, &sip_be, 4);
    std::memcpy(b + 5, &sport, 2);
    std::memcpy(b + 7, &dip_be, 4);
    std::memcpy(b + 11, &dport, 2);
    return add_raw(b, sizeof(b));
}

RecordBuilder& RecordBuilder::add_socktuple_in6(std::span<const uint8_t, 16> sip, uint16_t sport,
                                                std::span<const uint8_t, 16> dip, uint16_t dport) {
    uint8_t b[1 + 16 + 2 + 16 + 2];
    b[0] = KES_AF_INET6;
    std::memcpy(b + 1, sip.data(), 16);
    std::memcpy(b + 17, &sport, 2);
    std::memcpy(b + 19, dip.data(), 16);
    std::memcpy(b + 35, &dport, 2);
    return add_raw(b, sizeof(b));
}

RecordBuilder& RecordBuilder::add_socktuple_un(uint64_t source, uint64_t dest,
                                               std::string_view path) {
    std::vector<uint8_t> b(1 + 8 + 8);
    b[0] = KES_AF_UNIX;
    std::memcpy(b.data() + 1, &source, 8);
    std::memcpy(b.data() + 9, &dest, 8);
    b.insert(b.end(), path.begin(), path.end());
    b.push_back(0);
    return add_raw(b.data(), b.size());
}

std::span<const uint8_t> RecordBuilder::finish() {
    while (next_ < nparams_) {
        add_absent();
    }
    const auto len = static_cast<uint32_t>(out_.size() - start_);
    set_header(kOffLen, len);
    return {out_.data() + start_, len};
}

} // namespace kestrel::event
