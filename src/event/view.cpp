#include "event/view.hpp"

#include <fmt/format.h>

#include "event/gen/events.hpp"

namespace kestrel::event {
namespace {

// The error path may allocate (it builds a message); the success path must not.
base::Error reject(DecodeCounters* counters, DecodeError why, base::ErrorCode code,
                   std::string message) {
    if (counters != nullptr) {
        ++(*counters)[why];
    }
    return base::make_error(code, std::move(message));
}

// Length rules of socktuple/sockaddr per family (schema/README.md); unknown families are kept
// as opaque bytes, as Falco does ("family N").
bool socket_param_ok(ParamType type, const uint8_t* p, size_t len) {
    if (len == 0) {
        return true; // absent
    }
    const bool tuple = type == ParamType::kSocktuple;
    switch (p[0]) {
    case KES_AF_INET:
        return len == (tuple ? 1 + 4 + 2 + 4 + 2 : 1 + 4 + 2);
    case KES_AF_INET6:
        return len == (tuple ? 1 + 16 + 2 + 16 + 2 : 1 + 16 + 2);
    case KES_AF_UNIX:
        return len >= (tuple ? 1 + 8 + 8 + 1 : 1 + 1) && p[len - 1] == 0;
    default:
        return true;
    }
}

bool is_text(ParamType type) {
    return type == ParamType::kCharbuf || type == ParamType::kFspath ||
           type == ParamType::kFsrelpath;
}

} // namespace

std::string_view decode_error_name(DecodeError error) {
    switch (error) {
    case DecodeError::kShortBuffer:
        return "short_buffer";
    case DecodeError::kBadLength:
        return "bad_length";
    case DecodeError::kTruncated:
        return "truncated";
    case DecodeError::kUnknownType:
        return "unknown_type";
    case DecodeError::kBadParamCount:
        return "bad_param_count";
    case DecodeError::kPayloadOverflow:
        return "payload_overflow";
    case DecodeError::kBadParamSize:
        return "bad_param_size";
    case DecodeError::kUnterminatedString:
        return "unterminated_string";
    case DecodeError::kBadSockaddr:
        return "bad_sockaddr";
    case DecodeError::kCount:
        break;
    }
    return "unknown";
}

base::Result<View> decode(std::span<const uint8_t> bytes, DecodeCounters* counters) {
    using base::ErrorCode;
    const size_t avail = bytes.size();
    if (avail < KES_HDR_SIZE) {
        return reject(counters, DecodeError::kShortBuffer, ErrorCode::kTruncated,
                      fmt::format("record of {} bytes is shorter than the {}-byte header", avail,
                                  KES_HDR_SIZE));
    }
    View v;
    v.data_ = bytes.data();
    const uint32_t len = v.header_field<uint32_t>(View::kOffLen);
    const uint16_t type = v.type();
    const uint16_t nparams = v.header_field<uint16_t>(View::kOffNparams);
    if (len > avail) {
        return reject(counters, DecodeError::kTruncated, ErrorCode::kTruncated,
                      fmt::format("record of {} bytes truncated: header declares {}", avail, len));
    }
    const EventInfo* info = find_event(type);
    if (info == nullptr) {
        return reject(counters, DecodeError::kUnknownType, ErrorCode::kParse,
                      fmt::format("unknown event type {}", type));
    }
    if (nparams != info->params.size()) {
        return reject(counters, DecodeError::kBadParamCount, ErrorCode::kParse,
                      fmt::format("{}: header has {} parameters, the schema {}", info->name,
                                  nparams, info->params.size()));
    }
    if (len < KES_HDR_SIZE + 2 * static_cast<size_t>(nparams)) {
        return reject(counters, DecodeError::kBadLength, ErrorCode::kParse,
                      fmt::format("header declares {} bytes, less than the header and {} "
                                  "parameter lengths ({} bytes)",
                                  len, nparams, KES_HDR_SIZE + 2 * static_cast<size_t>(nparams)));
    }
    v.info_ = info;
    v.len_ = len;
    v.nparams_ = nparams;

    size_t offset = KES_HDR_SIZE + 2 * static_cast<size_t>(nparams);
    const size_t payload = len - offset;
    for (size_t i = 0; i < nparams; ++i) {
        const ParamInfo& pi = info->params[i];
        const size_t plen = v.param_len(i);
        if (offset + plen > len) {
            return reject(
                counters, DecodeError::kPayloadOverflow, ErrorCode::kParse,
                fmt::format("{}: parameter '{}' ({} bytes at payload offset {}) runs past "
                            "the payload of {} bytes",
                            info->name, pi.name, plen, offset - (len - payload), payload));
        }
        const uint8_t* p = bytes.data() + offset;
        if (plen != 0) {
            const size_t fixed = param_type_size(pi.type);
            if (fixed != 0 && plen != fixed) {
                return reject(counters, DecodeError::kBadParamSize, ErrorCode::kParse,
                              fmt::format("{}: parameter '{}' has {} bytes, expected {}",
                                          info->name, pi.name, plen, fixed));
            }
            if (is_text(pi.type) && p[plen - 1] != 0) {
                return reject(counters, DecodeError::kUnterminatedString, ErrorCode::kParse,
                              fmt::format("{}: parameter '{}' ({}, {} bytes) is not NUL-terminated",
                                          info->name, pi.name, param_type_name(pi.type), plen));
            }
            if ((pi.type == ParamType::kSocktuple || pi.type == ParamType::kSockaddr) &&
                !socket_param_ok(pi.type, p, plen)) {
                return reject(counters, DecodeError::kBadSockaddr, ErrorCode::kParse,
                              fmt::format("{}: parameter '{}' ({}) has {} bytes, wrong for "
                                          "address family {}",
                                          info->name, pi.name, param_type_name(pi.type), plen,
                                          p[0]));
            }
        }
        v.offsets_[i] = static_cast<uint32_t>(offset);
        offset += plen;
    }
    return v;
}

std::string_view View::comm() const {
    if (data_ == nullptr) {
        return {};
    }
    const char* comm = reinterpret_cast<const char*>(data_ + kOffComm);
    return {comm, strnlen(comm, KES_COMM_LEN)};
}

int64_t View::param_int64(size_t i) const {
    const auto p = param(i);
    switch (p.size()) {
    case 1:
        return static_cast<int8_t>(p[0]);
    case 2: {
        int16_t v = 0;
        std::memcpy(&v, p.data(), sizeof(v));
        return v;
    }
    case 4: {
        int32_t v = 0;
        std::memcpy(&v, p.data(), sizeof(v));
        return v;
    }
    case 8: {
        int64_t v = 0;
        std::memcpy(&v, p.data(), sizeof(v));
        return v;
    }
    default:
        return 0;
    }
}

uint64_t View::param_uint(size_t i) const {
    const auto p = param(i);
    switch (p.size()) {
    case 1:
        return p[0];
    case 2: {
        uint16_t v = 0;
        std::memcpy(&v, p.data(), sizeof(v));
        return v;
    }
    case 4: {
        uint32_t v = 0;
        std::memcpy(&v, p.data(), sizeof(v));
        return v;
    }
    case 8: {
        uint64_t v = 0;
        std::memcpy(&v, p.data(), sizeof(v));
        return v;
    }
    default:
        return 0;
    }
}

std::string_view View::param_string(size_t i) const {
    const auto p = param(i);
    if (p.empty()) {
        return {};
    }
    const char* s = reinterpret_cast<const char*>(p.data());
    return {s, strnlen(s, p.size())};
}

int View::param_index(std::string_view name) const {
    return info_ == nullptr ? -1 : event::param_index(*info_, name);
}

std::span<const uint8_t> View::param(std::string_view name) const {
    const int i = param_index(name);
    return i < 0 ? std::span<const uint8_t>{} : param(static_cast<size_t>(i));
}

} // namespace kestrel::event
