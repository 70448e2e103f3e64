#pragma once
// Loading YAML streams through yaml-cpp without the input being able to hang the engine.

#include <cstddef>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace kestrel::rules {

// YAML::LoadAll() with one defect of yaml-cpp 0.7 (the Debian package) turned into an error.
// When a document starts on a token no node can start with (a ',' where a root node would be,
// or after a root quoted scalar: "a\n, b", "\"a\","), the document parser reports an empty
// document without consuming that token, and LoadAll() asks for the next document forever
// (yaml-cpp PR 1319, the cause of falcosecurity/falco#3281; found here by fuzz_rules_loader).
// A first pass over the parser's events notices two empty documents at the same mark, which only
// that loop produces, and throws YAML::ParserException there; then LoadAll() runs.
std::vector<YAML::Node> load_all_documents(const std::string& content);

// A NUL byte is not a YAML character (c-printable excludes it), and yaml-cpp 0.7 reads it as the
// end of the stream, so the rest of a file would be silently ignored. Returns the 0-based line
// and column of the first NUL, or false when there is none.
bool find_nul(const std::string& s, size_t* line, size_t* column);

} // namespace kestrel::rules
