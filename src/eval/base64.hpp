#pragma once
// Base64 decoding for the b64 transformer, in conditions and outputs alike.

#include <cstdint>
#include <string>
#include <string_view>

namespace kestrel::eval {

// Decodes standard base64 into `out` (cleared first; its capacity is reused, so a hot-path
// caller allocates nothing once warm). Stops at the first '='; false on a character outside the
// alphabet, as libs' b64 transformer fails on invalid input.
inline bool b64_decode(std::string_view in, std::string& out) {
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.clear();
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=') {
            break;
        }
        auto pos = kAlphabet.find(c);
        if (pos == std::string_view::npos) {
            return false;
        }
        acc = (acc << 6) | static_cast<uint32_t>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return true;
}

} // namespace kestrel::eval
