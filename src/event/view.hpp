#pragma once
// event::View: a zero-copy, read-only view over one validated record (wire format in
// schema/README.md), and decode(), the only way to get one.
//
// A View points into the caller's buffer: it is valid only as long as that buffer (for records
// from the ring buffers, for the duration of one callback). decode() validates everything once so
// that the accessors can read without checks, and never allocates on success.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "base/result.hpp"
#include "gen/kestrel_events.h"

namespace kestrel::event {

struct EventInfo;

// Why a record was rejected. Each failed decode() increments exactly one of these.
enum class DecodeError : uint8_t {
    kShortBuffer,        // fewer bytes than a header
    kBadLength,          // header.len smaller than the header and its lengths array
    kTruncated,          // header.len larger than the bytes available
    kUnknownType,        // header.type is not an event of the schema
    kBadParamCount,      // header.nparams differs from the schema's count for the type
    kPayloadOverflow,    // the parameter lengths add up to more than the payload
    kBadParamSize,       // a fixed-size parameter has neither its size nor 0 bytes
    kUnterminatedString, // a text parameter does not end with a NUL
    kBadSockaddr,        // a socktuple/sockaddr whose length does not fit its family
    kCount,
};

// Stable snake_case names for metrics and logs: "truncated", "bad_param_size" ...
std::string_view decode_error_name(DecodeError error);

struct DecodeCounters {
    std::array<uint64_t, static_cast<size_t>(DecodeError::kCount)> counts{};

    uint64_t& operator[](DecodeError e) { return counts[static_cast<size_t>(e)]; }
    uint64_t operator[](DecodeError e) const { return counts[static_cast<size_t>(e)]; }
    [[nodiscard]] uint64_t total() const {
        uint64_t sum = 0;
        for (uint64_t c : counts) {
            sum += c;
        }
        return sum;
    }
};

class View {
  public:
    View() = default; // an empty view: type() 0, no parameters; only decode() makes real ones

    [[nodiscard]] uint64_t ts_ns() const { return header_field<uint64_t>(kOffTs); }
    [[nodiscard]] uint32_t tid() const { return header_field<uint32_t>(kOffTid); }
    [[nodiscard]] uint32_t pid() const { return header_field<uint32_t>(kOffPid); }
    [[nodiscard]] uint16_t type() const { return header_field<uint16_t>(kOffType); }
    [[nodiscard]] uint16_t cpu() const { return header_field<uint16_t>(kOffCpu); }
    [[nodiscard]] uint16_t flags() const { return header_field<uint16_t>(kOffFlags); }
    [[nodiscard]] bool truncated() const { return (flags() & KES_HDR_F_TRUNCATED) != 0; }
    // The task comm, up to its first NUL (at most 16 bytes).
    [[nodiscard]] std::string_view comm() const;
    // The schema entry of the event; nullptr only for a default-constructed View.
    [[nodiscard]] const EventInfo* info() const { return info_; }
    // The whole record (header.len bytes).
    [[nodiscard]] std::span<const uint8_t> bytes() const { return {data_, len_}; }

    [[nodiscard]] size_t param_count() const { return nparams_; }
    // The raw bytes of parameter i; empty when absent or i is out of range.
    [[nodiscard]] std::span<const uint8_t> param(size_t i) const {
        if (i >= nparams_) {
            return {};
        }
        return {data_ + offsets_[i], param_len(i)};
    }
    [[nodiscard]] bool has_param(size_t i) const { return i < nparams_ && param_len(i) != 0; }

    // Integer parameters, by their encoded width (1, 2, 4 or 8 bytes): sign-extended for
    // param_int64, zero-extended for param_uint. 0 when absent.
    [[nodiscard]] int64_t param_int64(size_t i) const;
    [[nodiscard]] uint64_t param_uint(size_t i) const;
    // A text parameter without its trailing NUL (up to its first NUL, as Falco reads it).
    [[nodiscard]] std::string_view param_string(size_t i) const;

    // By name (a schema lookup: for tools and tests, not per-event hot paths, where the
    // generated KES_P_* indexes and typed views are the way).
    [[nodiscard]] int param_index(std::string_view name) const;
    [[nodiscard]] std::span<const uint8_t> param(std::string_view name) const;

  private:
    friend base::Result<View> decode(std::span<const uint8_t>, DecodeCounters*);

    static constexpr size_t kOffTs = 0;
    static constexpr size_t kOffTid = 8;
    static constexpr size_t kOffPid = 12;
    static constexpr size_t kOffLen = 16;
    static constexpr size_t kOffType = 20;
    static constexpr size_t kOffNparams = 22;
    static constexpr size_t kOffCpu = 24;
    static constexpr size_t kOffFlags = 26;
    static constexpr size_t kOffComm = 32;

    template <typename T> [[nodiscard]] T header_field(size_t offset) const {
        T value{};
        if (data_ != nullptr) {
            std::memcpy(&value, data_ + offset, sizeof(T)); // records are not aligned
        }
        return value;
    }
    [[nodiscard]] uint16_t param_len(size_t i) const {
        uint16_t len = 0;
        std::memcpy(&len, data_ + KES_HDR_SIZE + 2 * i, sizeof(len));
        return len;
    }

    const uint8_t* data_ = nullptr;
    const EventInfo* info_ = nullptr;
    uint32_t len_ = 0;
    uint32_t nparams_ = 0;
    // Offset of each parameter from the start of the record, computed once by decode().
    std::array<uint32_t, KES_MAX_PARAMS> offsets_{};
};

// Validates one record at the start of `bytes` (which may hold more after it): header, type,
// parameter count, lengths, fixed sizes, NUL-terminated text, socket address sizes. On failure
// returns an error saying what and where, and increments one reason in `counters` (if given).
base::Result<View> decode(std::span<const uint8_t> bytes, DecodeCounters* counters);

} // namespace kestrel::event
