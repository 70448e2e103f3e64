#pragma once
// Kestrel's default ruleset (rules/kestrel_rules.yaml), compiled into the binary at build time
// (rules/embed.cmake). Used when no rules file is configured: no -r and no rules_files.

#include <string_view>

namespace kestrel::daemon {

// How diagnostics, -L and -V name the built-in file.
inline constexpr const char* kDefaultRulesName = "kestrel_rules.yaml";

// The YAML text, as in the repository when the binary was built.
std::string_view default_rules_content();

} // namespace kestrel::daemon
