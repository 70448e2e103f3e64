#include "rules/condition_parser.hpp"

#include <array>

#include "rules/escaping.hpp"

namespace kestrel::rules {
namespace {

using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;
using ast::Operand;
using ast::OperandKind;
using ast::Pos;

struct OpSpec {
    std::string_view text; // what is matched at the cursor (word operators include their blank)
    std::string_view name; // the operator as stored and printed
    CompareOp op;
};

// Same order as libs: "==" before "=", word operators need a following blank, list operators
// do not ("in()" is valid), "intersects" before "in".
constexpr std::array<OpSpec, 4> kNumOps = {{
    {"<=", "<=", CompareOp::kLe},
    {"<", "<", CompareOp::kLt},
    {">=", ">=", CompareOp::kGe},
    {">", ">", CompareOp::kGt},
}};
constexpr std::array<OpSpec, 12> kStrOps = {{
    {"==", "==", CompareOp::kEq},
    {"=", "=", CompareOp::kEq},
    {"!=", "!=", CompareOp::kNe},
    {"glob ", "glob", CompareOp::kGlob},
    {"iglob ", "iglob", CompareOp::kIGlob},
    {"contains ", "contains", CompareOp::kContains},
    {"icontains ", "icontains", CompareOp::kIContains},
    {"bcontains ", "bcontains", CompareOp::kBContains},
    {"startswith ", "startswith", CompareOp::kStartsWith},
    {"bstartswith ", "bstartswith", CompareOp::kBStartsWith},
    {"endswith ", "endswith", CompareOp::kEndsWith},
    {"regex ", "regex", CompareOp::kRegex},
}};
constexpr std::array<OpSpec, 3> kListOps = {{
    {"intersects", "intersects", CompareOp::kIntersects},
    {"in", "in", CompareOp::kIn},
    {"pmatch", "pmatch", CompareOp::kPmatch},
}};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

std::string supported_operators_text() {
    std::string ops = "'exists'";
    auto add = [&](const auto& list) {
        for (const auto& o : list) {
            ops += ", '";
            ops += o.name;
            ops += "'";
        }
    };
    add(kNumOps);
    add(kStrOps);
    add(kListOps);
    return ops;
}

class Parser {
  public:
    Parser(std::string_view input, uint32_t max_depth) : in_(input), max_depth_(max_depth) {}

    ParseResult run() {
        ParseResult res;
        if (in_.empty()) {
            res.error = "filter input string is empty";
            return res;
        }
        ExprPtr e = parse_or();
        if (e && pos_.idx != in_.size()) {
            fail("unexpected token after '" + last_token_ + "', expecting 'or', 'and'");
            e.reset();
        }
        if (!e) {
            res.error = error_;
            res.error_pos = pos_;
            return res;
        }
        res.expr = std::move(e);
        return res;
    }

  private:
    // ---- cursor helpers ----
    [[nodiscard]] char peek(size_t ahead = 0) const {
        size_t i = pos_.idx + ahead;
        return i < in_.size() ? in_[i] : '\0';
    }
    void advance(size_t n) {
        for (size_t k = 0; k < n && pos_.idx < in_.size(); k++) {
            char c = in_[pos_.idx];
            pos_.col++;
            if (c == '\r' || c == '\n') {
                pos_.col = 1;
                pos_.line++;
            }
            pos_.idx++;
        }
    }
    void take(size_t n) {
        last_token_ = std::string(in_.substr(pos_.idx, n));
        advance(n);
    }

    std::nullptr_t fail(std::string msg) {
        if (!failed_) {
            failed_ = true;
            error_ = std::move(msg);
        }
        return nullptr;
    }

    bool depth_push() {
        depth_++;
        if (depth_ >= max_depth_) {
            fail("exceeded max depth limit of " + std::to_string(max_depth_));
            return false;
        }
        return true;
    }
    void depth_pop() { depth_--; }

    // ---- lexers (each sets last_token_ on success, except lex_blank) ----
    bool lex_blank() {
        bool found = false;
        while (is_blank(peek())) {
            found = true;
            advance(1);
        }
        return found;
    }
    bool lex_str(std::string_view s) {
        if (in_.substr(pos_.idx, s.size()) == s) {
            take(s.size());
            return true;
        }
        return false;
    }
    [[nodiscard]] size_t match_identifier(size_t at) const {
        if (at >= in_.size() || !is_alpha(in_[at])) {
            return 0;
        }
        size_t n = 1;
        while (at + n < in_.size() && is_ident_char(in_[at + n])) {
            n++;
        }
        return n;
    }
    bool lex_identifier() {
        size_t n = match_identifier(pos_.idx);
        if (n == 0) {
            return false;
        }
        take(n);
        return true;
    }
    // identifier ("." identifier)+, longest match
    bool lex_field_name() {
        size_t n = match_identifier(pos_.idx);
        if (n == 0) {
            return false;
        }
        size_t parts = 0;
        while (pos_.idx + n < in_.size() && in_[pos_.idx + n] == '.') {
            size_t m = match_identifier(pos_.idx + n + 1);
            if (m == 0) {
                break;
            }
            n += 1 + m;
            parts++;
        }
        if (parts == 0) {
            return false;
        }
        take(n);
        return true;
    }
    bool lex_not_blank() {
        if (in_.substr(pos_.idx, 3) != "not" || !is_blank(peek(3))) {
            return false;
        }
        size_t n = 3;
        while (is_blank(peek(n))) {
            n++;
        }
        take(n);
        return true;
    }
    template <typename Pred> bool lex_run(Pred pred) {
        size_t n = 0;
        while (pos_.idx + n < in_.size() && pred(in_[pos_.idx + n])) {
            n++;
        }
        if (n == 0) {
            return false;
        }
        take(n);
        return true;
    }
    bool lex_bare_str() {
        return lex_run([](char c) {
            return !is_blank(c) && c != '(' && c != ')' && c != ',' && c != '=' && c != '"' &&
                   c != '\'';
        });
    }
    bool lex_field_arg_bare_str() {
        return lex_run(
            [](char c) { return !is_blank(c) && c != '[' && c != ']' && c != '"' && c != '\''; });
    }
    bool lex_hex_num() {
        if (peek() != '0' || (peek(1) != 'x' && peek(1) != 'X') || !is_alnum(peek(2))) {
            return false;
        }
        size_t n = 3;
        while (is_alnum(peek(n))) {
            n++;
        }
        take(n);
        return true;
    }
    // [+-]?[0-9]+\.?[0-9]*([eE][+-][0-9]+)?
    bool lex_num() {
        size_t n = 0;
        if (peek() == '+' || peek() == '-') {
            n++;
        }
        if (!is_digit(peek(n))) {
            return false;
        }
        while (is_digit(peek(n))) {
            n++;
        }
        if (peek(n) == '.') {
            n++;
        }
        while (is_digit(peek(n))) {
            n++;
        }
        if ((peek(n) == 'e' || peek(n) == 'E') && (peek(n + 1) == '+' || peek(n + 1) == '-') &&
            is_digit(peek(n + 2))) {
            n += 2;
            while (is_digit(peek(n))) {
                n++;
            }
        }
        take(n);
        return true;
    }
    // Mirrors libs: a delimiter preceded by a backslash does not close the string.
    // Returns false without consuming if no complete quoted string is here; an invalid escape
    // inside a complete one is a parse error (failed_ is set).
    bool lex_quoted_str() {
        char delim = peek();
        if (delim != '\'' && delim != '"') {
            return false;
        }
        char prev = '\\';
        for (size_t n = 0; pos_.idx + n < in_.size(); n++) {
            char c = in_[pos_.idx + n];
            if (n > 0 && c == delim && prev != '\\') {
                std::string out;
                std::string err;
                if (!unescape_quoted(in_.substr(pos_.idx, n + 1), &out, &err)) {
                    fail(err);
                    return false;
                }
                advance(n + 1);
                last_token_ = std::move(out);
                return true;
            }
            prev = c;
        }
        return false;
    }
    // A word operator ("contains ") must be followed by a blank, any blank.
    template <size_t N> const OpSpec* lex_op(const std::array<OpSpec, N>& ops) {
        for (const auto& o : ops) {
            if (o.text.back() == ' ') {
                std::string_view word = o.text.substr(0, o.text.size() - 1);
                if (in_.substr(pos_.idx, word.size()) == word && is_blank(peek(word.size()))) {
                    take(word.size() + 1);
                    return &o;
                }
            } else if (lex_str(o.text)) {
                return &o;
            }
        }
        return nullptr;
    }

    // ---- grammar ----
    ExprPtr parse_logical(bool is_or) {
        if (!depth_push()) {
            return nullptr;
        }
        const Pos start = pos_;
        std::vector<ExprPtr> children;
        lex_blank();
        ExprPtr first = is_or ? parse_logical(false) : parse_not();
        if (!first) {
            return nullptr;
        }
        children.push_back(std::move(first));
        lex_blank();
        const char* kw = is_or ? "or" : "and";
        while (lex_str(kw)) {
            ExprPtr child;
            if (!lex_blank()) {
                if (!lex_str("(")) {
                    return fail(std::string("expected blank or '(' after '") + kw + "'");
                }
                child = parse_embedded_remainder();
            } else {
                child = is_or ? parse_logical(false) : parse_not();
            }
            if (!child) {
                return nullptr;
            }
            children.push_back(std::move(child));
            lex_blank();
        }
        depth_pop();
        if (children.size() == 1) {
            return std::move(children.front());
        }
        return ast::make_logical(is_or ? ExprKind::kOr : ExprKind::kAnd, std::move(children),
                                 start);
    }
    ExprPtr parse_or() { return parse_logical(true); }

    ExprPtr parse_not() {
        if (!depth_push()) {
            return nullptr;
        }
        lex_blank();
        const Pos start = pos_;
        bool negated = false;
        while (lex_not_blank()) {
            negated = !negated;
        }
        ExprPtr child;
        if (lex_str("not(")) {
            negated = !negated;
            child = parse_embedded_remainder();
        } else {
            child = parse_check();
        }
        if (!child) {
            return nullptr;
        }
        depth_pop();
        return negated ? ast::make_not(std::move(child), start) : std::move(child);
    }

    // The rest of a parenthesised expression, after its "(".
    ExprPtr parse_embedded_remainder() {
        if (!depth_push()) {
            return nullptr;
        }
        lex_blank();
        ExprPtr child = parse_or();
        if (!child) {
            return nullptr;
        }
        lex_blank();
        if (!lex_str(")")) {
            return fail("expected a ')' token");
        }
        depth_pop();
        return child;
    }

    // An optional "[arg]" right after a field name or a transformer's ")".
    bool parse_bracket_arg(Operand* out) {
        if (!lex_str("[")) {
            return true;
        }
        if (!lex_quoted_str() && (failed_ || !lex_field_arg_bare_str())) {
            fail("expected a valid field argument: a quoted string or a bare string");
            return false;
        }
        out->arg = last_token_;
        out->has_arg = true;
        if (!lex_str("]")) {
            fail("expected a ']' token");
            return false;
        }
        return true;
    }

    // Field name plus an optional "[arg]" right after it.
    bool parse_field(Operand* out) {
        const Pos start = pos_;
        if (!lex_field_name()) {
            return false;
        }
        out->kind = OperandKind::kField;
        out->pos = start;
        out->field = last_token_;
        return parse_bracket_arg(out);
    }

    // A transformer call (or `val(field)` where allowed). Returns false without consuming
    // anything when the text here is not a call; failed_ tells a malformed call apart.
    bool parse_transformer(Operand* out, bool allow_val) {
        const Pos start = pos_;
        size_t n = match_identifier(pos_.idx);
        if (n == 0 || peek(n) != '(') {
            return false;
        }
        std::string_view name = in_.substr(pos_.idx, n);
        ast::Transformer t{};
        const bool is_val = allow_val && name == "val";
        if (!is_val && !ast::parse_transformer_name(name, &t)) {
            return false;
        }
        if (!depth_push()) {
            return false;
        }
        take(n);
        lex_str("(");
        if (is_val) {
            lex_blank();
            if (!parse_field(out)) {
                if (!failed_) {
                    fail("expected a field name inside 'val('");
                }
                return false;
            }
            out->from_val = true;
            out->pos = start;
            lex_blank();
            if (!lex_str(")")) {
                fail("expected a ')' token");
                return false;
            }
            depth_pop();
            return true;
        }
        out->kind = OperandKind::kTransformer;
        out->transformer = t;
        out->pos = start;
        do {
            lex_blank();
            Operand arg;
            if (!parse_transformer_arg(&arg)) {
                return false;
            }
            out->args.push_back(std::move(arg));
            lex_blank();
        } while (lex_str(","));
        if (!lex_str(")")) {
            fail("expected a ')' token");
            return false;
        }
        if (!parse_bracket_arg(out)) {
            return false;
        }
        depth_pop();
        return true;
    }

    // A literal inside a transformer: quoted string or number.
    bool parse_transformer_literal(Operand* out) {
        const Pos start = pos_;
        bool quoted = lex_quoted_str();
        if (failed_) {
            return false;
        }
        if (!quoted && !lex_hex_num() && !lex_num()) {
            return false;
        }
        out->kind = OperandKind::kValue;
        out->pos = start;
        out->value = last_token_;
        out->quoted = quoted;
        return true;
    }

    bool parse_transformer_arg(Operand* out) {
        if (parse_transformer(out, false)) {
            return true;
        }
        if (failed_) {
            return false;
        }
        if (parse_field(out)) {
            return true;
        }
        if (failed_) {
            return false;
        }
        if (parse_transformer_literal(out)) {
            return true;
        }
        if (failed_) {
            return false;
        }
        const Pos start = pos_;
        if (lex_str("(")) {
            out->kind = OperandKind::kList;
            out->pos = start;
            lex_blank();
            if (lex_str(")")) {
                return true;
            }
            do {
                lex_blank();
                Operand item;
                if (!parse_field(&item)) {
                    if (failed_ || !parse_transformer_literal(&item)) {
                        fail("expected a field or a quoted string in transformer list argument");
                        return false;
                    }
                }
                out->args.push_back(std::move(item));
                lex_blank();
            } while (lex_str(","));
            if (!lex_str(")")) {
                fail("expected a ')' token");
                return false;
            }
            return true;
        }
        fail("expected a field, a transformer, a quoted string or a list as transformer argument");
        return false;
    }

    bool parse_str_literal(Operand* out) {
        lex_blank();
        const Pos start = pos_;
        bool quoted = lex_quoted_str();
        if (failed_) {
            return false;
        }
        if (!quoted && !lex_bare_str()) {
            return false;
        }
        out->kind = OperandKind::kValue;
        out->pos = start;
        out->value = last_token_;
        out->quoted = quoted;
        return true;
    }

    bool parse_num_value(Operand* out) {
        lex_blank();
        const Pos start = pos_;
        if (lex_hex_num() || lex_num()) {
            out->kind = OperandKind::kValue;
            out->pos = start;
            out->value = last_token_;
            return true;
        }
        if (parse_transformer(out, true)) {
            return true;
        }
        if (!failed_) {
            fail("expected a number value");
        }
        return false;
    }

    bool parse_str_value(Operand* out) {
        lex_blank();
        if (parse_transformer(out, true)) {
            return true;
        }
        if (failed_) {
            return false;
        }
        if (parse_str_literal(out)) {
            return true;
        }
        if (!failed_) {
            fail("expected a string value");
        }
        return false;
    }

    bool parse_list_value(Operand* out) {
        lex_blank();
        const Pos start = pos_;
        if (lex_str("(")) {
            out->kind = OperandKind::kList;
            out->pos = start;
            lex_blank();
            Operand item;
            if (parse_str_literal(&item)) {
                out->values.push_back(std::move(item.value));
                lex_blank();
                while (lex_str(",")) {
                    Operand next;
                    if (!parse_str_literal(&next)) {
                        if (!failed_) {
                            fail("expected a string value");
                        }
                        return false;
                    }
                    out->values.push_back(std::move(next.value));
                    lex_blank();
                }
            } else if (failed_) {
                return false;
            }
            if (!lex_str(")")) {
                fail("expected a ')' token");
                return false;
            }
            return true;
        }
        if (parse_transformer(out, true)) {
            return true;
        }
        if (failed_) {
            return false;
        }
        if (lex_identifier()) {
            out->kind = OperandKind::kValue;
            out->pos = start;
            out->value = last_token_;
            return true;
        }
        fail("expected a list or an identifier");
        return false;
    }

    // "oneof"/"anyof"/"allof", a blank, then a list or a list name. Anything else leaves the
    // cursor alone: `proc.name == oneof` compares with the string "oneof".
    ast::Modifier lex_modifier() {
        static constexpr std::array<std::pair<std::string_view, ast::Modifier>, 3> kMods = {{
            {"oneof", ast::Modifier::kOneOf},
            {"anyof", ast::Modifier::kAnyOf},
            {"allof", ast::Modifier::kAllOf},
        }};
        for (const auto& [word, mod] : kMods) {
            if (in_.substr(pos_.idx, word.size()) != word || !is_blank(peek(word.size()))) {
                continue;
            }
            size_t n = word.size();
            while (is_blank(peek(n))) {
                n++;
            }
            if (peek(n) == '(' || is_alpha(peek(n))) {
                take(word.size());
                return mod;
            }
        }
        return ast::Modifier::kNone;
    }

    ExprPtr parse_check() {
        if (!depth_push()) {
            return nullptr;
        }
        lex_blank();
        const Pos start = pos_;
        if (lex_str("(")) {
            ExprPtr child = parse_embedded_remainder();
            if (!child) {
                return nullptr;
            }
            depth_pop();
            return child;
        }

        auto check = std::make_unique<Expr>();
        check->kind = ExprKind::kCheck;
        check->pos = start;
        if (!parse_field(&check->lhs)) {
            if (failed_) {
                return nullptr;
            }
            if (!parse_transformer(&check->lhs, false)) {
                if (failed_) {
                    return nullptr;
                }
                if (lex_identifier()) {
                    depth_pop();
                    return ast::make_identifier(last_token_, start);
                }
                return fail("expected a '(' token, a field check, or an identifier");
            }
        }

        lex_blank();
        if (lex_str("exists")) {
            check->op = CompareOp::kExists;
            check->op_text = "exists";
            depth_pop();
            return check;
        }
        lex_blank();
        check->has_rhs = true;
        bool ok = false;
        if (const OpSpec* o = lex_op(kNumOps)) {
            check->op = o->op;
            check->op_text = o->name;
            ok = parse_num_value(&check->rhs);
        } else if (const OpSpec* o = lex_op(kStrOps)) {
            check->op = o->op;
            check->op_text = o->name;
            // The modifier needs a blank after the operator: `==oneof (a)` is not one.
            const bool blank = lex_blank() || o->text.back() == ' ';
            check->modifier = blank ? lex_modifier() : ast::Modifier::kNone;
            ok = check->modifier != ast::Modifier::kNone ? parse_list_value(&check->rhs)
                                                         : parse_str_value(&check->rhs);
        } else if (const OpSpec* o = lex_op(kListOps)) {
            check->op = o->op;
            check->op_text = o->name;
            ok = parse_list_value(&check->rhs);
        } else {
            return fail("expected a valid check operator: one of " + supported_operators_text());
        }
        if (!ok) {
            return nullptr;
        }
        depth_pop();
        return check;
    }

    std::string_view in_;
    uint32_t max_depth_;
    uint32_t depth_ = 0;
    Pos pos_;
    std::string last_token_;
    bool failed_ = false;
    std::string error_;
};

} // namespace

ParseResult parse_condition(std::string_view text, uint32_t max_depth) {
    return Parser(text, max_depth).run();
}

} // namespace kestrel::rules
