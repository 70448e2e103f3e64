#include "rules/ast.hpp"

#include <array>

#include "rules/escaping.hpp"

namespace kestrel::rules::ast {
namespace {

constexpr std::array<std::string_view, 8> kTransformerNames = {
    "tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt"};

void render_field(const Operand& o, std::string& out) {
    out += o.field;
    if (o.has_arg) {
        out += '[';
        out += escape_value(o.arg);
        out += ']';
    }
}

void render_operand(const Operand& o, std::string& out);

// Literals inside transformer calls must stay quoted to parse back (`getopt(x, "t:")`).
void render_transformer_arg(const Operand& o, std::string& out) {
    if (o.kind == OperandKind::kValue && o.quoted) {
        std::string v = escape_value(o.value);
        out += v.size() >= 2 && v.front() == '"' && v.back() == '"' && v != o.value
                   ? v
                   : "\"" + v + "\"";
        return;
    }
    render_operand(o, out);
}

void render_operand(const Operand& o, std::string& out) {
    switch (o.kind) {
    case OperandKind::kField:
        if (o.from_val) {
            out += "val(";
            render_field(o, out);
            out += ')';
        } else {
            render_field(o, out);
        }
        break;
    case OperandKind::kTransformer: {
        out += transformer_name(o.transformer);
        out += '(';
        bool first = true;
        for (const auto& a : o.args) {
            if (!first) {
                out += ", ";
            }
            first = false;
            render_transformer_arg(a, out);
        }
        out += ')';
        if (o.has_arg) {
            out += '[';
            out += escape_value(o.arg);
            out += ']';
        }
        break;
    }
    case OperandKind::kValue:
        out += escape_value(o.value);
        break;
    case OperandKind::kList: {
        out += '(';
        bool first = true;
        // A list argument of a transformer holds operands (fields, literals) in `args`.
        for (const auto& a : o.args) {
            if (!first) {
                out += ", ";
            }
            first = false;
            render_transformer_arg(a, out);
        }
        for (const auto& v : o.values) {
            if (!first) {
                out += ", ";
            }
            first = false;
            out += escape_value(v);
        }
        out += ')';
        break;
    }
    }
}

void render(const Expr& e, std::string& out) {
    switch (e.kind) {
    case ExprKind::kAnd:
    case ExprKind::kOr: {
        const char* op = e.kind == ExprKind::kAnd ? " and " : " or ";
        out += '(';
        bool first = true;
        for (const auto& c : e.children) {
            if (!first) {
                out += op;
            }
            first = false;
            render(*c, out);
        }
        out += ')';
        break;
    }
    case ExprKind::kNot:
        out += "not ";
        render(*e.children.front(), out);
        break;
    case ExprKind::kIdentifier:
        out += e.identifier;
        break;
    case ExprKind::kCheck:
        render_operand(e.lhs, out);
        out += ' ';
        out += e.op_text;
        if (e.has_rhs) {
            out += ' ';
            if (e.modifier != Modifier::kNone) {
                out += modifier_name(e.modifier);
                out += ' ';
            }
            render_operand(e.rhs, out);
        }
        break;
    }
}

bool equal_operand(const Operand& a, const Operand& b) {
    if (a.kind != b.kind || a.field != b.field || a.arg != b.arg || a.has_arg != b.has_arg ||
        a.value != b.value || a.values != b.values || a.from_val != b.from_val ||
        a.args.size() != b.args.size()) {
        return false;
    }
    if (a.kind == OperandKind::kTransformer && a.transformer != b.transformer) {
        return false;
    }
    for (size_t i = 0; i < a.args.size(); i++) {
        if (!equal_operand(a.args[i], b.args[i])) {
            return false;
        }
    }
    return true;
}

} // namespace

std::string_view modifier_name(Modifier m) {
    switch (m) {
    case Modifier::kOneOf:
        return "oneof";
    case Modifier::kAnyOf:
        return "anyof";
    case Modifier::kAllOf:
        return "allof";
    case Modifier::kNone:
        break;
    }
    return "";
}

std::string_view transformer_name(Transformer t) {
    return kTransformerNames[static_cast<size_t>(t)];
}

bool parse_transformer_name(std::string_view name, Transformer* out) {
    for (size_t i = 0; i < kTransformerNames.size(); i++) {
        if (kTransformerNames[i] == name) {
            *out = static_cast<Transformer>(i);
            return true;
        }
    }
    return false;
}

ExprPtr make_logical(ExprKind kind, std::vector<ExprPtr> children, Pos pos) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->pos = pos;
    e->children = std::move(children);
    return e;
}

ExprPtr make_not(ExprPtr child, Pos pos) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kNot;
    e->pos = pos;
    e->children.push_back(std::move(child));
    return e;
}

ExprPtr make_identifier(std::string name, Pos pos) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kIdentifier;
    e->pos = pos;
    e->identifier = std::move(name);
    return e;
}

ExprPtr clone(const Expr& e) {
    auto c = std::make_unique<Expr>();
    c->kind = e.kind;
    c->pos = e.pos;
    c->identifier = e.identifier;
    c->lhs = e.lhs;
    c->op = e.op;
    c->op_text = e.op_text;
    c->modifier = e.modifier;
    c->has_rhs = e.has_rhs;
    c->rhs = e.rhs;
    c->children.reserve(e.children.size());
    for (const auto& child : e.children) {
        c->children.push_back(clone(*child));
    }
    return c;
}

std::string to_string(const Expr& e) {
    std::string out;
    render(e, out);
    return out;
}

std::string to_string(const Operand& o) {
    std::string out;
    render_operand(o, out);
    return out;
}

bool equal(const Expr& a, const Expr& b) {
    if (a.kind != b.kind || a.children.size() != b.children.size()) {
        return false;
    }
    switch (a.kind) {
    case ExprKind::kIdentifier:
        return a.identifier == b.identifier;
    case ExprKind::kCheck:
        if (a.op_text != b.op_text || a.modifier != b.modifier || a.has_rhs != b.has_rhs ||
            !equal_operand(a.lhs, b.lhs)) {
            return false;
        }
        return !a.has_rhs || equal_operand(a.rhs, b.rhs);
    default:
        for (size_t i = 0; i < a.children.size(); i++) {
            if (!equal(*a.children[i], *b.children[i])) {
                return false;
            }
        }
        return true;
    }
}

} // namespace kestrel::rules::ast
