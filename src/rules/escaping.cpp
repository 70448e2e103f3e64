#include "rules/escaping.hpp"

namespace kestrel::rules {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

} // namespace

bool unescape_quoted(std::string_view quoted, std::string* out, std::string* error) {
    out->clear();
    if (quoted.size() < 2) {
        return true;
    }
    const char delim = quoted.front();
    const size_t end = quoted.size() - 1;
    bool escaped = false;
    for (size_t i = 1; i < end; i++) {
        const char c = quoted[i];
        if (!escaped) {
            if (c == '\\') {
                escaped = true;
            } else {
                out->push_back(c);
            }
            continue;
        }
        escaped = false;
        switch (c) {
        case 'b':
            out->push_back('\b');
            break;
        case 'f':
            out->push_back('\f');
            break;
        case 'n':
            out->push_back('\n');
            break;
        case 'r':
            out->push_back('\r');
            break;
        case 't':
            out->push_back('\t');
            break;
        // libs keeps `\ ` as a backslash: an old upstream rule was written that way.
        case ' ':
        case '\\':
            out->push_back('\\');
            break;
        case '/':
            out->push_back('/');
            break;
        case '"':
            if (delim != '"') {
                *error = "invalid \\\" escape in '-quoted string";
                return false;
            }
            out->push_back('"');
            break;
        case '\'':
            if (delim != '\'') {
                *error = "invalid \\' escape in \"-quoted string";
                return false;
            }
            out->push_back('\'');
            break;
        case 'x': {
            // Exactly two hex digits (libs filter_escaping tests: "\x413" is "A3").
            const int hi = i + 1 < end ? hex_digit(quoted[i + 1]) : -1;
            const int lo = i + 2 < end ? hex_digit(quoted[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                *error = "invalid \\x escape sequence: expected two hexadecimal digits";
                return false;
            }
            out->push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
            break;
        }
        default:
            *error = std::string("unsupported string escape sequence: \\") + c;
            return false;
        }
    }
    return true;
}

std::string escape_value(std::string_view value) {
    std::string res;
    bool quote = false;
    for (char c : value) {
        switch (c) {
        case '\b':
            quote = true;
            res += "\\b";
            break;
        case '\f':
            quote = true;
            res += "\\f";
            break;
        case '\n':
            quote = true;
            res += "\\n";
            break;
        case '\r':
            quote = true;
            res += "\\r";
            break;
        case '\t':
            quote = true;
            res += "\\t";
            break;
        case '\\':
            quote = true;
            res += "\\\\";
            break;
        case '"':
            quote = true;
            res += "\\\"";
            break;
        case ' ':
        case '\'':
            quote = true;
            res += c;
            break;
        default:
            res += c;
        }
    }
    return quote ? "\"" + res + "\"" : res;
}

} // namespace kestrel::rules
