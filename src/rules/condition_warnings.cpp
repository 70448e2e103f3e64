// Warnings over a checked condition: what Falco's filter_warning_resolver and libs' filter
// compiler report without failing the load.

#include <cctype>

#include "rules/condition_checks.hpp"

namespace kestrel::rules {
namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) {
        return "";
    }
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// Falco's text (filter_warning_resolver.cpp), double space included.
constexpr const char* kUnsafeNaMessage =
    "comparing a field value with <NA> is unsafe and can lead to unpredictable behavior of the "
    "rule condition. If you need to  check for the existence of a field, consider using the "
    "'exists' operator instead.";

// A regex that only anchors or pads a literal (`^x$`, `.*x.*`, `x.+`) is a string comparison
// paying for a regex engine: libs' compiler warns about it.
bool is_plain_string_regex(std::string v) {
    if (!v.empty() && v.front() == '^') {
        v.erase(0, 1);
    }
    if (!v.empty() && v.back() == '$') {
        v.pop_back();
    }
    if (v.rfind(".*", 0) == 0) {
        v.erase(0, 2);
    }
    if (v.size() >= 2 && (v.ends_with(".*") || v.ends_with(".+"))) {
        v.resize(v.size() - 2);
    }
    return !v.empty() && v.find_first_of(".[]{}()*+?|\\^$") == std::string::npos;
}

bool is_unsafe_na_field(const ast::Operand& o) {
    return o.kind == ast::OperandKind::kField &&
           (o.field.rfind("ka.", 0) == 0 || o.field.rfind("jevt.", 0) == 0);
}

bool is_na_sensitive_op(CompareOp op) {
    return op == CompareOp::kEq || op == CompareOp::kNe || op == CompareOp::kIn ||
           op == CompareOp::kIntersects || op == CompareOp::kPmatch;
}

// libs warns when a constant looks like it was meant as a field or transformer.
void check_misused_value(const std::string& value, ast::Pos pos,
                         std::vector<ConditionWarning>& out) {
    const std::string t = trim(value);
    if (t.empty()) {
        return;
    }
    auto paren = t.find('(');
    if (paren != std::string::npos && paren > 0 && t.back() == ')') {
        ast::Transformer tr{};
        if (ast::parse_transformer_name(t.substr(0, paren), &tr)) {
            out.push_back(
                {LoadWarningCode::kCompileCondition,
                 "'" + value + "' may be a valid field transformer misused as a const string value",
                 pos});
        }
        return;
    }
    if (t.find('.') != std::string::npos && std::isalpha(static_cast<unsigned char>(t[0])) &&
        find_field(t) != nullptr) {
        out.push_back({LoadWarningCode::kCompileCondition,
                       "'" + value + "' may be a valid field misused as a const string value",
                       pos});
    }
}

void walk(const ast::Expr& e, std::vector<ConditionWarning>& out) {
    if (e.kind != ast::ExprKind::kCheck) {
        for (const auto& c : e.children) {
            walk(*c, out);
        }
        return;
    }
    if (e.lhs.kind == ast::OperandKind::kField) {
        for (auto dep : kDeprecatedFields) {
            if (e.lhs.field == dep) {
                out.push_back({LoadWarningCode::kDeprecatedItem,
                               "usage of deprecated field '" + std::string(dep) +
                                   "' has been detected in the rule condition",
                               e.pos});
            }
        }
    }
    if (!e.has_rhs) {
        return;
    }
    if (is_unsafe_na_field(e.lhs) && is_na_sensitive_op(e.op)) {
        bool na = e.rhs.kind == ast::OperandKind::kValue && e.rhs.value == "<NA>";
        for (const auto& v : e.rhs.values) {
            na = na || v == "<NA>";
        }
        if (na) {
            out.push_back({LoadWarningCode::kUnsafeNaCheck, kUnsafeNaMessage, e.pos});
        }
    }
    if (e.rhs.kind == ast::OperandKind::kValue && e.modifier == ast::Modifier::kNone) {
        check_misused_value(e.rhs.value, e.rhs.pos, out);
        if (e.op == CompareOp::kRegex && is_plain_string_regex(e.rhs.value)) {
            out.push_back({LoadWarningCode::kCompileCondition,
                           "regex '" + e.rhs.value +
                               "' matches a plain string: a string operator (=, contains, "
                               "startswith, endswith) does the same without a regex engine",
                           e.rhs.pos});
        }
    }
}

} // namespace

std::vector<ConditionWarning> condition_warnings(const ast::Expr& root) {
    std::vector<ConditionWarning> out;
    walk(root, out);
    return out;
}

} // namespace kestrel::rules
