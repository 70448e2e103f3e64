#include "base/json_escape.hpp"

#include <cstddef>

namespace kestrel::base {
namespace {

// Bytes that stand for themselves: printable ASCII but the two that JSON backslashes.
constexpr bool is_plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// At p[0] (a byte >= 0x80): the length of a well-formed UTF-8 sequence, or 0 with *bad set to
// the length of the maximal invalid subpart to replace by one U+FFFD (at least 1). Unicode table
// 3-7: the lead byte fixes the length and the range of the second byte; nlohmann's decoder
// rejects at the first byte outside it, and the byte that broke the sequence is read again.
size_t utf8_sequence(const unsigned char* p, size_t n, size_t* bad) {
    const unsigned char c = p[0];
    size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c == 0xE0) {
        len = 3;
        lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
        len = 3;
    } else if (c == 0xED) {
        len = 3;
        hi = 0x9F; // no surrogates
    } else if (c == 0xF0) {
        len = 4;
        lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
        len = 4;
    } else if (c == 0xF4) {
        len = 4;
        hi = 0x8F; // nothing above U+10FFFF
    }
    if (len == 0) {
        *bad = 1; // a continuation byte or an invalid lead byte alone
        return 0;
    }
    size_t k = 1;
    while (k < len && k < n) {
        const unsigned char cc = p[k];
        if (cc < (k == 1 ? lo : 0x80) || cc > (k == 1 ? hi : 0xBF)) {
            break;
        }
        ++k;
    }
    if (k == len) {
        return len;
    }
    *bad = k;
    return 0;
}

void append_escape(std::string& out, unsigned char c) {
    static constexpr char kHex[] = "0123456789abcdef";
    switch (c) {
    case '"':
        out.append("\\\"");
        break;
    case '\\':
        out.append("\\\\");
        break;
    case '\b':
        out.append("\\b");
        break;
    case '\f':
        out.append("\\f");
        break;
    case '\n':
        out.append("\\n");
        break;
    case '\r':
        out.append("\\r");
        break;
    case '\t':
        out.append("\\t");
        break;
    default: // another control byte
        const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(u, sizeof(u));
        break;
    }
}

} // namespace

void append_json_escaped(std::string& out, std::string_view s, InvalidUtf8 invalid) {
    const std::string_view replacement =
        invalid == InvalidUtf8::kRaw ? std::string_view("\xEF\xBF\xBD") : "\\ufffd";
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t run = 0; // start of the bytes not yet appended, all of them copied as they are
    size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (is_plain(c)) {
            ++i;
            continue;
        }
        size_t bad = 0;
        if (c >= 0x80) {
            if (const size_t len = utf8_sequence(p + i, n - i, &bad); len != 0) {
                i += len;
                continue;
            }
        }
        out.append(s.data() + run, i - run);
        if (bad != 0) {
            out.append(replacement);
            i += bad;
        } else {
            append_escape(out, c);
            ++i;
        }
        run = i;
    }
    out.append(s.data() + run, n - run);
}

void append_json_string(std::string& out, std::string_view s, InvalidUtf8 invalid) {
    out.push_back('"');
    append_json_escaped(out, s, invalid);
    out.push_back('"');
}

} // namespace kestrel::base
