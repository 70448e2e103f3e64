#pragma once
// The condition AST: what the parser produces, the macro pass rewrites, the resolve pass
// annotates with field metadata, and the evaluator (src/eval/) lowers. The shape follows libs'
// filter AST (and/or/not, checks with a left operand, an operator and an optional right operand,
// identifiers for macro references) so that rendering it back gives Falco's `condition_compiled`.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/field_registry.hpp"

namespace kestrel::rules::ast {

// Position in the condition text. Same conventions as libs: idx is a byte offset, line and col
// start at 1, and a '\n' or '\r' starts a new line.
struct Pos {
    uint32_t idx = 0;
    uint32_t line = 1;
    uint32_t col = 1;
};

// String-operator modifiers (libs >= 0.25): `proc.name startswith oneof (a, b)`.
enum class Modifier : uint8_t { kNone, kOneOf, kAnyOf, kAllOf };
std::string_view modifier_name(Modifier m);

enum class Transformer : uint8_t {
    kToLower,
    kToUpper,
    kB64,
    kBasename,
    kLen,
    kJoin,
    kConcat,
    kGetopt
};
std::string_view transformer_name(Transformer t);
bool parse_transformer_name(std::string_view name, Transformer* out);

// One side of a check.
//  kField        `proc.aname[2]`; on the right side only through `val(...)`
//  kTransformer  `tolower(proc.name)`, `join("-", (a.b, c.d))`, `getopt(proc.args, "t:")[t]`
//  kValue        a string/number literal (already unescaped), or on the right side of a list
//                operator / modifier an identifier naming a list that was not expanded
//  kList         `(a, "b c", 'd')`
enum class OperandKind : uint8_t { kField, kTransformer, kValue, kList };

struct Operand {
    OperandKind kind = OperandKind::kValue;
    Pos pos;
    // kField: the name as written (e.g. "evt.arg.flags"), and the bracketed argument.
    // kTransformer: `arg` is the optional `[x]` after the closing parenthesis.
    std::string field;
    std::string arg;
    bool has_arg = false;
    Transformer transformer = Transformer::kToLower;
    std::vector<Operand> args;       // kTransformer arguments
    std::string value;               // kValue
    bool quoted = false;             // kValue written as a quoted string
    bool from_val = false;           // kField written as `val(field)`
    std::vector<std::string> values; // kList

    // Filled by the resolve pass (resolve_fields); nullptr before or for non-fields.
    const FieldInfo* info = nullptr;
};

enum class ExprKind : uint8_t { kAnd, kOr, kNot, kIdentifier, kCheck };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
    ExprKind kind = ExprKind::kCheck;
    Pos pos;
    std::vector<ExprPtr> children; // kAnd/kOr: two or more; kNot: exactly one
    std::string identifier;        // kIdentifier: a macro name
    // kCheck
    Operand lhs;
    CompareOp op = CompareOp::kExists;
    std::string_view op_text; // as written: "=", "==", "contains", ... (static storage)
    Modifier modifier = Modifier::kNone;
    bool has_rhs = false; // false only for `exists`
    Operand rhs;
};

ExprPtr make_logical(ExprKind kind, std::vector<ExprPtr> children, Pos pos);
ExprPtr make_not(ExprPtr child, Pos pos);
ExprPtr make_identifier(std::string name, Pos pos);
ExprPtr clone(const Expr& e);

// Renders like libs' ast::as_string, which is what Falco prints as `condition_compiled`:
// logical nodes fully parenthesised, values escaped and quoted only when needed.
std::string to_string(const Expr& e);
std::string to_string(const Operand& o);

// Structural equality (positions ignored); used by tests.
bool equal(const Expr& a, const Expr& b);

} // namespace kestrel::rules::ast
