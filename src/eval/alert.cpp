#include "eval/alert.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>

#include "base/json_escape.hpp"
#include "rules/field_registry.hpp"
#include "rules/items.hpp"

namespace kestrel::eval {

namespace {

constexpr std::string_view kSyscallSource = "syscall";

bool matches(const AppendOutput& a, const rules::CompiledRule& r) {
    if (!a.source.empty() && a.source != r.source) {
        return false;
    }
    if (!a.rule.empty() && a.rule != r.name) {
        return false;
    }
    return std::all_of(a.tags.begin(), a.tags.end(),
                       [&](const std::string& t) { return r.tags.contains(t); });
}

// Falco's suggested output: ` <name with '.' as '_'>=%<name>` per field flagged
// EPF_FORMAT_SUGGESTED of the rule's source, in filtercheck-list order: the static fields (libs'
// sinsp_filter_check_static flags every one of them, and Falco registers them before plugin
// fields), then the container plugin's addOutput fields, which exist for syscall rules only.
std::string suggested_format(const OutputOptions& opt, bool syscall) {
    std::string out;
    auto add = [&](std::string_view field) {
        if (!out.empty()) {
            out.push_back(' ');
        }
        std::string name(field);
        std::replace(name.begin(), name.end(), '.', '_');
        out += name + "=%" + std::string(field);
    };
    for (const auto& [key, value] : opt.static_fields) {
        add("static." + key);
    }
    if (!syscall) {
        return out;
    }
    for (const auto& cls : rules::field_classes()) {
        for (const auto& f : cls.fields) {
            if (f.suggested_output) {
                add(f.name);
            }
        }
    }
    return out;
}

template <typename T> void append_int(std::string& out, T v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, r.ptr);
}

void append_json_value(std::string& out, const Alert& a, const AlertField& f) {
    switch (f.kind) {
    case JsonKind::kNull:
        out.append("null");
        break;
    case JsonKind::kInt:
        append_int(out, f.i);
        break;
    case JsonKind::kUint:
        append_int(out, f.u);
        break;
    case JsonKind::kBool:
        out.append(f.b ? "true" : "false");
        break;
    case JsonKind::kString:
        base::append_json_string(out, a.str(f));
        break;
    case JsonKind::kArray:
        break; // elements written by the caller
    }
}

} // namespace

std::string resolve_hostname() {
    if (const char* env = std::getenv("FALCO_HOSTNAME"); env != nullptr) {
        return env;
    }
    char buf[256] = {};
    if (gethostname(buf, sizeof(buf) - 1) != 0) {
        return {};
    }
    return buf;
}

base::Result<OutputFormatter> OutputFormatter::compile(const rules::CompiledRuleset& compiled,
                                                       OutputOptions options) {
    OutputFormatter of;
    of.compiled_ = &compiled;
    if (options.hostname.empty()) {
        options.hostname = resolve_hostname();
    }
    of.options_ = std::move(options);
    const OutputOptions& opt = of.options_;
    of.table_.set_static(opt.static_fields);

    // append_output formats are configuration: a bad one fails the load, as in Falco.
    for (const auto& a : opt.append_output) {
        if (!a.extra_output.empty()) {
            auto f = CompiledFormat::compile(a.extra_output, of.table_);
            if (!f) {
                return base::Error{base::ErrorCode::kInvalidArgument,
                                   "append_output: extra_output '" + a.extra_output +
                                       "': " + f.error().message};
            }
        }
        for (const auto& ef : a.extra_fields) {
            std::string err;
            if (ef.raw) {
                if (auto f = of.table_.add(ef.name); !f) {
                    err = f.error().message;
                }
            } else if (auto f = CompiledFormat::compile(ef.format, of.table_); !f) {
                err = f.error().message;
            }
            if (!err.empty()) {
                return base::Error{base::ErrorCode::kInvalidArgument,
                                   "append_output: extra field '" + ef.name + "': " + err};
            }
        }
    }

    const std::string suggested_syscall = suggested_format(opt, true);
    const std::string suggested_other = suggested_format(opt, false);
    const std::string time_key = opt.time_format_iso_8601 ? "evt.time.iso8601" : "evt.time";
    auto time_field = of.table_.add(time_key);
    if (!time_field) {
        return time_field.error();
    }

    of.outputs_.reserve(compiled.rules.size());
    for (const auto& r : compiled.rules) {
        RuleOutput ro;
        auto info = std::make_shared<AlertRule>();
        info->name = r.name;
        info->source = r.source;
        info->priority = r.priority;
        info->tags.assign(r.tags.begin(), r.tags.end()); // std::set: already sorted
        info->hostname = opt.hostname;
        ro.rule = std::move(info);

        ro.format = r.output;
        std::map<std::string, AppendOutput::ExtraField> extra;
        for (const auto& a : opt.append_output) {
            if (!matches(a, r)) {
                continue;
            }
            // Falco's configure_output_format(): the entry's extra_output, then one extra
            // format per suggested field.
            if (!a.extra_output.empty()) {
                ro.format += " " + a.extra_output;
            }
            const std::string& suggested =
                r.source == kSyscallSource ? suggested_syscall : suggested_other;
            if (a.suggested_output && !suggested.empty()) {
                ro.format += " " + suggested;
            }
            for (const auto& ef : a.extra_fields) {
                extra[ef.name] = ef;
            }
        }
        auto msg = CompiledFormat::compile(ro.format, of.table_);
        if (msg) {
            ro.message = std::move(*msg);
            for (const auto& u : ro.message.unsupported()) {
                of.issues_.push_back({r.name, "transformer not supported in outputs: " + u});
            }
        } else {
            of.issues_.push_back({r.name, msg.error().message});
            ro.message = CompiledFormat::literal(ro.format);
        }

        // nlohmann's object is a std::map: later assignments win, keys come out sorted.
        std::map<std::string, RuleOutput::JsonField> fields;
        using Kind = RuleOutput::JsonField::Kind;
        for (const auto& f : ro.message.fields()) {
            fields[f.key] = {f.key, Kind::kRaw, f.field, 0};
        }
        fields[time_key] = {time_key, Kind::kRaw, *time_field, 0};
        for (const auto& [name, ef] : extra) {
            if (ef.raw) {
                fields[name] = {name, Kind::kRaw, *of.table_.add(name), 0};
            } else {
                auto idx = static_cast<uint32_t>(ro.extra_formats.size());
                ro.extra_formats.push_back(*CompiledFormat::compile(ef.format, of.table_));
                fields[name] = {name, Kind::kFormatted, 0, idx};
            }
        }
        for (auto& [key, f] : fields) {
            ro.json_fields.push_back(std::move(f));
        }
        of.outputs_.push_back(std::move(ro));
    }
    return of;
}

const RuleOutput* OutputFormatter::output(const rules::CompiledRule& rule) const {
    const auto& rules = compiled_->rules;
    if (rules.empty() || &rule < rules.data() || &rule >= rules.data() + rules.size()) {
        return nullptr;
    }
    return &outputs_[static_cast<size_t>(&rule - rules.data())];
}

void OutputFormatter::build_alert(const rules::CompiledRule& rule, const event::View& evt,
                                  const state::Tables* state, uint64_t evt_num, uint64_t wall_ns,
                                  Alert& out) {
    out.data.clear();
    out.fields.clear();
    out.message_len = 0;
    out.wall_ns = wall_ns;
    const RuleOutput* ro = output(rule);
    if (ro == nullptr) {
        out.rule.reset();
        return;
    }
    out.rule = ro->rule;
    AlertContext ctx;
    ctx.eval.evt = &evt;
    ctx.eval.state = state;
    ctx.eval.evt_num = evt_num;
    ctx.wall_ns = wall_ns;
    ctx.hostname = ro->rule->hostname;
    ctx.source = ro->rule->source;
    table_.begin(ctx);

    ro->message.render(table_, ctx, out.data, scratch_);
    out.message_len = static_cast<uint32_t>(out.data.size());
    if (!options_.json_output || !options_.json_include_output_fields_property) {
        return;
    }
    using Kind = RuleOutput::JsonField::Kind;
    for (const auto& jf : ro->json_fields) {
        AlertField f;
        f.key_off = static_cast<uint32_t>(out.data.size());
        f.key_len = static_cast<uint32_t>(jf.key.size());
        out.data.append(jf.key);
        switch (jf.kind) {
        case Kind::kFormatted:
            f.kind = JsonKind::kString;
            f.str_off = static_cast<uint32_t>(out.data.size());
            ro->extra_formats[jf.format].render(table_, ctx, out.data, scratch_);
            f.str_len = static_cast<uint32_t>(out.data.size() - f.str_off);
            out.fields.push_back(f);
            break;
        case Kind::kRaw: {
            auto vals = table_.values(jf.field, ctx);
            if (vals.empty()) {
                f.kind = JsonKind::kNull;
                out.fields.push_back(f);
                break;
            }
            auto scalar = [&](AlertField& e, const Value& v) {
                e.str_off = static_cast<uint32_t>(out.data.size());
                e.kind = table_.json_scalar(jf.field, v, &e.i, &e.u, &e.b, out.data);
                e.str_len = static_cast<uint32_t>(out.data.size() - e.str_off);
            };
            if (!table_.is_list(jf.field)) {
                scalar(f, vals[0]);
                out.fields.push_back(f);
                break;
            }
            f.kind = JsonKind::kArray;
            f.count = static_cast<uint32_t>(vals.size());
            out.fields.push_back(f);
            for (const Value& v : vals) {
                AlertField e;
                scalar(e, v);
                out.fields.push_back(e);
            }
            break;
        }
        }
    }
}

void OutputFormatter::append_line(const Alert& alert, std::string& out) const {
    if (options_.json_output) {
        append_alert_json(alert, options_, out);
    } else {
        append_alert_text(alert, options_, out);
    }
}

void append_alert_text(const Alert& alert, const OutputOptions& options, std::string& out) {
    // Falco: prefix "*%evt.time: <Priority>" (or %evt.time.iso8601), one space, the message.
    // The prefix is plain ASCII: only the message can need escaping.
    append_event_time(options.time_format_iso_8601 ? ContextField::kEvtTimeIso
                                                   : ContextField::kEvtTime,
                      alert.wall_ns, out);
    out.append(": ");
    out.append(rules::priority_name(alert.rule != nullptr ? alert.rule->priority
                                                          : rules::Priority::kDebug));
    out.push_back(' ');
    base::append_json_escaped(out, alert.message());
}

void append_alert_json(const Alert& alert, const OutputOptions& options, std::string& out) {
    static const AlertRule no_rule;
    const AlertRule& r = alert.rule != nullptr ? *alert.rule : no_rule;
    out.append("{\"hostname\":");
    base::append_json_string(out, r.hostname);
    if (options.json_include_message_property) {
        out.append(",\"message\":");
        base::append_json_string(out, alert.message());
    }
    if (options.json_include_output_property) {
        out.append(R"(,"output":")");
        append_alert_text(alert, options, out);
        out.push_back('"');
    }
    if (options.json_include_output_fields_property) {
        out.append(",\"output_fields\":{");
        const auto& fs = alert.fields;
        bool first = true;
        for (size_t i = 0; i < fs.size(); ++i) {
            if (!first) {
                out.push_back(',');
            }
            first = false;
            base::append_json_string(out, alert.key(fs[i]));
            out.push_back(':');
            if (fs[i].kind != JsonKind::kArray) {
                append_json_value(out, alert, fs[i]);
                continue;
            }
            out.push_back('[');
            size_t n = fs[i].count;
            for (size_t k = 0; k < n && i + 1 < fs.size(); ++k) {
                ++i;
                if (k != 0) {
                    out.push_back(',');
                }
                append_json_value(out, alert, fs[i]);
            }
            out.push_back(']');
        }
        out.push_back('}');
    }
    out.append(",\"priority\":");
    base::append_json_string(out, rules::priority_name(r.priority));
    out.append(",\"rule\":");
    base::append_json_string(out, r.name);
    out.append(",\"source\":");
    base::append_json_string(out, r.source);
    if (options.json_include_tags_property) {
        out.append(",\"tags\":[");
        for (size_t i = 0; i < r.tags.size(); ++i) {
            if (i != 0) {
                out.push_back(',');
            }
            base::append_json_string(out, r.tags[i]);
        }
        out.push_back(']');
    }
    // Falco: strftime("%FT%T") of gmtime, then ".%09luZ".
    auto sec = static_cast<time_t>(alert.wall_ns / 1000000000ULL);
    struct tm tm {};
    gmtime_r(&sec, &tm);
    char buf[48];
    int n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ",
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                          tm.tm_sec, static_cast<unsigned>(alert.wall_ns % 1000000000ULL));
    out.append(R"(,"time":")");
    out.append(buf, static_cast<size_t>(n > 0 ? n : 0));
    out.append("\"}");
}

} // namespace kestrel::eval
