#pragma once
// Passes 3 and 4 over a macro-expanded condition, plus the warnings Falco's compilers emit:
//  * resolve_fields   (field_resolution.cpp): every field reference -> FieldInfo, argument rules;
//  * type_check       (type_check.cpp): operator applicability, right-hand literals converted to
//                     the field type (numbers, booleans, IPs, networks, hex buffers, event names),
//                     transformer arity and types;
//  * condition_warnings (condition_warnings.cpp): LOAD_COMPILE_CONDITION heuristics, unsafe <NA>
//                     comparisons, deprecated fields.
// Each pass stops at its first error, as libs' filter compiler does.

#include <optional>
#include <string>
#include <vector>

#include "rules/ast.hpp"
#include "rules/diagnostics.hpp"

namespace kestrel::rules {

struct ConditionIssue {
    std::string message;
    ast::Pos pos;
    // The error is an unknown field or event type: `skip-if-unknown-filter: true` turns it into
    // a LOAD_UNKNOWN_FILTER warning and drops the rule (Falco's err_is_unknown_type_or_field).
    bool unknown_field_or_type = false;
};

std::optional<ConditionIssue> resolve_fields(ast::Expr& root);
std::optional<ConditionIssue> type_check(const ast::Expr& root);

struct ConditionWarning {
    LoadWarningCode code;
    std::string message;
    ast::Pos pos;
};
std::vector<ConditionWarning> condition_warnings(const ast::Expr& root);

// Falco's deprecated fields (falco_load_result.cpp deprecated_fields).
inline constexpr std::string_view kDeprecatedFields[] = {"evt.dir",           "evt.latency",
                                                         "evt.latency.s",     "evt.latency.ns",
                                                         "evt.latency.human", "evt.wait_latency"};

// The message for a field reference Falco does not know.
std::string nonexistent_field_message(const std::string& field);

} // namespace kestrel::rules
