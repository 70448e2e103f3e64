#pragma once
// Rule exceptions: validation of `fields`/`comps` and the rewrite into the rule condition,
// textually and exactly as Falco does (falco-compat.md §1.3, rule_loader_collector.cpp and
// rule_loader_compiler.cpp), so that condition_compiled matches.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/items.hpp"

namespace kestrel::rules {

// Fills default comps ("=" per field in the list form, "in" in the single form), normalizes
// blanks in comps and checks operators and (for known sources) field names.
std::optional<LoadError> validate_exception(ExceptionInfo& ex, bool check_fields);

// `(<cond>) and not <clause1> and not <clause2> ...`; exceptions without values add nothing.
// Adds every exception field to *fields.
std::optional<LoadError> build_exception_condition(const std::vector<ExceptionInfo>& exceptions,
                                                   std::string* condition,
                                                   std::set<std::string>* fields);

// Whether `text` names a field (possibly with an argument, or wrapped in transformers) that the
// field registry knows: what Falco's is_field_defined() accepts in exception `fields`.
bool is_field_expression_defined(const std::string& text);

} // namespace kestrel::rules
