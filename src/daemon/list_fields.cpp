#include "daemon/list_fields.hpp"

#include <cctype>
#include <cstdio>
#include <set>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "event/gen/events.hpp"
#include "rules/field_registry.hpp"

namespace kestrel::daemon {
namespace {

// libs filter_fieldclass_info: names in a 30-column left block, descriptions wrapped at 120.
constexpr size_t kRightBlockStart = 30;
constexpr size_t kWidth = 120;
constexpr std::string_view kSyscallSource = "syscall";

// One listed class, as libs' check_infos_to_fieldclass_infos() builds it.
struct ListedField {
    std::string name;
    std::string type;
    std::string desc;
    bool is_list = false;
    bool deprecated = false;
    std::set<std::string> tags; // sorted, as libs' std::set
};

struct ListedClass {
    std::string name;
    std::string shortdesc;
    std::string desc;
    std::vector<ListedField> fields;
};

// Falco registers two "evt" classes told apart by their short description; Kestrel's registry
// says which one by the sources it applies to.
std::string short_description(const rules::FieldClass& cls) {
    if (cls.name != "evt") {
        return "";
    }
    return cls.event_sources == "all" ? "All event types" : "Syscall events only";
}

bool is_legacy(const rules::FieldClass& cls) {
    return !cls.fields.empty() && cls.fields.front().provider == "legacy";
}

std::vector<ListedClass> listed_classes() {
    std::vector<ListedClass> out;
    for (const rules::FieldClass& cls : rules::field_classes()) {
        // Classes current libs no longer registers (syslog, span, evtin) are not listed by
        // Falco; a class made only of table-only fields is libs' FL_HIDDEN (utils).
        bool all_hidden = true;
        for (const auto& f : cls.fields) {
            all_hidden = all_hidden && f.hidden;
        }
        if (is_legacy(cls) || all_hidden) {
            continue;
        }
        ListedClass listed{
            std::string(cls.name), short_description(cls), std::string(cls.description), {}};
        for (const rules::FieldInfo& f : cls.fields) {
            // EPF_PRINT_ONLY fields are left out of the listing; EPF_TABLE_ONLY ones are
            // dropped when printing (is_skippable), which comes to the same.
            if (!f.filter_allowed || f.hidden) {
                continue;
            }
            ListedField field{std::string(f.name),
                              std::string(rules::field_type_name(f.type)),
                              std::string(f.description),
                              f.is_list,
                              f.deprecated,
                              {}};
            if (!f.output_allowed) {
                field.tags.insert("FILTER_ONLY");
            }
            if (f.deprecated) {
                field.tags.insert("EPF_DEPRECATED");
            }
            if (!f.rhs_allowed) {
                field.tags.insert("EPF_NO_RHS");
            }
            if (!f.transformer_allowed) {
                field.tags.insert("EPF_NO_TRANSFORMER");
            }
            if (f.arg_mode == rules::ArgMode::kRequired) {
                field.tags.insert("ARG_REQUIRED");
            } else if (f.arg_mode == rules::ArgMode::kOptional) {
                field.tags.insert("ARG_ALLOWED");
            }
            if (f.is_list) {
                field.tags.insert("EPF_IS_LIST");
            }
            listed.fields.push_back(std::move(field));
        }
        out.push_back(std::move(listed));
    }
    return out;
}

std::string left_block(std::string_view text) {
    std::string out(text);
    if (out.size() < kRightBlockStart) {
        out.append(kRightBlockStart - out.size(), ' ');
    }
    return out;
}

// libs wrapstring(): words each followed by a space, a new line (indented to the right block)
// when the next word would pass the 90 columns of the right block.
void wrap_string(std::string_view in, std::string& out) {
    std::istringstream words{std::string(in)};
    std::string word;
    size_t len = 0;
    while (words >> word) {
        size_t wordlen = word.size() + 1;
        if (len + wordlen <= kWidth - kRightBlockStart) {
            len += wordlen;
        } else {
            out += '\n';
            out += left_block(" ");
            len = wordlen;
        }
        out += word;
        out += ' ';
    }
}

// filter_fieldclass_info::as_string(verbose, sources, include_deprecated=false).
std::string class_as_text(const ListedClass& cls, bool verbose) {
    std::string out = "-------------------------------\n";
    out += left_block("Field Class:") + cls.name;
    if (!cls.shortdesc.empty()) {
        out += " (" + cls.shortdesc + ")";
    }
    out += '\n';
    if (!cls.desc.empty()) {
        out += left_block("Description:");
        wrap_string(cls.desc, out);
        out += '\n';
    }
    out += left_block("Event Sources:");
    out += std::string(kSyscallSource) + " \n\n";
    size_t deprecated = 0;
    for (const auto& f : cls.fields) {
        if (f.deprecated) {
            deprecated++;
            continue;
        }
        if (f.name.size() > kRightBlockStart) {
            out += f.name + "\n" + left_block(" ");
        } else {
            out += left_block(f.name);
        }
        std::string desc = f.desc;
        if (!f.tags.empty()) {
            std::string tags = "(";
            for (const auto& tag : f.tags) {
                tags += tags == "(" ? "" : ",";
                tags += tag;
            }
            desc = tags + ") " + desc;
        }
        if (verbose) {
            desc = "(Type: " + f.type + ") " + desc;
        }
        wrap_string(desc, out);
        out += '\n';
    }
    return deprecated == cls.fields.size() ? "" : out;
}

// filter_fieldclass_info::as_markdown(sources, include_deprecated=false).
std::string class_as_markdown(const ListedClass& cls) {
    std::string out = "## Field Class: " + cls.name + "\n\n";
    if (!cls.desc.empty()) {
        out += cls.desc + "\n\n";
    }
    out += "Event Sources: " + std::string(kSyscallSource) + " \n\n";
    out += "Name | Type | Description\n:----|:-----|:-----------\n";
    size_t deprecated = 0;
    for (const auto& f : cls.fields) {
        if (f.deprecated) {
            deprecated++;
            continue;
        }
        std::string type = f.is_list ? "LIST(" + f.type + ")" : f.type;
        out += "`" + f.name + "` | " + type + " | " + f.desc + "\n";
    }
    return deprecated == cls.fields.size() ? "" : out;
}

// Kestrel's JSON form of the listing (Falco 0.44 added `--format json`; this carries the same
// data as the text form: class, sources, and per field its type, list-ness, tags, description).
nlohmann::json classes_as_json(const std::vector<ListedClass>& classes) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& cls : classes) {
        nlohmann::json fields = nlohmann::json::array();
        for (const auto& f : cls.fields) {
            if (f.deprecated) {
                continue;
            }
            fields.push_back({{"name", f.name},
                              {"type", f.type},
                              {"is_list", f.is_list},
                              {"tags", f.tags},
                              {"desc", f.desc}});
        }
        out.push_back({{"name", cls.name},
                       {"shortdesc", cls.shortdesc},
                       {"desc", cls.desc},
                       {"event_sources", {std::string(kSyscallSource)}},
                       {"fields", std::move(fields)}});
    }
    return out;
}

// --- events ---

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

// Kestrel emits syscalls once, at exit (DESIGN.md): every syscall event is an exit event ('<').
// Tracepoint and meta events are single events that libs numbers as enter events ('>').
char direction(const event::EventInfo& e) { return e.kind == "syscall" ? '<' : '>'; }

// print_param(): "TYPE **name**" (libs' param_type_to_string names, upper case). Falco follows
// flag parameters with the names of their bits; Kestrel's schema does not carry them.
std::string params_text(const event::EventInfo& e) {
    std::string out;
    for (size_t i = 0; i < e.params.size(); i++) {
        if (i != 0) {
            out += ", ";
        }
        out += upper(event::param_type_name(e.params[i].type)) + " **" +
               std::string(e.params[i].name) + "**";
    }
    return out;
}

void print_events_block(std::string& out, std::string_view kind, ListFormat format) {
    if (format == ListFormat::kMarkdown) {
        out += "Default | Dir | Name | Params \n:-------|:----|:-----|:-----\n";
    }
    for (const auto& e : event::all_events()) {
        if (e.kind != kind) {
            continue;
        }
        if (format == ListFormat::kMarkdown) {
            // Every event is available: Kestrel has no default-ignored syscalls.
            out += fmt::format("Yes | `{}` | `{}` | {}\n", direction(e), e.name, params_text(e));
        } else {
            out += fmt::format("{} {}({})\n", direction(e), e.name, params_text(e));
        }
    }
}

} // namespace

std::optional<ListFormat> parse_list_format(const std::string& text) {
    if (text == "text") {
        return ListFormat::kText;
    }
    if (text == "markdown") {
        return ListFormat::kMarkdown;
    }
    if (text == "json") {
        return ListFormat::kJson;
    }
    return std::nullopt;
}

std::optional<std::string> render_field_list(const ListFieldsRequest& request) {
    if (!request.source.empty() && request.source != kSyscallSource) {
        return std::nullopt;
    }
    std::vector<ListedClass> classes = listed_classes();
    std::string out;
    if (request.names_only) {
        for (const auto& cls : classes) {
            for (const auto& f : cls.fields) {
                if (!f.deprecated) {
                    out += f.name + "\n";
                }
            }
        }
        return out;
    }
    if (request.format == ListFormat::kJson) {
        return classes_as_json(classes).dump() + "\n";
    }
    for (const auto& cls : classes) {
        // Falco prints each class with printf("%s\n", ...).
        out += request.format == ListFormat::kMarkdown ? class_as_markdown(cls)
                                                       : class_as_text(cls, request.verbose);
        out += '\n';
    }
    return out;
}

int list_fields(const ListFieldsRequest& request) {
    std::optional<std::string> text = render_field_list(request);
    if (!text) {
        fmt::print(stderr, "Error: Value for --list must be a valid source type\n");
        return 1;
    }
    fmt::print("{}", *text);
    std::fflush(stdout);
    return 0;
}

std::string render_event_list(ListFormat format) {
    if (format == ListFormat::kJson) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& e : event::all_events()) {
            nlohmann::json params = nlohmann::json::array();
            for (const auto& p : e.params) {
                params.push_back({{"name", std::string(p.name)},
                                  {"type", upper(event::param_type_name(p.type))}});
            }
            out.push_back({{"name", std::string(e.name)},
                           {"dir", std::string(1, direction(e))},
                           {"kind", std::string(e.kind)},
                           {"category", std::string(e.category)},
                           {"params", std::move(params)}});
        }
        return out.dump() + "\n";
    }
    // Falco prints the driver's schema version here; Kestrel's events come from its own schema
    // (schema/events.yaml), with Falco's names and parameters.
    std::string out = "The events below are valid for Kestrel's event schema "
                      "(schema/events.yaml: Falco's event names and exit parameters)\n";
    out += "## Syscall events\n\n";
    print_events_block(out, "syscall", format);
    out += "\n\n## Tracepoint events\n\n";
    print_events_block(out, "tracepoint", format);
    out += "\n\n## Plugin events\n\n";
    print_events_block(out, "plugin", format);
    out += "\n\n## Metaevents\n\n";
    print_events_block(out, "meta", format);
    return out;
}

int list_events(ListFormat format) {
    fmt::print("{}", render_event_list(format));
    std::fflush(stdout);
    return 0;
}

} // namespace kestrel::daemon
