#pragma once
// Input that yaml-cpp cannot be trusted with, refused before it reaches the parser.

#include <cstddef>
#include <string>

namespace kestrel::rules {

// yaml-cpp 0.7 (the Debian package) never returns from LoadAll() when a ',' (a flow entry) comes
// at flow level 0 outside any block collection: where a root node would start ("- a\n, b",
// " ,", "--- ,", "!t ,") or after a root node that is a quoted scalar or a flow collection
// ("\"a\",", "[a],"). Its document parser then returns empty documents without consuming the
// token, forever. A rules file must not be able to hang the engine, so such input is refused
// before it reaches yaml-cpp (found by tests/fuzz/fuzz_rules_loader). The scan is conservative:
// quotes and brackets open only where YAML lets them, and what it is unsure about is let through.
// Returns the 0-based line of the offending comma, or npos.
size_t find_hanging_comma(const std::string& s);

// A NUL byte is not a YAML character (c-printable excludes it), and yaml-cpp 0.7 takes it for the
// end of the stream: after an anchor ("&a\0b,") its parser then loops forever too (found by
// tests/fuzz/fuzz_rules_loader). Returns the 0-based line and column of the first NUL, or
// false when there is none.
bool find_nul(const std::string& s, size_t* line, size_t* column);

} // namespace kestrel::rules
