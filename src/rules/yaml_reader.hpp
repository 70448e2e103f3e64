#pragma once
// Reads the YAML of one rules file into the collector, like Falco's rule_loader::reader: item
// kinds, required keys, types, overrides, exceptions, deprecation and unknown-key warnings.
// yaml-cpp throws; this file is the adapter where that stops (nothing above it sees a throw).

#include <string>

#include "rules/collector.hpp"

namespace kestrel::rules {

// Adds the items of `content` (named `name` in diagnostics) to `collector`. Stops at the first
// error, which goes to `res` (as Falco does: "the reader stops at the first error in a file").
// Returns false on error.
bool read_rules_content(const std::string& content, const std::string& name, Collector& collector,
                        LoadResult& res);

// Whether any YAML document of `content` is a mapping (a Falco configuration file given to -V).
bool has_yaml_mapping_root(const std::string& content);

} // namespace kestrel::rules
