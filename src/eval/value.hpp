#pragma once
// Value: one extracted field value, typed, never owning (strings point into the event record, the
// state tables or a per-field scratch buffer that lives as long as the compiled program).

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace kestrel::eval {

enum class ValueKind : uint8_t { kAbsent, kInt, kUint, kString, kBool, kIp };

struct IpAddr {
    uint8_t family = 0; // 4 or 6
    std::array<uint8_t, 16> bytes{};

    [[nodiscard]] size_t size() const { return family == 4 ? 4 : 16; }
    bool operator==(const IpAddr& o) const {
        return family == o.family && std::memcmp(bytes.data(), o.bytes.data(), size()) == 0;
    }
};

// 32 bytes: values are copied into slots on every extraction, so the payload is a union read
// according to `kind` (b is kept apart: tests of presence and booleans stay branch-free).
struct Value {
    ValueKind kind = ValueKind::kAbsent;
    bool b = false;
    union {
        int64_t i;  // kInt
        uint64_t u; // kUint
        std::string_view s;
        IpAddr ip;
    };

    Value() : i(0) {}

    static Value of_int(int64_t v) {
        Value r;
        r.kind = ValueKind::kInt;
        r.i = v;
        return r;
    }
    static Value of_uint(uint64_t v) {
        Value r;
        r.kind = ValueKind::kUint;
        r.u = v;
        return r;
    }
    static Value of_string(std::string_view v) {
        Value r;
        r.kind = ValueKind::kString;
        r.s = v;
        return r;
    }
    static Value of_bool(bool v) {
        Value r;
        r.kind = ValueKind::kBool;
        r.b = v;
        return r;
    }
    static Value of_ip(const IpAddr& v) {
        Value r;
        r.kind = ValueKind::kIp;
        r.ip = v;
        return r;
    }
    [[nodiscard]] bool present() const { return kind != ValueKind::kAbsent; }
    [[nodiscard]] bool numeric() const {
        return kind == ValueKind::kInt || kind == ValueKind::kUint;
    }
    // Numbers compared across signedness without surprises (a uint64 above INT64_MAX stays large).
    [[nodiscard]] __int128 number() const {
        return kind == ValueKind::kUint ? static_cast<__int128>(u) : static_cast<__int128>(i);
    }
};

} // namespace kestrel::eval
