// Pass 3: resolve every field reference of a condition against the field registry.

#include <cctype>

#include "rules/condition_checks.hpp"

namespace kestrel::rules {
namespace {

std::string field_ref_text(const ast::Operand& o) {
    return o.has_arg ? o.field + "[" + o.arg + "]" : o.field;
}

bool is_index(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

std::optional<ConditionIssue> resolve_operand(ast::Operand& o) {
    if (o.kind == ast::OperandKind::kField) {
        const std::string ref = field_ref_text(o);
        FieldRef r = split_field_ref(ref);
        // Classes current libs no longer registers are unknown to Falco today.
        if (r.field == nullptr || r.field->provider == "legacy") {
            return ConditionIssue{nonexistent_field_message(o.field), o.pos, true};
        }
        const FieldInfo& f = *r.field;
        if (!r.has_arg && f.arg_mode == ArgMode::kRequired) {
            return ConditionIssue{"filter_check called with nonexistent field " + o.field +
                                      ": field requires an argument",
                                  o.pos, true};
        }
        if (r.has_arg && f.arg_kind == ArgKind::kIndex && !is_index(r.arg)) {
            return ConditionIssue{"filter syntax error: invalid index '" + std::string(r.arg) +
                                      "' for field " + std::string(f.name),
                                  o.pos};
        }
        if (!f.filter_allowed) {
            return ConditionIssue{
                "field " + std::string(f.name) + " can't be used in filters (output only)", o.pos};
        }
        o.info = r.field;
        return std::nullopt;
    }
    for (auto& a : o.args) {
        if (auto issue = resolve_operand(a)) {
            return issue;
        }
    }
    return std::nullopt;
}

std::optional<ConditionIssue> resolve(ast::Expr& e) {
    switch (e.kind) {
    case ast::ExprKind::kAnd:
    case ast::ExprKind::kOr:
    case ast::ExprKind::kNot:
        for (auto& c : e.children) {
            if (auto issue = resolve(*c)) {
                return issue;
            }
        }
        return std::nullopt;
    case ast::ExprKind::kIdentifier:
        // Macros are expanded before this pass; a leftover identifier is an undefined macro,
        // which the macro pass reports.
        return std::nullopt;
    case ast::ExprKind::kCheck:
        if (auto issue = resolve_operand(e.lhs)) {
            return issue;
        }
        if (e.has_rhs) {
            return resolve_operand(e.rhs);
        }
        return std::nullopt;
    }
    return std::nullopt;
}

} // namespace

std::string nonexistent_field_message(const std::string& field) {
    return "filter_check called with nonexistent field " + field;
}

std::optional<ConditionIssue> resolve_fields(ast::Expr& root) { return resolve(root); }

} // namespace kestrel::rules
