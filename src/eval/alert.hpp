#pragma once
// Alerts: what a rule match becomes, and its two delivery shapes, exactly as Falco prints them
// (falco-compat.md §3):
//
//   text  13:05:11.123456789: Warning Sensitive file opened ... (line JSON-escaped, no quotes)
//   JSON  {"hostname":..,"output":..,"output_fields":{..},"priority":..,"rule":..,"source":..,
//          "tags":[..],"time":"2024-05-31T13:05:11.123456789Z"}   (keys sorted, as nlohmann)
//
// OutputFormatter compiles every rule's output once (append_output and static_fields applied,
// extractors bound); build_alert() runs on the hot-path thread when a rule matches and renders
// into the Alert's own buffers; append_alert_line() runs wherever the sinks run.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "eval/output_format.hpp"
#include "rules/ruleset.hpp"

namespace kestrel::eval {

// One `append_output` entry of falco.yaml. Match keys left empty match every rule; all given
// keys must match (tags: every listed tag present on the rule).
struct AppendOutput {
    std::string source;
    std::vector<std::string> tags;
    std::string rule;
    std::string extra_output; // appended to the text, after one space
    // `extra_fields` items, JSON only: `{name: format}` (raw false: the rendered text, a string)
    // or a bare `field` (raw true: the typed value under the field's own name).
    struct ExtraField {
        std::string name;
        std::string format;
        bool raw = false;
    };
    std::vector<ExtraField> extra_fields;
    // Appends ` <field_with_underscores>=%<field>` for every suggested field: each static field
    // (`static_k=%static.k`), then, for syscall rules, the registry's suggested_output fields
    // (`container_id=%container.id container_name=%container.name`).
    bool suggested_output = false;
};

// The output keys of falco.yaml (§6), with Falco's code defaults. The daemon maps its config.
struct OutputOptions {
    bool json_output = false;
    bool json_include_output_property = true;
    bool json_include_message_property = false;
    bool json_include_output_fields_property = true;
    bool json_include_tags_property = true;
    bool time_format_iso_8601 = false;
    std::string hostname; // empty: resolve_hostname()
    std::vector<AppendOutput> append_output;
    // `static_fields: {k: v}`: fields `static.k` (strings) usable in formats, and suggested
    // fields (libs' static filterchecks are EPF_FORMAT_SUGGESTED): `suggested_output` appends
    // them to outputs. In the order written (keys unique).
    std::vector<std::pair<std::string, std::string>> static_fields;
};

// $FALCO_HOSTNAME when set, else gethostname() (Falco's rule).
std::string resolve_hostname();

// The parts of an alert fixed when the rules load; shared by every alert of the rule (copying
// the pointer is the only cost per alert), and alive as long as any alert refers to it, so a
// reload never leaves queued alerts dangling.
struct AlertRule {
    std::string name;
    std::string source;
    rules::Priority priority = rules::Priority::kDebug;
    std::vector<std::string> tags; // sorted
    std::string hostname;
};

// One typed value of output_fields. Strings live in Alert::data.
struct AlertField {
    uint32_t key_off = 0;
    uint32_t key_len = 0; // 0 for array elements
    JsonKind kind = JsonKind::kNull;
    uint32_t count = 0; // kArray: the number of elements that follow
    int64_t i = 0;
    uint64_t u = 0;
    bool b = false;
    uint32_t str_off = 0;
    uint32_t str_len = 0;
};

struct Alert {
    std::shared_ptr<const AlertRule> rule;
    uint64_t wall_ns = 0; // event time, ns since the epoch
    // data[0, message_len) is the rendered rule output (Falco's `message`), raw bytes; the
    // strings of `fields` follow.
    std::string data;
    uint32_t message_len = 0;
    // output_fields sorted by key (the prefix time field included), filled only when the JSON
    // form includes them (json_output and json_include_output_fields_property).
    std::vector<AlertField> fields;

    [[nodiscard]] std::string_view message() const { return {data.data(), message_len}; }
    [[nodiscard]] std::string_view key(const AlertField& f) const {
        return {data.data() + f.key_off, f.key_len};
    }
    [[nodiscard]] std::string_view str(const AlertField& f) const {
        return {data.data() + f.str_off, f.str_len};
    }
};

// A compiled rule output: the message format and the output_fields plan.
struct RuleOutput {
    std::shared_ptr<const AlertRule> rule;
    std::string format; // the rule output with append_output applied
    CompiledFormat message;
    // Sorted by key, unique: a raw field (typed) or a formatted extra field (string).
    struct JsonField {
        std::string key;
        enum class Kind : uint8_t { kRaw, kFormatted } kind = Kind::kRaw;
        uint32_t field = 0;  // kRaw: FieldTable index
        uint32_t format = 0; // kFormatted: index in RuleOutput::extra_formats
    };
    std::vector<JsonField> json_fields;
    std::vector<CompiledFormat> extra_formats;
};

struct OutputIssue {
    std::string rule;
    std::string message;
};

class OutputFormatter {
  public:
    // Compiles the output of every rule of `compiled` (which must outlive the formatter). An
    // invalid append_output format is an error (Falco refuses to start); a rule whose output
    // uses a transformer Kestrel cannot apply gets `<NA>` there and an issue.
    static base::Result<OutputFormatter> compile(const rules::CompiledRuleset& compiled,
                                                 OutputOptions options);

    OutputFormatter(OutputFormatter&&) = default;
    OutputFormatter& operator=(OutputFormatter&&) = default;

    // Renders the alert of `rule` (an element of the CompiledRuleset given to compile()) for the
    // record `evt` into `out`, reusing its buffers. `evt_num` is evt.num; `wall_ns` the event's
    // wall-clock time (live events: ts_ns() + base::boot_to_wall_offset_ns()).
    void build_alert(const rules::CompiledRule& rule, const event::View& evt,
                     const state::Tables* state, uint64_t evt_num, uint64_t wall_ns, Alert& out);

    // Appends the alert's line (text or JSON per options, no newline).
    void append_line(const Alert& alert, std::string& out) const;

    [[nodiscard]] const OutputOptions& options() const { return options_; }
    [[nodiscard]] const RuleOutput* output(const rules::CompiledRule& rule) const;
    [[nodiscard]] const std::vector<OutputIssue>& issues() const { return issues_; }
    [[nodiscard]] const FieldTable& fields() const { return table_; }

  private:
    OutputFormatter() = default;

    const rules::CompiledRuleset* compiled_ = nullptr;
    OutputOptions options_;
    FieldTable table_;
    std::vector<RuleOutput> outputs_; // parallel to compiled_->rules
    std::vector<OutputIssue> issues_;
    RenderScratch scratch_;
    std::string text_; // extra-field rendering
};

// The text line: `<time>: <Priority> <message>`, JSON-escaped without quotes.
void append_alert_text(const Alert& alert, const OutputOptions& options, std::string& out);
// The JSON line (one object, keys sorted, compact).
void append_alert_json(const Alert& alert, const OutputOptions& options, std::string& out);

} // namespace kestrel::eval
