#pragma once
// JSON string escaping, one implementation for every JSON Kestrel writes: alerts, --dump, -V
// diagnostics, the drop and internal alerts.

#include <string>
#include <string_view>

namespace kestrel::base {

// How a byte sequence that is not well-formed UTF-8 is written. Either way it becomes U+FFFD,
// one per maximal invalid subpart, as nlohmann::json::dump(..., error_handler_t::replace) does
// (Falco formats its JSON alerts and -V results that way), so the output is always valid JSON.
enum class InvalidUtf8 {
    kRaw,     // the three UTF-8 bytes of U+FFFD (nlohmann with ensure_ascii=false, Falco's output)
    kEscaped, // the six characters `\ufffd` (--dump's spelling)
};

// Appends `s` escaped, without quotes: `"` and `\` backslashed, \b \f \n \r \t, other bytes
// below 0x20 as \u00xx, well-formed UTF-8 and DEL kept as they are, `/` not escaped.
void append_json_escaped(std::string& out, std::string_view s,
                         InvalidUtf8 invalid = InvalidUtf8::kRaw);

// The same between double quotes: a JSON string literal.
void append_json_string(std::string& out, std::string_view s,
                        InvalidUtf8 invalid = InvalidUtf8::kRaw);

} // namespace kestrel::base
