#include "rules/diagnostics.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "base/json_escape.hpp"

namespace kestrel::rules {
namespace {

constexpr std::array<std::string_view, 7> kErrorNames = {
    "LOAD_ERR_FILE_READ",         "LOAD_ERR_YAML_PARSE",     "LOAD_ERR_YAML_VALIDATE",
    "LOAD_ERR_COMPILE_CONDITION", "LOAD_ERR_COMPILE_OUTPUT", "LOAD_ERR_VALIDATE",
    "LOAD_ERR_EXTENSION"};

constexpr std::array<std::string_view, 7> kErrorStrs = {
    "File read error",
    "YAML parse error",
    "Error validating internal structure of YAML file",
    "Error compiling condition",
    "Error compiling output",
    "Error validating rule/macro/list/exception objects",
    "Error in extension item"};

constexpr std::array<std::string_view, 15> kWarningNames = {"LOAD_UNKNOWN_SOURCE",
                                                            "LOAD_UNSAFE_NA_CHECK",
                                                            "LOAD_NO_EVTTYPE",
                                                            "LOAD_UNKNOWN_FILTER",
                                                            "LOAD_UNUSED_MACRO",
                                                            "LOAD_UNUSED_LIST",
                                                            "LOAD_UNKNOWN_ITEM",
                                                            "LOAD_DEPRECATED_ITEM",
                                                            "LOAD_WARNING_EXTENSION",
                                                            "LOAD_APPEND_NO_VALUES",
                                                            "LOAD_EXCEPTION_NAME_NOT_UNIQUE",
                                                            "LOAD_INVALID_MACRO_NAME",
                                                            "LOAD_INVALID_LIST_NAME",
                                                            "LOAD_COMPILE_CONDITION",
                                                            "LOAD_UNKNOWN_KEY"};

constexpr std::array<std::string_view, 15> kWarningStrs = {
    "Unknown event source",
    "Unsafe <NA> comparison in condition",
    "Condition has no event-type restriction",
    "Unknown field or event-type in condition or output",
    "Unused macro",
    "Unused list",
    "Unknown rules file item",
    "Used deprecated item",
    "Warning in extension item",
    "Overriding/appending with no values",
    "Multiple exceptions defined with the same name",
    "Invalid macro name",
    "Invalid list name",
    "Warning in rule condition",
    "Unknown key in item definition"};

constexpr std::array<std::string_view, 15> kWarningDescs = {
    "A rule has a unknown event source. This can occur when reading rules content without having "
    "a corresponding plugin loaded, etc. The rule will be silently ignored.",
    "Comparing a field value with <NA> is unsafe and can lead to unpredictable behavior of the "
    "rule condition. If you need to check for the existence of a field, consider using the "
    "'exists' operator instead.",
    "A rule condition matches too many evt.type values. This has a significant performance "
    "penalty. Make the condition more specific by adding an evt.type field or further "
    "restricting the number of evt.type values in the condition.",
    "A rule condition or output refers to a field or evt.type that does not exist. This is "
    "normally an error, but if a rule has a skip-if-unknown-filter property, the error is "
    "downgraded to a warning.",
    "A macro is defined in the rules content but is not used by any other macro or rule.",
    "A list is defined in the rules content but is not used by any other list, macro, or rule.",
    "An unknown top-level object is in the rules content. It will be ignored.",
    "A deprecated item is employed by lists, macros, or rules.",
    "An extension item has a warning",
    "A rule exception is overriding/appending with no values",
    "A rule is defining multiple exceptions with the same name",
    "A macro is defined with an invalid name",
    "A list is defined with an invalid name",
    "A rule condition or output have been parsed with a warning",
    "An item in the rules content contains an unrecognized key. The key will be ignored. This "
    "may indicate a typo or a property placed on the wrong item type."};

constexpr std::array<std::string_view, 23> kItemTypes = {"value for",
                                                         "exceptions",
                                                         "exception",
                                                         "exception values",
                                                         "exception value",
                                                         "rules content",
                                                         "rules content item",
                                                         "required_engine_version",
                                                         "required plugin versions",
                                                         "required plugin versions entry",
                                                         "required plugin versions alternative",
                                                         "list",
                                                         "list item",
                                                         "macro",
                                                         "macro condition",
                                                         "rule",
                                                         "rule condition",
                                                         "condition expression",
                                                         "rule output",
                                                         "rule output expression",
                                                         "rule priority",
                                                         "overrides",
                                                         "extension item"};

template <typename Diag>
void append_verbose(std::string& os, const Diag& d, std::string_view code, std::string_view str,
                    const std::map<std::string, std::string>& contents) {
    os += d.ctx.as_string();
    os += "------\n";
    os += d.ctx.snippet(contents);
    os += "------\n";
    os += fmt::format("{} ({}): {}\n", code, str, d.message);
}

template <typename Diag>
void append_json(std::string& os, const Diag& d, std::string_view code, std::string_view desc,
                 const std::map<std::string, std::string>& contents) {
    os += "{\"code\":" + json_quote(code) + ",\"codedesc\":" + json_quote(desc) +
          ",\"context\":{\"locations\":[";
    bool first = true;
    for (const auto& loc : d.ctx.locations()) {
        if (!first) {
            os += ',';
        }
        first = false;
        os += "{\"item_name\":" + json_quote(loc.item_name) +
              ",\"item_type\":" + json_quote(item_type_name(loc.item_type)) +
              fmt::format(",\"position\":{{\"column\":{},\"line\":{},\"name\":{},\"offset\":{}}}}}",
                          loc.pos.column, loc.pos.line, json_quote(loc.name), loc.pos.offset);
    }
    os += "],\"snippet\":" + json_quote(d.ctx.snippet(contents)) +
          "},\"message\":" + json_quote(d.message) + "}";
}

} // namespace

std::string_view code_name(LoadErrorCode c) { return kErrorNames[static_cast<size_t>(c)]; }
std::string_view code_str(LoadErrorCode c) { return kErrorStrs[static_cast<size_t>(c)]; }
std::string_view code_name(LoadWarningCode c) { return kWarningNames[static_cast<size_t>(c)]; }
std::string_view code_str(LoadWarningCode c) { return kWarningStrs[static_cast<size_t>(c)]; }
std::string_view code_desc(LoadWarningCode c) { return kWarningDescs[static_cast<size_t>(c)]; }
std::string_view item_type_name(ItemType t) { return kItemTypes[static_cast<size_t>(t)]; }

Context::Context(std::string file_name) {
    // Every context has at least one location, the whole document.
    locs_.push_back(Location{std::move(file_name), Position{}, ItemType::kRulesContent, ""});
}

Context::Context(Position pos, ItemType type, std::string item_name, const Context& parent)
    : locs_(parent.locs_) {
    locs_.push_back(Location{parent.file_name(), pos, type, std::move(item_name)});
}

Context Context::in_condition(const ast::Pos& pos, const std::string& condition,
                              const Context& parent) {
    Context ctx;
    ctx.locs_ = parent.locs_;
    ctx.alt_content_ = condition;
    // Falco names condition locations by a short quoted prefix of the condition.
    std::string name =
        "\"" + (condition.size() > 20 ? condition.substr(0, 17) + "...\"" : condition + "\"");
    std::replace(name.begin(), name.end(), '\n', ' ');
    std::replace(name.begin(), name.end(), '\r', ' ');
    Position last = parent.locs_.empty() ? Position{} : parent.locs_.back().pos;
    Position p{pos.idx + last.offset, pos.line + last.line, pos.col + last.column};
    ctx.locs_.push_back(Location{std::move(name), p, ItemType::kConditionExpression, ""});
    return ctx;
}

const std::string& Context::file_name() const {
    static const std::string kEmpty;
    return locs_.empty() ? kEmpty : locs_.front().name;
}

std::string Context::as_string() const {
    std::string os;
    bool first = true;
    for (const auto& loc : locs_) {
        os += first ? "In " : "    ";
        first = false;
        os += item_type_name(loc.item_type);
        if (!loc.item_name.empty()) {
            os += " '" + loc.item_name + "'";
        }
        os += fmt::format(": ({}:{}:{})\n", loc.name, loc.pos.line, loc.pos.column);
    }
    return os;
}

std::string Context::snippet(const std::map<std::string, std::string>& contents,
                             size_t width) const {
    if (locs_.empty()) {
        return "<No context available>\n";
    }
    const Location& loc = locs_.back();
    auto it = contents.find(loc.name);
    if (alt_content_.empty() && it == contents.end()) {
        return "<No context for file + " + loc.name + ">\n";
    }
    const std::string& text = !alt_content_.empty() ? alt_content_ : it->second;
    if (text.empty()) {
        return "<No context available>\n";
    }
    // The position can be past the end (a dangling `tags:` at the end of a file).
    size_t pos = loc.pos.offset;
    while (pos > 0 && (pos >= text.size() || text[pos] == '\n')) {
        pos--;
    }
    const size_t half = width / 2;
    size_t from = pos;
    while (from > 0 && text[from] != '\n' && (pos - from) < half) {
        from--;
    }
    size_t to = pos;
    while (to < text.size() - 1 && text[to] != '\n' && (to - pos) < half) {
        to++;
    }
    if (from < text.size() && text[from] == '\n') {
        from++;
    }
    if (to < text.size() && text[to] == '\n' && to > 0) {
        to--;
    }
    if (to + 1 < from) {
        return "<No context available>\n";
    }
    std::string ret = text.substr(from, to - from + 1);
    if (ret.empty()) {
        return "<No context available>\n";
    }
    if (pos - from >= half && ret.size() >= 3) {
        ret.replace(0, 3, "...");
    }
    if (to - pos >= half && ret.size() >= 3) {
        ret.replace(ret.size() - 3, 3, "...");
    }
    ret += "\n";
    if (pos >= from && pos - from <= ret.size() - 1) {
        ret += std::string(pos - from, ' ') + "^\n";
    }
    return ret;
}

void LoadResult::add_error(LoadErrorCode code, std::string message, Context ctx) {
    errors_.push_back(LoadError{code, std::move(message), std::move(ctx)});
}

void LoadResult::add_warning(LoadWarningCode code, std::string message, Context ctx) {
    warnings_.push_back(LoadWarning{code, std::move(message), std::move(ctx)});
}

bool LoadResult::has_warning(LoadWarningCode code) const {
    return std::any_of(warnings_.begin(), warnings_.end(),
                       [&](const LoadWarning& w) { return w.code == code; });
}

std::string LoadResult::as_summary_string() const {
    std::string os;
    if (!name_.empty()) {
        os += name_ + ": ";
    }
    os += successful() ? (warnings_.empty() ? "Ok" : "Ok, with warnings") : "Invalid";
    if (!errors_.empty()) {
        os += fmt::format("\n {} errors: [", errors_.size());
        bool first = true;
        for (const auto& e : errors_) {
            os += first ? "" : " ";
            first = false;
            os += fmt::format("{} ({})", code_name(e.code), code_str(e.code));
        }
        os += "]";
    }
    if (!warnings_.empty()) {
        os += fmt::format("\n {} warnings: [", warnings_.size());
        bool first = true;
        for (const auto& w : warnings_) {
            os += first ? "" : " ";
            first = false;
            os += fmt::format("{} ({})", code_name(w.code), code_str(w.code));
        }
        os += "]";
    }
    return os;
}

std::string
LoadResult::as_verbose_string(const std::map<std::string, std::string>& contents) const {
    std::string os;
    if (!name_.empty()) {
        os += name_ + ": ";
    }
    os += successful() ? (warnings_.empty() ? "Ok" : "Ok, with warnings") : "Invalid";
    if (!errors_.empty()) {
        os += fmt::format("\n{} Errors:\n", errors_.size());
        for (const auto& e : errors_) {
            append_verbose(os, e, code_name(e.code), code_str(e.code), contents);
        }
    }
    if (!warnings_.empty()) {
        os += fmt::format("\n{} Warnings:\n", warnings_.size());
        for (const auto& w : warnings_) {
            append_verbose(os, w, code_name(w.code), code_str(w.code), contents);
        }
    }
    return os;
}

std::string LoadResult::as_json(const std::map<std::string, std::string>& contents) const {
    std::string os = "{\"errors\":[";
    bool first = true;
    for (const auto& e : errors_) {
        os += first ? "" : ",";
        first = false;
        // Falco's error_desc() returns the short string, not the long description.
        append_json(os, e, code_name(e.code), code_str(e.code), contents);
    }
    os += "],\"name\":" + json_quote(name_) +
          ",\"successful\":" + (successful() ? "true" : "false") + ",\"warnings\":[";
    first = true;
    for (const auto& w : warnings_) {
        os += first ? "" : ",";
        first = false;
        append_json(os, w, code_name(w.code), code_desc(w.code), contents);
    }
    os += "]}";
    return os;
}

std::string json_quote(std::string_view s) {
    std::string out;
    base::append_json_string(out, s);
    return out;
}

} // namespace kestrel::rules
