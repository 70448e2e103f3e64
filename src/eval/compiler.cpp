#include "eval/compiler.hpp"

#include <algorithm>
#include <charconv>

#include "event/gen/events.hpp"

namespace kestrel::eval {

namespace {

using rules::CompareOp;
using rules::FieldType;
using rules::ast::Expr;
using rules::ast::ExprKind;
using rules::ast::Operand;
using rules::ast::OperandKind;

base::Error error(std::string msg) {
    return base::Error{base::ErrorCode::kInvalidArgument, std::move(msg)};
}

bool parse_number(std::string_view s, __int128* out) {
    if (s.empty()) {
        return false;
    }
    int base = 10;
    std::string_view digits = s;
    if (digits.starts_with("0x") || digits.starts_with("0X")) {
        base = 16;
        digits.remove_prefix(2);
    }
    if (digits.starts_with('-')) {
        int64_t v = 0;
        auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
        if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) {
            return false;
        }
        *out = v;
        return true;
    }
    uint64_t v = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) {
        return false;
    }
    *out = v;
    return true;
}

bool decode_hex(std::string_view hex, std::string* out) {
    if (hex.size() % 2 != 0) {
        return false;
    }
    out->clear();
    for (size_t i = 0; i < hex.size(); i += 2) {
        unsigned v = 0;
        auto r = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
        if (r.ec != std::errc() || r.ptr != hex.data() + i + 2) {
            return false;
        }
        out->push_back(static_cast<char>(v));
    }
    return true;
}

constexpr size_t kLinearSetMax = 8;

bool is_net_type(FieldType t) {
    return t == FieldType::kIpNet || t == FieldType::kIpv4Net || t == FieldType::kIpv6Net;
}

// Constant strings must outlive the Program: they are kept in a per-program arena of stable
// strings (std::string in a vector of unique_ptr would do too; a deque keeps addresses).
Constant make_constant(std::string_view text) {
    Constant c;
    c.text = text;
    c.has_num = parse_number(text, &c.num);
    if (text == "true" || text == "false") {
        c.has_bool = true;
        c.boolean = text == "true";
    }
    int bits = 0;
    if (parse_net(text, &c.ip, &bits)) {
        c.has_ip = true;
        c.bits = bits;
        c.is_net = text.find('/') != std::string_view::npos;
    }
    return c;
}

} // namespace

base::Result<uint32_t> Compiler::slot_for(const Operand& o) {
    if (o.info == nullptr) {
        return error("field '" + o.field + "' is not resolved");
    }
    std::string key = o.field;
    if (o.has_arg) {
        key += "[" + o.arg + "]";
    }
    if (auto it = slots_by_text_.find(key); it != slots_by_text_.end()) {
        return it->second;
    }
    // The resolver keeps the name as written (evt.arg.flags): split it again for the argument.
    auto ref = rules::split_field_ref(o.field);
    std::string_view arg = o.has_arg ? std::string_view(o.arg) : ref.arg;
    bool has_arg = o.has_arg || ref.has_arg;
    auto ex = make_extractor(*o.info, arg, has_arg);
    if (!ex) {
        return ex.error();
    }
    auto idx = static_cast<uint32_t>(program_.extractors_.size());
    program_.extractors_.push_back(std::move(*ex));
    program_.slots_.emplace_back();
    prepare_slot(program_.extractors_.back(), program_.slots_.back());
    slots_by_text_.emplace(std::move(key), idx);
    return idx;
}

base::Result<FieldOperand> Compiler::field_operand(const Operand& o) {
    FieldOperand f;
    const Operand* cur = &o;
    std::vector<rules::ast::Transformer> outer_first;
    while (cur->kind == OperandKind::kTransformer) {
        using rules::ast::Transformer;
        if (cur->transformer == Transformer::kJoin || cur->transformer == Transformer::kConcat ||
            cur->transformer == Transformer::kGetopt || cur->args.size() != 1) {
            return error("transformer '" +
                         std::string(rules::ast::transformer_name(cur->transformer)) +
                         "' is not supported yet");
        }
        outer_first.push_back(cur->transformer);
        cur = &cur->args[0];
    }
    if (cur->kind != OperandKind::kField) {
        return error("expected a field");
    }
    auto slot = slot_for(*cur);
    if (!slot) {
        return slot.error();
    }
    f.slot = *slot;
    f.transforms.assign(outer_first.rbegin(), outer_first.rend());
    return f;
}

base::Result<uint32_t> Compiler::check(const Expr& e) {
    Check c;
    auto lhs = field_operand(e.lhs);
    if (!lhs) {
        return lhs.error();
    }
    c.lhs = std::move(*lhs);
    c.op = e.op;
    c.modifier = e.modifier;
    const Extractor& ex = program_.extractors_[c.lhs.slot];
    c.lhs_list = ex.info->is_list && c.lhs.transforms.empty();
    c.lhs_any_side = ex.any_side;
    c.lhs_net = is_net_type(ex.info->type);

    if (e.op != CompareOp::kExists) {
        if (!e.has_rhs) {
            return error("operator '" + std::string(e.op_text) + "' needs a value");
        }
        if (e.rhs.kind == OperandKind::kField || e.rhs.kind == OperandKind::kTransformer) {
            auto rhs = field_operand(e.rhs);
            if (!rhs) {
                return rhs.error();
            }
            c.rhs_is_field = true;
            c.rhs = std::move(*rhs);
        } else {
            const std::vector<std::string>* texts = nullptr;
            std::vector<std::string> single;
            if (e.rhs.kind == OperandKind::kList) {
                texts = &e.rhs.values;
            } else {
                single.push_back(e.rhs.value);
                texts = &single;
            }
            for (const auto& t : *texts) {
                program_.strings_.push_back(std::make_unique<std::string>(t));
                c.values.push_back(make_constant(*program_.strings_.back()));
            }
            if (c.values.empty() && e.op != CompareOp::kIn && e.op != CompareOp::kIntersects &&
                e.op != CompareOp::kPmatch) {
                return error("operator '" + std::string(e.op_text) + "' needs a value");
            }
        }
    }
    if (ex.kind == FieldKind::kEvtType && c.lhs.transforms.empty() && !c.rhs_is_field &&
        c.modifier == rules::ast::Modifier::kNone &&
        (c.op == CompareOp::kEq || c.op == CompareOp::kNe || c.op == CompareOp::kIn ||
         c.op == CompareOp::kIntersects)) {
        std::bitset<KES_EVT_MAX> types;
        for (const auto& k : c.values) {
            const auto* info = event::find_event(k.text);
            if (info != nullptr && info->id < KES_EVT_MAX) {
                types.set(info->id);
            }
        }
        Node n;
        n.kind = NodeKind::kTypeIn;
        n.first = static_cast<uint32_t>(program_.type_sets_.size());
        n.count = c.op == CompareOp::kNe ? 1 : 0;
        program_.type_sets_.push_back(types);
        program_.nodes_.push_back(n);
        return static_cast<uint32_t>(program_.nodes_.size() - 1);
    }
    // Small sets are faster to scan than to hash (most upstream lists have a few items).
    if ((c.op == CompareOp::kIn || c.op == CompareOp::kIntersects) &&
        c.values.size() > kLinearSetMax) {
        for (const auto& k : c.values) {
            c.str_set.insert(k.text);
            if (k.has_num) {
                c.num_set.push_back(k.num);
            }
        }
        std::sort(c.num_set.begin(), c.num_set.end());
    }
    if (c.op == CompareOp::kRegex) {
        for (const auto& k : c.values) {
            RE2::Options opts;
            opts.set_log_errors(false);
            auto re = std::make_unique<RE2>(re2::StringPiece(k.text.data(), k.text.size()), opts);
            if (!re->ok()) {
                return error("invalid regex '" + std::string(k.text) + "': " + re->error());
            }
            c.regexes.push_back(std::move(re));
        }
    }
    if (c.op == CompareOp::kBContains || c.op == CompareOp::kBStartsWith) {
        for (const auto& k : c.values) {
            std::string bytes;
            if (!decode_hex(k.text, &bytes)) {
                return error("'" + std::string(k.text) + "' is not a hex byte string");
            }
            c.bytes.push_back(std::move(bytes));
        }
    }
    auto idx = static_cast<uint32_t>(program_.checks_.size());
    program_.checks_.push_back(std::move(c));
    program_.scratch_.resize(2 * program_.checks_.size());
    Node n;
    n.kind = NodeKind::kCheck;
    n.first = idx;
    program_.nodes_.push_back(n);
    return static_cast<uint32_t>(program_.nodes_.size() - 1);
}

base::Result<uint32_t> Compiler::node(const Expr& e) {
    std::string key = rules::ast::to_string(e);
    if (auto it = nodes_by_text_.find(key); it != nodes_by_text_.end()) {
        ++program_.nodes_[it->second].uses;
        return it->second;
    }
    uint32_t id = 0;
    switch (e.kind) {
    case ExprKind::kAnd:
    case ExprKind::kOr:
    case ExprKind::kNot: {
        std::vector<uint32_t> kids;
        for (const auto& child : e.children) {
            auto k = node(*child);
            if (!k) {
                return k.error();
            }
            kids.push_back(*k);
        }
        Node n;
        n.kind = e.kind == ExprKind::kAnd  ? NodeKind::kAnd
                 : e.kind == ExprKind::kOr ? NodeKind::kOr
                                           : NodeKind::kNot;
        n.first = static_cast<uint32_t>(program_.children_.size());
        n.count = static_cast<uint32_t>(kids.size());
        program_.children_.insert(program_.children_.end(), kids.begin(), kids.end());
        program_.nodes_.push_back(n);
        id = static_cast<uint32_t>(program_.nodes_.size() - 1);
        break;
    }
    case ExprKind::kIdentifier:
        return error("macro '" + e.identifier + "' was not expanded");
    case ExprKind::kCheck: {
        auto c = check(e);
        if (!c) {
            return c.error();
        }
        id = *c;
        break;
    }
    }
    program_.nodes_[id].uses = 1;
    nodes_by_text_.emplace(std::move(key), id);
    return id;
}

base::Result<uint32_t> Compiler::compile(const Expr& e) { return node(e); }

void Compiler::finish(const std::vector<uint32_t>& roots) {
    (void)roots;
    program_.memos_.clear();
    for (auto& n : program_.nodes_) {
        n.memo = -1;
        if (n.uses > 1) {
            n.memo = static_cast<int32_t>(program_.memos_.size());
            program_.memos_.emplace_back();
        }
    }
    program_.cstr_.reserve(8192);
    for (auto& s : program_.scratch_) {
        s.reserve(256);
    }
}

} // namespace kestrel::eval
