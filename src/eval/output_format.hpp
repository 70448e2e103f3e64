#pragma once
// Compiled output format strings (a rule's `output`, an `append_output` extra field): literal
// text and `%[width]field` / `%transformer(field)` tokens, parsed once at load time with their
// extractors bound, rendered per alert into a caller's buffer. Semantics are libs'
// sinsp_evt_formatter as Falco drives it (falco-compat.md §3): Falco always prepends `*`, so a
// missing value prints `<NA>`; a width pads with spaces or truncates to exactly that many bytes.
//
// Owned by the hot-path thread once compiled: rendering writes the field table's caches.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "eval/extractor.hpp"
#include "rules/ast.hpp"

namespace kestrel::eval {

// Fields whose value comes from the alert rather than from the record: the wall-clock time of the
// event (the record carries CLOCK_BOOTTIME), the host name, the rule's source, `static.*`.
enum class ContextField : uint8_t {
    kNone,
    kEvtTime,      // local HH:MM:SS.nnnnnnnnn
    kEvtTimeS,     // local HH:MM:SS
    kEvtTimeIso,   // YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000 (UTC)
    kEvtDatetime,  // local YYYY-MM-DD HH:MM:SS.nnnnnnnnn
    kEvtDatetimeS, // local YYYY-MM-DD HH:MM:SS
    kEvtRawtime,   // epoch ns
    kEvtRawtimeS,
    kEvtRawtimeNs,
    kEvtHostname,
    kEvtSource,
    kStatic, // static.<key> from `static_fields`
};

// What rendering needs besides the record.
struct AlertContext {
    EvalContext eval; // record, state, evt_num; epoch set by the FieldTable
    uint64_t wall_ns = 0;
    std::string_view hostname;
    std::string_view source;
};

// One typed output value as Falco's JSON writer would emit it (libs rawval_to_json).
enum class JsonKind : uint8_t { kNull, kInt, kUint, kBool, kString, kArray };

// The distinct field references of every compiled format share one table: a field used by many
// rules has one extractor and one per-alert cache slot.
class FieldTable {
  public:
    FieldTable() = default;
    FieldTable(const FieldTable&) = delete;
    FieldTable& operator=(const FieldTable&) = delete;
    FieldTable(FieldTable&&) = default;
    FieldTable& operator=(FieldTable&&) = default;

    // `ref` as written ("proc.aname[2]", "evt.arg.flags", "static.env"). Fails for unknown
    // fields, filter-only fields and undefined static fields.
    base::Result<uint32_t> add(std::string_view ref);
    void set_static(std::vector<std::pair<std::string, std::string>> values) {
        statics_ = std::move(values);
    }

    // Starts a new alert: every cache is stale afterwards.
    void begin(AlertContext& ctx) { ctx.eval.epoch = ++epoch_; }
    // The field's values for the alert in `ctx` (empty: absent).
    std::span<const Value> values(uint32_t field, const AlertContext& ctx);
    // Appends the text form (`<NA>` when absent; list fields as `(a,b)`).
    void append_text(uint32_t field, const AlertContext& ctx, std::string& out);
    // Appends one value in the text form of field `field`.
    void append_value_text(uint32_t field, const Value& v, std::string& out) const;
    // The JSON form of one of the field's values: numbers in *i / *u / *b, text (strings,
    // addresses, hex/octal/padded numbers) appended to `text`.
    JsonKind json_scalar(uint32_t field, const Value& v, int64_t* i, uint64_t* u, bool* b,
                         std::string& text) const;
    // List fields (EPF_IS_LIST) are JSON arrays.
    [[nodiscard]] bool is_list(uint32_t field) const;

    [[nodiscard]] size_t size() const { return entries_.size(); }
    [[nodiscard]] std::string_view ref(uint32_t field) const { return entries_[field].ref; }

  private:
    struct Entry {
        std::string ref;
        const rules::FieldInfo* info = nullptr;
        ContextField context = ContextField::kNone;
        uint32_t static_index = 0;
        Extractor extractor;
        Slot slot;
    };
    std::vector<Entry> entries_;
    std::vector<std::pair<std::string, std::string>> statics_;
    uint64_t epoch_ = 0;
};

// One token of a compiled format.
struct FormatToken {
    std::string literal;                             // text before the field (may be empty)
    int32_t field = -1;                              // FieldTable index; -1 for a trailing literal
    uint32_t width = 0;                              // 0: as is
    std::vector<rules::ast::Transformer> transforms; // innermost first
    bool unsupported = false; // a transformer Kestrel cannot apply: always `<NA>`
};

// A JSON output field of a format: the field as written (transformer tokens are not keys, their
// inner fields are, untransformed: Falco never enables resolve_transformed_fields).
struct FormatField {
    std::string key;
    uint32_t field = 0;
};

// Transformer results between tokens (reused: no allocation once grown).
struct RenderScratch {
    std::string text;
    std::string b64;
};

class CompiledFormat {
  public:
    // A leading `*` is the libs "print <NA>" flag, not text.
    static base::Result<CompiledFormat> compile(std::string_view format, FieldTable& table);
    // A format that prints `text` as is (the fallback for an output that does not compile).
    static CompiledFormat literal(std::string_view text);

    // Appends the rendered text to `out`.
    void render(FieldTable& table, const AlertContext& ctx, std::string& out,
                RenderScratch& scratch) const;

    [[nodiscard]] const std::vector<FormatField>& fields() const { return fields_; }
    [[nodiscard]] const std::vector<FormatToken>& tokens() const { return tokens_; }
    // Tokens with a transformer Kestrel cannot apply (rendered `<NA>`), for diagnostics.
    [[nodiscard]] const std::vector<std::string>& unsupported() const { return unsupported_; }

  private:
    std::vector<FormatToken> tokens_;
    std::vector<FormatField> fields_;
    std::vector<std::string> unsupported_;
};

// Appends the text form of a time field (kEvtTime ... kEvtDatetimeS) of `wall_ns`; local time
// as libs' ts_to_string, UTC with "+0000" as ts_to_iso_8601.
void append_event_time(ContextField kind, uint64_t wall_ns, std::string& out);

} // namespace kestrel::eval
