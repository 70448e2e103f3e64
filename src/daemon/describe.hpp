#pragma once
// `kestrel -L` / `-l <rule>`: Falco's rules description (falco app/actions/load_rules_files.cpp
// and falco_engine::describe_rule). The rules files are loaded as for a run; then either a text
// table of rule names and descriptions, or with json_output the JSON document of
// falco-testing.md §3d: required versions, and every list, macro and rule with its `info` (as
// written) and `details` (what the compiler made of it).
//
// Known differences from Falco: `details.plugins` names the container/k8smeta plugins when a
// rule uses their fields (Kestrel provides them natively; Falco names them when loaded), and
// `details.events` lists the rule's event types in Kestrel's order, then `asyncevent` (Falco
// prints an unordered set). Other arrays Falco fills from unordered sets are filled the same
// way here, in the same visiting order.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "rules/collector.hpp"
#include "rules/ruleset.hpp"

namespace kestrel::daemon {

struct DescribeRequest {
    bool all = false;     // -L
    std::string rule;     // -l <rule>: when not empty, only this rule (even with -L)
    bool json = false;    // json_output
    bool verbose = false; // -v: load warnings in full on stderr, as Falco does
};

// Loads `rules_paths` (files, or directories whose .yml/.yaml files load in name order; none:
// the built-in ruleset of daemon/default_rules.hpp) and prints the description on stdout.
// Returns Falco's exit code: 0, or 1 with "Error: ..." on stderr (only empty directories, a file
// that fails to load, an unknown rule for -l).
int describe_rules(const std::vector<std::string>& rules_paths, const DescribeRequest& request);

// `-V <files> -L` (or -l): Falco's validate_rules_files() with a description. The -V output
// (text summary, or {"falco_load_results":[...]}) and, when every file loaded, the description
// after it (the text table after a blank line, or "falco_describe_results" in the document).
// Returns 1 when a file failed to load, otherwise 0 (or 1 for an unknown -l rule).
int validate_and_describe(const std::vector<std::string>& files, const DescribeRequest& request);

// Files and directories as Falco's read_rules_file_directory() expands them: a directory gives
// its regular .yml/.yaml files sorted by name (not recursively), a file is taken as is.
std::vector<std::string> expand_rules_paths(const std::vector<std::string>& paths);

// The JSON document for everything (`rule_name` null) or for one rule ({"rules":[...]} only).
// `collector` holds the items as written (conditions before the exceptions rewrite, exception
// names and operators, list items before nested lists are expanded); `ruleset` is what the
// loader compiled from the same files.
base::Result<nlohmann::json> describe_json(const rules::CompiledRuleset& ruleset,
                                           const rules::Collector& collector,
                                           const std::string* rule_name);

// Falco's text form (format_described_rules_as_text): "Rule" and "Description" columns.
std::string described_rules_text(const nlohmann::json& description);

// falco::utils::wrap_text: words joined by one space (each followed by one), wrapped when a
// line would pass `line_len - indent` characters; continuation lines start with `indent` spaces.
std::string falco_wrap_text(std::string_view in, uint32_t indent, uint32_t line_len);

} // namespace kestrel::daemon
