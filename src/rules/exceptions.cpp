#include "rules/exceptions.hpp"

#include <array>

#include "rules/condition_parser.hpp"

namespace kestrel::rules {
namespace {

constexpr std::array<std::string_view, 20> kOperators = {
    "exists",      "<=",       "<",     ">=",         ">",         "==",        "=",
    "!=",          "glob",     "iglob", "contains",   "icontains", "bcontains", "startswith",
    "bstartswith", "endswith", "regex", "intersects", "in",        "pmatch"};
// String operators that take a oneof/anyof/allof modifier (libs >= 0.25).
constexpr std::array<std::string_view, 12> kModifiableOps = {
    "==",         "=",           "!=",       "contains", "icontains", "bcontains",
    "startswith", "bstartswith", "endswith", "glob",     "iglob",     "regex"};
constexpr std::array<std::string_view, 3> kModifiers = {"oneof", "anyof", "allof"};

bool contains(const auto& list, std::string_view s) {
    for (auto x : list) {
        if (x == s) {
            return true;
        }
    }
    return false;
}

// "  startswith   oneof " -> "startswith oneof"
std::string normalize_op(const std::string& op) {
    std::string out;
    size_t i = 0;
    while (i < op.size()) {
        while (i < op.size() && op[i] == ' ') {
            i++;
        }
        size_t j = i;
        while (j < op.size() && op[j] != ' ') {
            j++;
        }
        if (j > i) {
            if (!out.empty()) {
                out += ' ';
            }
            out += op.substr(i, j - i);
        }
        i = j;
    }
    return out;
}

bool is_modifier_op(const std::string& op) {
    auto space = op.find(' ');
    if (space == std::string::npos) {
        return false;
    }
    return contains(kModifiableOps, std::string_view(op).substr(0, space)) &&
           contains(kModifiers, std::string_view(op).substr(space + 1));
}

bool is_operator_defined(const std::string& op) {
    return contains(kOperators, op) || is_modifier_op(op);
}

bool is_list_operator(const std::string& op) {
    return op == "in" || op == "intersects" || op == "pmatch" || is_modifier_op(op);
}

void quote_item(std::string& e) {
    if (e.find(' ') != std::string::npos && e[0] != '"' && e[0] != '\'') {
        e = '"' + e + '"';
    }
}

void paren_item(std::string& e) {
    if (e.empty() || e[0] != '(') {
        e = '(' + e + ')';
    }
}

LoadError validate_error(std::string msg, const Context& ctx) {
    return LoadError{LoadErrorCode::kValidate, std::move(msg), ctx};
}

bool operand_fields_known(const ast::Operand& o) {
    if (o.kind == ast::OperandKind::kField) {
        std::string ref = o.field;
        if (o.has_arg) {
            ref += "[" + o.arg + "]";
        }
        return find_field(ref) != nullptr;
    }
    for (const auto& a : o.args) {
        if (!operand_fields_known(a)) {
            return false;
        }
    }
    return true;
}

} // namespace

bool is_field_expression_defined(const std::string& text) {
    auto r = parse_condition(text + " exists");
    if (!r.ok() || r.expr->kind != ast::ExprKind::kCheck) {
        return false;
    }
    return operand_fields_known(r.expr->lhs);
}

std::optional<LoadError> validate_exception(ExceptionInfo& ex, bool check_fields) {
    if (ex.fields.is_list) {
        if (!ex.comps.is_valid()) {
            ex.comps.is_list = true;
            for (size_t i = 0; i < ex.fields.items.size(); i++) {
                ex.comps.items.push_back(ExceptionEntry{false, "=", {}});
            }
        }
        if (ex.fields.items.size() != ex.comps.items.size()) {
            return validate_error("Fields and comps lists must have equal length", ex.ctx);
        }
        for (auto& c : ex.comps.items) {
            c.item = normalize_op(c.item);
            if (!is_operator_defined(c.item)) {
                return validate_error("'" + c.item + "' is not a supported comparison operator",
                                      ex.ctx);
            }
        }
        if (check_fields) {
            for (const auto& f : ex.fields.items) {
                if (!is_field_expression_defined(f.item)) {
                    return validate_error("'" + f.item + "' is not a supported filter field",
                                          ex.ctx);
                }
            }
        }
        return std::nullopt;
    }
    if (!ex.comps.is_valid()) {
        ex.comps.is_list = false;
        ex.comps.item = "in";
    }
    if (ex.comps.is_list) {
        return validate_error("Fields and comps must both be strings", ex.ctx);
    }
    ex.comps.item = normalize_op(ex.comps.item);
    if (ex.comps.item != "in" && ex.comps.item != "pmatch" && ex.comps.item != "intersects" &&
        !is_modifier_op(ex.comps.item)) {
        return validate_error("When fields is a single value, comps must be one of (in, pmatch, "
                              "intersects) or a modifier operator (e.g. startswith oneof)",
                              ex.ctx);
    }
    if (check_fields && !is_field_expression_defined(ex.fields.item)) {
        return validate_error("'" + ex.fields.item + "' is not a supported filter field", ex.ctx);
    }
    return std::nullopt;
}

std::optional<LoadError> build_exception_condition(const std::vector<ExceptionInfo>& exceptions,
                                                   std::string* condition,
                                                   std::set<std::string>* fields) {
    *condition = "(" + *condition + ")";
    for (const auto& ex : exceptions) {
        std::string icond;
        if (!ex.fields.is_list) {
            for (const auto& val : ex.values) {
                if (val.is_list) {
                    return validate_error("Expected values array to contain a list of strings",
                                          ex.ctx);
                }
                icond += icond.empty() ? "(" + ex.fields.item + " " + ex.comps.item + " (" : ", ";
                fields->insert(ex.fields.item);
                std::string tmp = val.item;
                quote_item(tmp);
                icond += tmp;
            }
            icond += icond.empty() ? "" : "))";
        } else {
            icond = "(";
            for (const auto& values : ex.values) {
                if (ex.fields.items.size() != values.items.size()) {
                    return validate_error("Fields and values lists must have equal length", ex.ctx);
                }
                icond += icond == "(" ? "" : " or ";
                icond += "(";
                for (size_t k = 0; k < ex.fields.items.size(); k++) {
                    icond += k == 0 ? "" : " and ";
                    const auto& v = values.items[k];
                    std::string istr;
                    if (v.is_list) {
                        istr = "(";
                        for (const auto& item : v.items) {
                            std::string tmp = item.item;
                            quote_item(tmp);
                            istr += istr == "(" ? "" : ", ";
                            istr += tmp;
                        }
                        istr += ")";
                    } else {
                        istr = v.item;
                        if (is_list_operator(ex.comps.items[k].item)) {
                            paren_item(istr);
                        } else {
                            quote_item(istr);
                        }
                    }
                    icond += " " + ex.fields.items[k].item;
                    icond += " " + ex.comps.items[k].item + " " + istr;
                    fields->insert(ex.fields.items[k].item);
                }
                icond += ")";
            }
            icond += ")";
            if (icond == "()") {
                icond.clear();
            }
        }
        *condition += icond.empty() ? "" : " and not " + icond;
    }
    return std::nullopt;
}

} // namespace kestrel::rules
