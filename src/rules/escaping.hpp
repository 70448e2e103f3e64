#pragma once
// String escaping of condition literals, with libs' rules (userspace/libsinsp/filter/escaping.cpp):
// the parser unescapes quoted strings; the renderer escapes values back for condition_compiled.

#include <string>
#include <string_view>

namespace kestrel::rules {

// `quoted` includes its delimiters ('...' or "..."). Returns false and sets *error to libs'
// message on an invalid escape (e.g. `\'` inside a "-quoted string).
bool unescape_quoted(std::string_view quoted, std::string* out, std::string* error);

// Escapes control characters, backslashes and double quotes, and wraps the result in double
// quotes if anything needed escaping or the string contains a space or quote.
std::string escape_value(std::string_view value);

} // namespace kestrel::rules
