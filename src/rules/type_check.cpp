// Pass 4: operators against field types, right-hand literals converted to the field's type,
// transformers' arity. Messages follow libs' filter compiler where known.

#include <arpa/inet.h>

#include <cctype>
#include <cstdlib>

#include "rules/condition_checks.hpp"
#include "rules/event_types.hpp"

namespace kestrel::rules {
namespace {

struct OperandType {
    FieldType type = FieldType::kString;
    bool is_list = false;
};

// Numeric types are those that order (`<`) but have no substrings (`contains`): the registry's
// operator table already says which they are.
bool is_numeric(FieldType t) {
    return operator_applies(CompareOp::kLt, t, false) &&
           !operator_applies(CompareOp::kContains, t, false);
}

// Decimal with optional sign, or 0x hex: what libs' number parsers accept for integer fields
// (floats are rejected even for DOUBLE fields).
bool is_integer_literal(const std::string& v) {
    if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        for (size_t i = 2; i < v.size(); i++) {
            if (!std::isxdigit(static_cast<unsigned char>(v[i]))) {
                return false;
            }
        }
        return true;
    }
    size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
    if (i >= v.size()) {
        return false;
    }
    for (; i < v.size(); i++) {
        if (!std::isdigit(static_cast<unsigned char>(v[i]))) {
            return false;
        }
    }
    return true;
}

bool is_ip(const std::string& v) {
    unsigned char buf[16];
    return inet_pton(AF_INET, v.c_str(), buf) == 1 || inet_pton(AF_INET6, v.c_str(), buf) == 1;
}

bool is_net(const std::string& v) {
    auto slash = v.find('/');
    if (slash == std::string::npos) {
        return is_ip(v);
    }
    std::string addr = v.substr(0, slash);
    std::string bits = v.substr(slash + 1);
    if (!is_ip(addr) || bits.empty() || !is_integer_literal(bits) || bits[0] == '-' ||
        bits[0] == '+') {
        return false;
    }
    int n = std::atoi(bits.c_str());
    return n >= 0 && n <= (addr.find(':') != std::string::npos ? 128 : 32);
}

bool is_even_hex(const std::string& v) {
    if (v.empty() || v.size() % 2 != 0) {
        return false;
    }
    for (char c : v) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

std::optional<ConditionIssue> check_literal(const ast::Expr& e, const OperandType& lhs,
                                            const std::string& v, ast::Pos pos) {
    if (e.op == CompareOp::kBContains || e.op == CompareOp::kBStartsWith) {
        if (!is_even_hex(v)) {
            return ConditionIssue{"filter error: '" + v +
                                      "' is not a valid hex string for operator '" +
                                      std::string(e.op_text) + "'",
                                  pos};
        }
        return std::nullopt;
    }
    // evt.type values compared for (in)equality must be event names libs knows; patterns
    // (startswith, glob, ...) are not names.
    const bool name_compare = e.op == CompareOp::kEq || e.op == CompareOp::kNe ||
                              e.op == CompareOp::kIn || e.op == CompareOp::kIntersects;
    if (name_compare && e.lhs.kind == ast::OperandKind::kField && e.lhs.info != nullptr &&
        e.lhs.info->name == "evt.type" && !e.lhs.has_arg) {
        if (!is_known_event_name(v)) {
            return ConditionIssue{"unknown event type " + v, pos, true};
        }
        return std::nullopt;
    }
    if (is_numeric(lhs.type)) {
        if (!is_integer_literal(v)) {
            return ConditionIssue{"filter error: '" + v + "' is not a valid number", pos};
        }
        return std::nullopt;
    }
    switch (lhs.type) {
    case FieldType::kBool:
        if (v != "true" && v != "false") {
            return ConditionIssue{"filter error: '" + v + "' is not a valid boolean", pos};
        }
        break;
    case FieldType::kIpAddr:
    case FieldType::kIpv4Addr:
    case FieldType::kIpv6Addr:
        if (!is_ip(v)) {
            return ConditionIssue{"filter error: '" + v + "' is not a valid IP address", pos};
        }
        break;
    case FieldType::kIpNet:
    case FieldType::kIpv4Net:
    case FieldType::kIpv6Net:
        if (!is_net(v)) {
            return ConditionIssue{"filter error: '" + v + "' is not a valid network", pos};
        }
        break;
    default:
        break;
    }
    return std::nullopt;
}

std::optional<ConditionIssue> operand_type(const ast::Operand& o, OperandType* out);

std::optional<ConditionIssue> transformer_type(const ast::Operand& o, OperandType* out) {
    const std::string name(ast::transformer_name(o.transformer));
    if (o.has_arg && o.transformer != ast::Transformer::kGetopt) {
        return ConditionIssue{
            "filter error: transformer '" + name + "' does not support field arguments", o.pos};
    }
    auto arity_error = [&]() {
        return ConditionIssue{
            "filter error: wrong number of arguments for transformer '" + name + "'", o.pos};
    };
    for (const auto& a : o.args) {
        if (a.kind == ast::OperandKind::kField && a.info != nullptr &&
            !a.info->transformer_allowed) {
            return ConditionIssue{
                "filter error: field '" + a.field + "' can't be used with transformers", a.pos};
        }
    }
    OperandType in;
    switch (o.transformer) {
    case ast::Transformer::kToLower:
    case ast::Transformer::kToUpper:
    case ast::Transformer::kB64:
    case ast::Transformer::kBasename:
    case ast::Transformer::kLen:
        if (o.args.size() != 1 || (o.args[0].kind != ast::OperandKind::kField &&
                                   o.args[0].kind != ast::OperandKind::kTransformer)) {
            return arity_error();
        }
        if (auto issue = operand_type(o.args[0], &in)) {
            return issue;
        }
        if (o.transformer == ast::Transformer::kLen) {
            *out = OperandType{FieldType::kUint64, false};
        } else if (in.type != FieldType::kString && in.type != FieldType::kFsPath &&
                   in.type != FieldType::kFsRelPath && in.type != FieldType::kByteBuf) {
            return ConditionIssue{
                "filter error: transformer '" + name + "' only supports string fields", o.pos};
        } else {
            *out = OperandType{o.transformer == ast::Transformer::kB64 ? FieldType::kByteBuf
                                                                       : FieldType::kString,
                               in.is_list};
        }
        return std::nullopt;
    case ast::Transformer::kJoin:
        if (o.args.size() != 2) {
            return arity_error();
        }
        *out = OperandType{FieldType::kString, false};
        return std::nullopt;
    case ast::Transformer::kConcat:
        if (o.args.size() < 2) {
            return arity_error();
        }
        *out = OperandType{FieldType::kString, false};
        return std::nullopt;
    case ast::Transformer::kGetopt:
        if (o.args.size() != 2) {
            return arity_error();
        }
        *out = OperandType{FieldType::kString, !o.has_arg};
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<ConditionIssue> operand_type(const ast::Operand& o, OperandType* out) {
    switch (o.kind) {
    case ast::OperandKind::kField:
        if (o.info == nullptr) {
            return ConditionIssue{nonexistent_field_message(o.field), o.pos, true};
        }
        *out = OperandType{o.info->type, o.info->is_list};
        return std::nullopt;
    case ast::OperandKind::kTransformer:
        return transformer_type(o, out);
    case ast::OperandKind::kValue:
    case ast::OperandKind::kList:
        *out = OperandType{};
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<ConditionIssue> check(const ast::Expr& e) {
    OperandType lhs;
    if (auto issue = operand_type(e.lhs, &lhs)) {
        return issue;
    }
    if (!operator_applies(e.op, lhs.type, lhs.is_list)) {
        return ConditionIssue{operator_error(e.op, lhs.type, lhs.is_list), e.pos};
    }
    if (!e.has_rhs) {
        return std::nullopt;
    }
    switch (e.rhs.kind) {
    case ast::OperandKind::kField:
        if (e.rhs.info != nullptr && !e.rhs.info->rhs_allowed) {
            return ConditionIssue{"filter error: field '" + e.rhs.field +
                                      "' can't be used on the right-hand side of a comparison",
                                  e.rhs.pos};
        }
        return std::nullopt;
    case ast::OperandKind::kTransformer: {
        OperandType rhs;
        return operand_type(e.rhs, &rhs);
    }
    case ast::OperandKind::kValue:
        return check_literal(e, lhs, e.rhs.value, e.rhs.pos);
    case ast::OperandKind::kList:
        for (const auto& v : e.rhs.values) {
            if (auto issue = check_literal(e, lhs, v, e.rhs.pos)) {
                return issue;
            }
        }
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<ConditionIssue> walk(const ast::Expr& e) {
    if (e.kind == ast::ExprKind::kCheck) {
        return check(e);
    }
    for (const auto& c : e.children) {
        if (auto issue = walk(*c)) {
            return issue;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<ConditionIssue> type_check(const ast::Expr& root) { return walk(root); }

} // namespace kestrel::rules
