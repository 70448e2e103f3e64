#include "eval/program.hpp"
#include "eval/base64.hpp"

#include <algorithm>
#include <fnmatch.h>

namespace kestrel::eval {

namespace {

using rules::CompareOp;
using rules::ast::Modifier;
using rules::ast::Transformer;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool icontains(std::string_view hay, std::string_view needle) {
    if (needle.empty()) {
        return true;
    }
    if (needle.size() > hay.size()) {
        return false;
    }
    for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        size_t j = 0;
        while (j < needle.size() && lower(hay[i + j]) == lower(needle[j])) {
            ++j;
        }
        if (j == needle.size()) {
            return true;
        }
    }
    return false;
}

bool glob(std::string_view pattern, std::string_view value, bool icase, std::string& cstr);

// libs' path-prefix semantics: the constant is a whole leading sequence of path components, and
// a component may be a glob (`/var/*/docker`).
bool path_prefix(std::string_view path, std::string_view prefix, std::string& cstr) {
    if (prefix.find_first_of("*?[") == std::string_view::npos) {
        if (!path.starts_with(prefix)) {
            return false;
        }
        return path.size() == prefix.size() || prefix.ends_with('/') || path[prefix.size()] == '/';
    }
    while (!prefix.empty()) {
        auto pe = prefix.find('/', 1);
        auto ve = path.find('/', 1);
        std::string_view pc = prefix.substr(0, pe);
        std::string_view vc = path.substr(0, ve);
        if (pc == "/") { // trailing slash of the prefix
            return true;
        }
        if (vc.empty() || !glob(pc, vc, false, cstr)) {
            return false;
        }
        prefix = pe == std::string_view::npos ? std::string_view{} : prefix.substr(pe);
        path = ve == std::string_view::npos ? std::string_view{} : path.substr(ve);
    }
    return true;
}

bool glob(std::string_view pattern, std::string_view value, bool icase, std::string& cstr) {
    // fnmatch wants NUL-terminated text: pattern and value share one reused buffer.
    cstr.assign(pattern);
    cstr.push_back('\0');
    size_t off = cstr.size();
    cstr.append(value);
    cstr.push_back('\0');
    return fnmatch(cstr.data(), cstr.data() + off, icase ? FNM_CASEFOLD : 0) == 0;
}

Constant to_constant(const Value& v) {
    Constant c;
    switch (v.kind) {
    case ValueKind::kInt:
    case ValueKind::kUint:
        c.has_num = true;
        c.num = v.number();
        break;
    case ValueKind::kString:
        c.text = v.s;
        break;
    case ValueKind::kBool:
        c.has_bool = true;
        c.boolean = v.b;
        break;
    case ValueKind::kIp:
        c.has_ip = true;
        c.ip = v.ip;
        c.bits = v.ip.family == 4 ? 32 : 128;
        break;
    default:
        break;
    }
    return c;
}

} // namespace

bool compare_value(CompareOp op, const Value& lhs, const Constant& rhs, bool lhs_net, const RE2* re,
                   std::string_view bytes, std::string& cstr) {
    switch (lhs.kind) {
    case ValueKind::kAbsent:
        return false;
    case ValueKind::kInt:
    case ValueKind::kUint: {
        if (!rhs.has_num) {
            return false;
        }
        __int128 a = lhs.number();
        switch (op) {
        case CompareOp::kEq:
        case CompareOp::kIn:
        case CompareOp::kIntersects:
            return a == rhs.num;
        case CompareOp::kNe:
            return a != rhs.num;
        case CompareOp::kLt:
            return a < rhs.num;
        case CompareOp::kLe:
            return a <= rhs.num;
        case CompareOp::kGt:
            return a > rhs.num;
        case CompareOp::kGe:
            return a >= rhs.num;
        default:
            return false;
        }
    }
    case ValueKind::kBool:
        if (!rhs.has_bool) {
            return false;
        }
        if (op == CompareOp::kNe) {
            return lhs.b != rhs.boolean;
        }
        return (op == CompareOp::kEq || op == CompareOp::kIn || op == CompareOp::kIntersects) &&
               lhs.b == rhs.boolean;
    case ValueKind::kIp: {
        if (!rhs.has_ip) {
            return false;
        }
        bool eq =
            (lhs_net || rhs.is_net) ? net_contains(rhs.ip, rhs.bits, lhs.ip) : lhs.ip == rhs.ip;
        if (op == CompareOp::kNe) {
            return !eq;
        }
        return (op == CompareOp::kEq || op == CompareOp::kIn || op == CompareOp::kIntersects) && eq;
    }
    case ValueKind::kString:
        break;
    }
    std::string_view a = lhs.s;
    std::string_view b = rhs.text;
    switch (op) {
    case CompareOp::kEq:
    case CompareOp::kIn:
    case CompareOp::kIntersects:
        return a == b;
    case CompareOp::kNe:
        return a != b;
    case CompareOp::kLt:
        return a < b;
    case CompareOp::kLe:
        return a <= b;
    case CompareOp::kGt:
        return a > b;
    case CompareOp::kGe:
        return a >= b;
    case CompareOp::kContains:
        return a.find(b) != std::string_view::npos;
    case CompareOp::kIContains:
        return icontains(a, b);
    case CompareOp::kBContains:
        return a.find(bytes) != std::string_view::npos;
    case CompareOp::kStartsWith:
        return a.starts_with(b);
    case CompareOp::kBStartsWith:
        return a.starts_with(bytes);
    case CompareOp::kEndsWith:
        return a.ends_with(b);
    case CompareOp::kGlob:
        return glob(b, a, false, cstr);
    case CompareOp::kIGlob:
        return glob(b, a, true, cstr);
    case CompareOp::kPmatch:
        return path_prefix(a, b, cstr);
    case CompareOp::kRegex:
        return re != nullptr && RE2::FullMatch(re2::StringPiece(a.data(), a.size()), *re);
    default:
        return false;
    }
}

size_t Program::unsupported_fields() const {
    return static_cast<size_t>(
        std::count_if(extractors_.begin(), extractors_.end(),
                      [](const auto& e) { return e.kind == FieldKind::kUnsupported; }));
}

std::span<const Value> Program::operand(const FieldOperand& f, const EvalContext& ctx,
                                        size_t scratch, Value* tmp) {
    Slot& slot = slots_[f.slot];
    if (slot.epoch != ctx.epoch) { // the common repeat case stays inline
        extract(extractors_[f.slot], ctx, slot);
    }
    if (f.transforms.empty() || slot.count == 0) {
        return slot.view();
    }
    // Transformers apply to single values (the loader rejects them on list fields except len).
    Value v = slot.values[0];
    std::string& out = scratch_[scratch];
    for (Transformer t : f.transforms) {
        switch (t) {
        case Transformer::kToLower:
        case Transformer::kToUpper: {
            if (v.kind != ValueKind::kString) {
                return {};
            }
            out.assign(v.s);
            for (char& c : out) {
                c = t == Transformer::kToLower ? lower(c) : upper(c);
            }
            v = Value::of_string(out);
            break;
        }
        case Transformer::kBasename: {
            if (v.kind != ValueKind::kString) {
                return {};
            }
            auto pos = v.s.rfind('/');
            v.s = pos == std::string_view::npos ? v.s : v.s.substr(pos + 1);
            break;
        }
        case Transformer::kLen:
            v = Value::of_uint(v.kind == ValueKind::kString ? v.s.size() : slot.count);
            break;
        case Transformer::kB64: {
            if (v.kind != ValueKind::kString) {
                return {};
            }
            // v.s may point into `out` (a previous transformer): decode through cstr_, then copy
            // back, both within reserved capacity.
            if (!b64_decode(v.s, cstr_)) {
                return {};
            }
            out.assign(cstr_);
            v = Value::of_string(out);
            break;
        }
        default:
            return {};
        }
    }
    *tmp = v;
    return {tmp, 1};
}

bool Program::eval_check(Check& c, const EvalContext& ctx) {
    ++checks_evaluated_;
    Value ltmp;
    auto idx = static_cast<size_t>(&c - checks_.data());
    auto lhs = operand(c.lhs, ctx, 2 * idx, &ltmp);
    if (c.op == CompareOp::kExists) {
        return !lhs.empty();
    }
    if (lhs.empty()) {
        return false; // Falco: any comparison with a missing value is false, `!=` included
    }
    if (c.rhs_is_field) {
        Value rtmp;
        auto rhs = operand(c.rhs, ctx, 2 * idx + 1, &rtmp);
        if (rhs.empty()) {
            return false;
        }
        Constant k = to_constant(rhs[0]);
        return compare_value(c.op, lhs[0], k, c.lhs_net, nullptr, {}, cstr_);
    }

    auto match_one = [&](const Value& v) -> bool {
        if (c.op == CompareOp::kIn || c.op == CompareOp::kIntersects) {
            if (v.kind == ValueKind::kString && !c.str_set.empty()) {
                return c.str_set.contains(v.s);
            }
            if (v.numeric() && !c.num_set.empty()) {
                return std::binary_search(c.num_set.begin(), c.num_set.end(), v.number());
            }
            if (v.kind == ValueKind::kString) {
                for (const auto& k : c.values) {
                    if (k.text.size() == v.s.size() && k.text == v.s) {
                        return true;
                    }
                }
                return false;
            }
            for (const auto& k : c.values) {
                if (compare_value(c.op, v, k, c.lhs_net, nullptr, {}, cstr_)) {
                    return true;
                }
            }
            return false;
        }
        if (c.op == CompareOp::kPmatch) {
            for (const auto& k : c.values) {
                if (compare_value(c.op, v, k, c.lhs_net, nullptr, {}, cstr_)) {
                    return true;
                }
            }
            return false;
        }
        if (c.modifier == Modifier::kNone) {
            return compare_value(c.op, v, c.values[0], c.lhs_net,
                                 c.regexes.empty() ? nullptr : c.regexes[0].get(),
                                 c.bytes.empty() ? std::string_view{} : c.bytes[0], cstr_);
        }
        size_t hits = 0;
        for (size_t i = 0; i < c.values.size(); ++i) {
            bool m = compare_value(
                c.op, v, c.values[i], c.lhs_net,
                i < c.regexes.size() ? c.regexes[i].get() : nullptr,
                i < c.bytes.size() ? std::string_view(c.bytes[i]) : std::string_view{}, cstr_);
            hits += m ? 1 : 0;
            if (m && c.modifier == Modifier::kAnyOf) {
                return true;
            }
            if (!m && c.modifier == Modifier::kAllOf) {
                return false;
            }
        }
        if (c.modifier == Modifier::kOneOf) {
            return hits == 1;
        }
        return c.modifier == Modifier::kAllOf;
    };

    if (c.lhs_list && c.op == CompareOp::kIn) {
        // libs: every extracted value must be in the set.
        return std::all_of(lhs.begin(), lhs.end(), match_one);
    }
    if (c.lhs_list || c.lhs_any_side) {
        return std::any_of(lhs.begin(), lhs.end(), match_one);
    }
    return match_one(lhs[0]);
}

bool Program::eval_node(const Node& n, const EvalContext& ctx) {
    switch (n.kind) {
    case NodeKind::kAnd:
        for (uint32_t i = 0; i < n.count; ++i) {
            if (!eval(children_[n.first + i], ctx)) {
                return false;
            }
        }
        return true;
    case NodeKind::kOr:
        for (uint32_t i = 0; i < n.count; ++i) {
            if (eval(children_[n.first + i], ctx)) {
                return true;
            }
        }
        return false;
    case NodeKind::kNot:
        return !eval(children_[n.first], ctx);
    case NodeKind::kCheck:
        return eval_check(checks_[n.first], ctx);
    case NodeKind::kFalse:
        return false;
    case NodeKind::kTypeIn: {
        ++checks_evaluated_;
        uint16_t type = ctx.evt->type();
        return (type < KES_EVT_MAX && type_sets_[n.first].test(type)) != (n.count != 0);
    }
    }
    return false;
}

bool Program::eval(uint32_t root, const EvalContext& ctx) {
    const Node& n = nodes_[root];
    if (n.memo < 0) {
        return eval_node(n, ctx);
    }
    Memo& m = memos_[static_cast<size_t>(n.memo)];
    if (m.epoch != ctx.epoch) {
        m.value = eval_node(n, ctx);
        m.epoch = ctx.epoch;
    }
    return m.value;
}

} // namespace kestrel::eval
