#pragma once
// Checks a rule's output format string the way libs' event formatter parses it: literal text
// and `%[width]field` / `%transformer(...)` tokens, each field known to the registry.

#include <optional>
#include <string>
#include <vector>

namespace kestrel::rules {

struct OutputFormatIssue {
    std::string message; // "invalid formatting token <rest of the string>"
};

// The fields the format references, in order ("proc.name", "proc.aname[2]", "evt.arg.flags").
struct OutputFormatInfo {
    std::vector<std::string> fields;
};

std::optional<OutputFormatIssue> check_output_format(const std::string& format,
                                                     OutputFormatInfo* info = nullptr);

} // namespace kestrel::rules
