#include "eval/output_format.hpp"
#include "eval/base64.hpp"

#include <arpa/inet.h>
#include <cctype>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "rules/condition_parser.hpp"
#include "rules/field_registry.hpp"

namespace kestrel::eval {

namespace {

using rules::DisplayFormat;
using rules::FieldType;
using rules::ast::Operand;
using rules::ast::OperandKind;
using rules::ast::Transformer;

constexpr std::string_view kNotAvailable = "<NA>";
constexpr uint64_t kNsPerSec = 1000000000ULL;

base::Error error(std::string msg) {
    return base::Error{base::ErrorCode::kInvalidArgument, std::move(msg)};
}

struct NamedContext {
    std::string_view name;
    ContextField kind;
};

constexpr NamedContext kContextFields[] = {
    {"evt.time", ContextField::kEvtTime},
    {"evt.time.s", ContextField::kEvtTimeS},
    {"evt.time.iso8601", ContextField::kEvtTimeIso},
    {"evt.datetime", ContextField::kEvtDatetime},
    {"evt.datetime.s", ContextField::kEvtDatetimeS},
    {"evt.rawtime", ContextField::kEvtRawtime},
    {"evt.rawtime.s", ContextField::kEvtRawtimeS},
    {"evt.rawtime.ns", ContextField::kEvtRawtimeNs},
    {"evt.hostname", ContextField::kEvtHostname},
    {"evt.source", ContextField::kEvtSource},
};

constexpr std::string_view kStaticPrefix = "static.";

bool is_time_text(ContextField k) {
    return k == ContextField::kEvtTime || k == ContextField::kEvtTimeS ||
           k == ContextField::kEvtTimeIso || k == ContextField::kEvtDatetime ||
           k == ContextField::kEvtDatetimeS;
}

bool is_numeric_type(FieldType t) {
    switch (t) {
    case FieldType::kInt8:
    case FieldType::kInt16:
    case FieldType::kInt32:
    case FieldType::kInt64:
    case FieldType::kUint8:
    case FieldType::kUint16:
    case FieldType::kUint32:
    case FieldType::kUint64:
    case FieldType::kDouble:
    case FieldType::kPort:
    case FieldType::kL4Proto:
    case FieldType::kRelTime:
    case FieldType::kAbsTime:
    case FieldType::kErrno:
    case FieldType::kFd:
    case FieldType::kPid:
    case FieldType::kUid:
    case FieldType::kGid:
    case FieldType::kFlags8:
    case FieldType::kFlags16:
    case FieldType::kFlags32:
    case FieldType::kEnumFlags8:
    case FieldType::kEnumFlags16:
    case FieldType::kEnumFlags32:
    case FieldType::kMode:
    case FieldType::kSyscallId:
    case FieldType::kSigType:
        return true;
    default:
        return false;
    }
}

void append_number(std::string& out, const Value& v, DisplayFormat f) {
    char buf[32];
    int n = 0;
    // libs rawval_to_string: PRIX (upper-case hex, no prefix), PRIo, "%09" for padded decimals.
    switch (f) {
    case DisplayFormat::kHex:
        n = std::snprintf(buf, sizeof(buf), "%" PRIX64, v.u);
        break;
    case DisplayFormat::kOct:
        n = std::snprintf(buf, sizeof(buf), "%" PRIo64, v.u);
        break;
    case DisplayFormat::kPaddedDec:
        n = v.kind == ValueKind::kInt ? std::snprintf(buf, sizeof(buf), "%09" PRId64, v.i)
                                      : std::snprintf(buf, sizeof(buf), "%09" PRIu64, v.u);
        break;
    default:
        n = v.kind == ValueKind::kInt ? std::snprintf(buf, sizeof(buf), "%" PRId64, v.i)
                                      : std::snprintf(buf, sizeof(buf), "%" PRIu64, v.u);
        break;
    }
    out.append(buf, static_cast<size_t>(n > 0 ? n : 0));
}

void append_plain(std::string& out, const Value& v, DisplayFormat f) {
    switch (v.kind) {
    case ValueKind::kAbsent:
        out.append(kNotAvailable);
        return;
    case ValueKind::kString:
        out.append(v.s);
        return;
    case ValueKind::kInt:
    case ValueKind::kUint:
        append_number(out, v, f);
        return;
    case ValueKind::kBool:
        out.append(v.b ? "true" : "false");
        return;
    case ValueKind::kIp: {
        char buf[INET6_ADDRSTRLEN];
        if (inet_ntop(v.ip.family == 4 ? AF_INET : AF_INET6, v.ip.bytes.data(), buf, sizeof(buf)) !=
            nullptr) {
            out.append(buf);
        } else {
            out.append(kNotAvailable);
        }
        return;
    }
    }
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// libs' field-name grammar: components [A-Za-z_][A-Za-z0-9_]* joined by '.', so a dot that ends
// a sentence ("%proc.name.") stays text.
size_t scan_field_name(std::string_view s, size_t at) {
    auto ident_start = [](char c) {
        return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
    };
    auto ident_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    };
    size_t i = at;
    if (i >= s.size() || !ident_start(s[i])) {
        return 0;
    }
    while (i < s.size() && ident_char(s[i])) {
        ++i;
    }
    while (i + 1 < s.size() && s[i] == '.' && ident_char(s[i + 1])) {
        ++i;
        while (i < s.size() && ident_char(s[i])) {
            ++i;
        }
    }
    return i - at;
}

bool known_context(std::string_view ref) {
    if (ref.starts_with(kStaticPrefix) && ref.size() > kStaticPrefix.size()) {
        return true;
    }
    for (const auto& c : kContextFields) {
        if (c.name == ref) {
            return true;
        }
    }
    return false;
}

bool known_output_field(std::string_view ref) {
    if (known_context(ref)) {
        return true;
    }
    const rules::FieldInfo* f = rules::find_field(ref);
    return f != nullptr && f->provider != "legacy";
}

// The length of a transformer call starting at `at` ("tolower(proc.name)" with an optional
// "[x]"), or 0 when the text there is not one.
size_t transformer_length(std::string_view s, size_t at) {
    size_t name_end = at;
    while (name_end < s.size() &&
           (std::isalnum(static_cast<unsigned char>(s[name_end])) != 0 || s[name_end] == '_')) {
        ++name_end;
    }
    if (name_end == at || name_end >= s.size() || s[name_end] != '(') {
        return 0;
    }
    Transformer t{};
    if (!rules::ast::parse_transformer_name(s.substr(at, name_end - at), &t)) {
        return 0;
    }
    int depth = 0;
    char quote = 0;
    for (size_t i = name_end; i < s.size(); ++i) {
        char c = s[i];
        if (quote != 0) {
            if (c == '\\') {
                ++i;
            } else if (c == quote) {
                quote = 0;
            }
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')' && --depth == 0) {
            size_t end = i + 1;
            if (end < s.size() && s[end] == '[') {
                size_t close = s.find(']', end);
                if (close != std::string_view::npos) {
                    end = close + 1;
                }
            }
            return end - at;
        }
    }
    return 0;
}

std::string operand_ref(const Operand& o) {
    std::string ref = o.field;
    if (o.has_arg) {
        ref += "[" + o.arg + "]";
    }
    return ref;
}

// Walks a transformer operand: the chain of single-argument transformers down to one field
// (innermost first in `chain`), and every field it mentions (JSON keys). `ok` stays true only for
// the forms the evaluator can apply.
void walk_transformer(const Operand& o, std::vector<Transformer>& chain,
                      std::vector<std::string>& fields, std::string& inner, bool& ok) {
    if (o.kind == OperandKind::kField) {
        fields.push_back(operand_ref(o));
        if (inner.empty()) {
            inner = fields.back();
        }
        return;
    }
    if (o.kind != OperandKind::kTransformer) {
        ok = false;
        return;
    }
    switch (o.transformer) {
    case Transformer::kToLower:
    case Transformer::kToUpper:
    case Transformer::kB64:
    case Transformer::kBasename:
    case Transformer::kLen:
        break;
    default:
        ok = false;
        break;
    }
    if (o.args.size() != 1 || o.has_arg) {
        ok = false;
    }
    for (const auto& a : o.args) {
        walk_transformer(a, chain, fields, inner, ok);
    }
    chain.push_back(o.transformer);
}

} // namespace

void append_event_time(ContextField kind, uint64_t wall_ns, std::string& out) {
    auto sec = static_cast<time_t>(wall_ns / kNsPerSec);
    auto nsec = static_cast<unsigned>(wall_ns % kNsPerSec);
    struct tm tm {};
    char buf[64];
    int n = 0;
    if (kind == ContextField::kEvtTimeIso) {
        gmtime_r(&sec, &tm);
        n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09u+0000",
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                          tm.tm_sec, nsec);
    } else {
        localtime_r(&sec, &tm);
        bool date = kind == ContextField::kEvtDatetime || kind == ContextField::kEvtDatetimeS;
        bool ns = kind == ContextField::kEvtTime || kind == ContextField::kEvtDatetime;
        if (date) {
            n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d ", tm.tm_year + 1900, tm.tm_mon + 1,
                              tm.tm_mday);
        }
        n += ns ? std::snprintf(buf + n, sizeof(buf) - static_cast<size_t>(n),
                                "%02d:%02d:%02d.%09u", tm.tm_hour, tm.tm_min, tm.tm_sec, nsec)
                : std::snprintf(buf + n, sizeof(buf) - static_cast<size_t>(n), "%02d:%02d:%02d",
                                tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    out.append(buf, static_cast<size_t>(n > 0 ? n : 0));
}

base::Result<uint32_t> FieldTable::add(std::string_view ref) {
    for (size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].ref == ref) {
            return static_cast<uint32_t>(i);
        }
    }
    Entry e;
    e.ref = std::string(ref);
    if (ref.starts_with(kStaticPrefix)) {
        auto key = ref.substr(kStaticPrefix.size());
        bool found = false;
        for (size_t i = 0; i < statics_.size(); ++i) {
            if (statics_[i].first == key) {
                e.static_index = static_cast<uint32_t>(i);
                found = true;
            }
        }
        if (!found) {
            return error("invalid formatting token " + std::string(ref) + ": no such static field");
        }
        e.context = ContextField::kStatic;
    } else {
        for (const auto& c : kContextFields) {
            if (c.name == ref) {
                e.context = c.kind;
            }
        }
        e.info = rules::find_field(ref);
        if (e.info == nullptr || e.info->provider == "legacy") {
            if (e.context == ContextField::kNone) {
                return error("invalid formatting token " + std::string(ref));
            }
        } else if (!e.info->output_allowed) {
            // libs: "<field> is filter only and cannot be used as a display field".
            return error(std::string(ref) +
                         " is filter only and cannot be used as a display field");
        }
        if (e.context == ContextField::kNone) {
            auto split = rules::split_field_ref(ref);
            auto ex = make_extractor(*e.info, split.arg, split.has_arg);
            if (!ex) {
                return ex.error();
            }
            e.extractor = std::move(*ex);
            prepare_slot(e.extractor, e.slot);
        }
    }
    entries_.push_back(std::move(e));
    return static_cast<uint32_t>(entries_.size() - 1);
}

std::span<const Value> FieldTable::values(uint32_t field, const AlertContext& ctx) {
    Entry& e = entries_[field];
    Slot& slot = e.slot;
    if (e.context == ContextField::kNone) {
        extract(e.extractor, ctx.eval, slot);
        return slot.view();
    }
    if (slot.epoch == ctx.eval.epoch) {
        return slot.view();
    }
    slot.epoch = ctx.eval.epoch;
    slot.count = 1;
    switch (e.context) {
    case ContextField::kEvtRawtime:
        slot.values[0] = Value::of_uint(ctx.wall_ns);
        break;
    case ContextField::kEvtRawtimeS:
        slot.values[0] = Value::of_uint(ctx.wall_ns / kNsPerSec);
        break;
    case ContextField::kEvtRawtimeNs:
        slot.values[0] = Value::of_uint(ctx.wall_ns % kNsPerSec);
        break;
    case ContextField::kEvtHostname:
        slot.values[0] = Value::of_string(ctx.hostname);
        break;
    case ContextField::kEvtSource:
        slot.values[0] = Value::of_string(ctx.source);
        break;
    case ContextField::kStatic:
        slot.values[0] = Value::of_string(statics_[e.static_index].second);
        break;
    default:
        // Time strings: the value is the wall-clock ns (their JSON form, libs extract_as_js);
        // append_value_text() renders the text.
        slot.values[0] = Value::of_int(static_cast<int64_t>(ctx.wall_ns));
        break;
    }
    return slot.view();
}

bool FieldTable::is_list(uint32_t field) const {
    const Entry& e = entries_[field];
    return e.info != nullptr && e.info->is_list;
}

void FieldTable::append_value_text(uint32_t field, const Value& v, std::string& out) const {
    const Entry& e = entries_[field];
    if (is_time_text(e.context) && v.kind == ValueKind::kInt) {
        append_event_time(e.context, static_cast<uint64_t>(v.i), out);
        return;
    }
    append_plain(out, v, e.info != nullptr ? e.info->format : DisplayFormat::kDec);
}

void FieldTable::append_text(uint32_t field, const AlertContext& ctx, std::string& out) {
    auto vals = values(field, ctx);
    if (vals.empty()) {
        out.append(kNotAvailable);
        return;
    }
    if (!is_list(field)) {
        append_value_text(field, vals[0], out);
        return;
    }
    // libs tostring() of an EPF_IS_LIST field.
    out.push_back('(');
    for (size_t i = 0; i < vals.size(); ++i) {
        if (i != 0) {
            out.push_back(',');
        }
        append_value_text(field, vals[i], out);
    }
    out.push_back(')');
}

JsonKind FieldTable::json_scalar(uint32_t field, const Value& v, int64_t* i, uint64_t* u, bool* b,
                                 std::string& text) const {
    const Entry& e = entries_[field];
    if (v.kind == ValueKind::kAbsent) {
        return JsonKind::kNull;
    }
    if (e.context != ContextField::kNone && v.numeric()) {
        // libs extract_as_js: every time field is an Int64 in JSON.
        *i = v.kind == ValueKind::kInt ? v.i : static_cast<int64_t>(v.u);
        return JsonKind::kInt;
    }
    if (v.kind == ValueKind::kBool) {
        *b = v.b;
        return JsonKind::kBool;
    }
    FieldType type = e.info != nullptr ? e.info->type : FieldType::kString;
    DisplayFormat fmt = e.info != nullptr ? e.info->format : DisplayFormat::kDec;
    bool numeric_field = type == FieldType::kDynamic || is_numeric_type(type);
    if (v.numeric() && numeric_field && fmt != DisplayFormat::kHex && fmt != DisplayFormat::kOct &&
        fmt != DisplayFormat::kPaddedDec) {
        if (v.kind == ValueKind::kInt) {
            *i = v.i;
            return JsonKind::kInt;
        }
        *u = v.u;
        return JsonKind::kUint;
    }
    append_plain(text, v, fmt);
    return JsonKind::kString;
}

base::Result<CompiledFormat> CompiledFormat::compile(std::string_view format, FieldTable& table) {
    CompiledFormat cf;
    if (format.starts_with('*')) {
        format.remove_prefix(1);
    }
    std::string literal;
    size_t j = 0;
    while (j < format.size()) {
        if (format[j] != '%') {
            literal.push_back(format[j]);
            ++j;
            continue;
        }
        const size_t token_start = j + 1;
        if (token_start >= format.size()) {
            return error("invalid formatting syntax: formatting cannot end with a %");
        }
        size_t k = token_start;
        uint32_t width = 0;
        while (k < format.size() && std::isdigit(static_cast<unsigned char>(format[k])) != 0) {
            width = width * 10 + static_cast<uint32_t>(format[k] - '0');
            ++k;
        }
        if (k >= format.size()) {
            return error("invalid formatting syntax: formatting cannot end with a number");
        }
        FormatToken tok;
        tok.literal = std::move(literal);
        literal.clear();
        tok.width = width;
        if (size_t n = transformer_length(format, k); n != 0) {
            std::string text(format.substr(k, n));
            auto parsed = rules::parse_condition(text + " exists");
            if (!parsed.ok() || parsed.expr->kind != rules::ast::ExprKind::kCheck ||
                parsed.expr->lhs.kind != OperandKind::kTransformer) {
                return error("invalid formatting token " + std::string(format.substr(k)));
            }
            std::vector<std::string> inner_fields;
            std::string inner;
            bool ok = true;
            walk_transformer(parsed.expr->lhs, tok.transforms, inner_fields, inner, ok);
            for (const auto& f : inner_fields) {
                auto idx = table.add(f);
                if (!idx) {
                    return idx.error();
                }
                cf.fields_.push_back({f, *idx});
            }
            if (inner.empty()) {
                ok = false;
            } else {
                tok.field = static_cast<int32_t>(*table.add(inner));
            }
            if (!ok) {
                tok.unsupported = true;
                tok.transforms.clear();
                cf.unsupported_.push_back(text);
            }
            cf.tokens_.push_back(std::move(tok));
            j = k + n;
            continue;
        }
        size_t name_len = scan_field_name(format, k);
        std::string_view name = format.substr(k, name_len);
        std::string_view ref = name;
        if (name_len != 0 && k + name_len < format.size() && format[k + name_len] == '[') {
            size_t close = format.find(']', k + name_len);
            if (close != std::string_view::npos) {
                ref = format.substr(k, close + 1 - k);
            }
        }
        // Longest prefix that is a field (libs retries shorter prefixes until one compiles).
        while (!ref.empty() && !known_output_field(ref)) {
            if (ref.back() == ']') {
                ref = name;
                continue;
            }
            auto dot = ref.rfind('.');
            if (dot == std::string_view::npos) {
                ref = {};
                break;
            }
            ref = ref.substr(0, dot);
            name = ref;
        }
        if (ref.empty()) {
            return error("invalid formatting token " + std::string(format.substr(token_start)));
        }
        auto idx = table.add(ref);
        if (!idx) {
            return idx.error();
        }
        tok.field = static_cast<int32_t>(*idx);
        cf.fields_.push_back({std::string(ref), *idx});
        cf.tokens_.push_back(std::move(tok));
        j = k + ref.size();
    }
    if (!literal.empty()) {
        FormatToken tail;
        tail.literal = std::move(literal);
        cf.tokens_.push_back(std::move(tail));
    }
    return cf;
}

CompiledFormat CompiledFormat::literal(std::string_view text) {
    CompiledFormat cf;
    FormatToken tok;
    tok.literal = std::string(text);
    cf.tokens_.push_back(std::move(tok));
    return cf;
}

void CompiledFormat::render(FieldTable& table, const AlertContext& ctx, std::string& out,
                            RenderScratch& scratch) const {
    for (const auto& tok : tokens_) {
        out.append(tok.literal);
        if (tok.field < 0 && !tok.unsupported) {
            continue; // trailing literal
        }
        size_t start = out.size();
        auto field = static_cast<uint32_t>(tok.field);
        if (tok.unsupported) {
            out.append(kNotAvailable);
        } else if (tok.transforms.empty()) {
            table.append_text(field, ctx, out);
        } else {
            auto vals = table.values(field, ctx);
            Value v = vals.empty() ? Value{} : vals[0];
            // Transformers apply to the first value, as in the evaluator; `len` of a list counts
            // its values.
            for (Transformer t : tok.transforms) {
                if (v.kind == ValueKind::kAbsent) {
                    break;
                }
                switch (t) {
                case Transformer::kToLower:
                case Transformer::kToUpper:
                    if (v.kind != ValueKind::kString) {
                        v = Value{};
                        break;
                    }
                    if (v.s.data() != scratch.text.data()) {
                        scratch.text.assign(v.s);
                    }
                    for (char& c : scratch.text) {
                        c = t == Transformer::kToLower ? lower(c) : upper(c);
                    }
                    v = Value::of_string(scratch.text);
                    break;
                case Transformer::kBasename: {
                    if (v.kind != ValueKind::kString) {
                        v = Value{};
                        break;
                    }
                    auto pos = v.s.rfind('/');
                    if (pos != std::string_view::npos) {
                        v.s = v.s.substr(pos + 1);
                    }
                    break;
                }
                case Transformer::kLen:
                    v = Value::of_uint(v.kind == ValueKind::kString ? v.s.size() : vals.size());
                    break;
                case Transformer::kB64: {
                    // The input may live in scratch.text: decode into scratch.b64, then swap.
                    if (v.kind != ValueKind::kString || !b64_decode(v.s, scratch.b64)) {
                        v = Value{};
                        break;
                    }
                    scratch.text.swap(scratch.b64);
                    v = Value::of_string(scratch.text);
                    break;
                }
                default:
                    v = Value{};
                    break;
                }
            }
            if (v.kind == ValueKind::kAbsent) {
                out.append(kNotAvailable);
            } else {
                append_plain(out, v, DisplayFormat::kDec);
            }
        }
        if (tok.width != 0) {
            // libs: std::string::resize(width, ' ').
            out.resize(start + tok.width, ' ');
        }
    }
}

} // namespace kestrel::eval
