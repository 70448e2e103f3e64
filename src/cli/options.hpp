#pragma once
// Command-line flags, with Falco's spellings (shared/reference/falco-compat.md §7).

#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace kestrel::cli {

struct CliOptions {
    std::optional<std::string> config_file;  // -c
    std::vector<std::string> overrides;      // -o key=value, in order
    std::vector<std::string> rules_files;    // -r, replaces rules_files
    std::vector<std::string> validate_files; // -V: validate these rules files and exit
    bool dump = false;                       // --dump: print every event as a JSON line
    unsigned duration_seconds = 0;           // -M: stop after N seconds (0 = run until signal)
    bool unbuffered = false;                 // -U
    bool version = false;                    // --version
    bool verbose = false;                    // -v

    // Describe and list commands (print, then exit).
    bool describe_all_rules = false;  // -L
    std::string describe_rule;        // -l <rule>
    bool list_fields = false;         // --list [<source>]
    std::string list_source;          // its optional source ("" = all)
    bool names_only = false;          // -N
    std::string list_format = "text"; // --format text|markdown|json (--markdown: markdown)
    bool list_events = false;         // --list-events
};

// Parsed flags, or the text to print and the exit code (--help, usage errors).
struct ParseOutcome {
    std::optional<CliOptions> options;
    std::string message;
    int exit_code = 0;
};

ParseOutcome parse_command_line(int argc, const char* const* argv);

} // namespace kestrel::cli
