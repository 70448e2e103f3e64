#include "rules/yaml_reader.hpp"

#include <array>
#include <exception>
#include <functional>

#include <yaml-cpp/yaml.h>

#include "rules/yaml_guard.hpp"

namespace kestrel::rules {
namespace {

constexpr const char* kWarningAppend = "'append' key is deprecated. Add an 'append' entry (e.g. "
                                       "'condition: append') under 'override' instead.";
constexpr const char* kWarningEnabled =
    "The standalone 'enabled' key usage is deprecated. The correct approach requires also a "
    "'replace' entry under the 'override' key (i.e. 'enabled: replace').";
constexpr const char* kErrorOverrideAppend =
    "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. "
    "'condition: append') under 'override' instead.";

// Known keys per item kind (falco-compat.md §1.1/§1.2): anything else is LOAD_UNKNOWN_KEY.
constexpr std::array<std::string_view, 15> kRuleKeys = {"rule",
                                                        "condition",
                                                        "output",
                                                        "desc",
                                                        "priority",
                                                        "source",
                                                        "enabled",
                                                        "capture",
                                                        "capture_duration",
                                                        "warn_evttypes",
                                                        "skip-if-unknown-filter",
                                                        "tags",
                                                        "exceptions",
                                                        "override",
                                                        "append"};
constexpr std::array<std::string_view, 4> kListKeys = {"list", "items", "append", "override"};
constexpr std::array<std::string_view, 4> kMacroKeys = {"macro", "condition", "append", "override"};

const std::set<std::string> kRuleAppendable = {"condition", "output", "desc", "tags", "exceptions"};
const std::set<std::string> kRuleReplaceable = {"condition",
                                                "output",
                                                "desc",
                                                "priority",
                                                "capture",
                                                "capture_duration",
                                                "tags",
                                                "exceptions",
                                                "enabled",
                                                "warn_evttypes",
                                                "skip-if-unknown-filter"};

// Falco's reader signals problems by throwing; here they travel as a value.
#define KES_RULES_TRY(expr)                                                                        \
    do {                                                                                           \
        if (auto kes_err_ = (expr)) {                                                              \
            return kes_err_;                                                                       \
        }                                                                                          \
    } while (0)

MaybeError yaml_error(std::string msg, const Context& ctx) {
    return LoadError{LoadErrorCode::kYamlValidate, std::move(msg), ctx};
}

Position position_of(const YAML::Mark& m) {
    auto clamp = [](int v) { return v < 0 ? size_t{0} : static_cast<size_t>(v); };
    return Position{clamp(m.pos), clamp(m.line), clamp(m.column)};
}

Position position_of(const YAML::Node& n) {
    return n.IsDefined() ? position_of(n.Mark()) : Position{};
}

Context sub(const YAML::Node& n, ItemType type, std::string name, const Context& parent) {
    return Context(position_of(n), type, std::move(name), parent);
}

template <typename T>
MaybeError decode_val(const YAML::Node& item, const char* key, T& out, const Context& ctx,
                      bool optional) {
    const YAML::Node val = item[key];
    if (!val.IsDefined() && optional) {
        return std::nullopt;
    }
    if (!val.IsDefined()) {
        return yaml_error(std::string("Item has no mapping for key '") + key + "'", ctx);
    }
    if (val.IsNull()) {
        return yaml_error(std::string("Mapping for key '") + key + "' is empty", ctx);
    }
    Context valctx = sub(val, ItemType::kValueFor, key, ctx);
    if (!val.IsScalar()) {
        return yaml_error("Value is not a scalar value", valctx);
    }
    if (val.Scalar().empty()) {
        return yaml_error("Value must be non-empty", valctx);
    }
    T decoded{};
    if (!YAML::convert<T>::decode(val, decoded)) {
        return yaml_error("Can't decode YAML scalar value", valctx);
    }
    out = std::move(decoded);
    return std::nullopt;
}

template <typename T>
MaybeError decode_opt(const YAML::Node& item, const char* key, std::optional<T>& out,
                      const Context& ctx) {
    if (!item[key].IsDefined()) {
        return std::nullopt;
    }
    T v{};
    KES_RULES_TRY(decode_val(item, key, v, ctx, false));
    out = std::move(v);
    return std::nullopt;
}

MaybeError decode_seq(const YAML::Node& item, const char* key,
                      const std::function<void(std::string)>& insert, const Context& ctx,
                      bool optional) {
    const YAML::Node val = item[key];
    if (!val.IsDefined() && optional) {
        return std::nullopt;
    }
    if (!val.IsDefined()) {
        return yaml_error(std::string("Item has no mapping for key '") + key + "'", ctx);
    }
    Context valctx = sub(val, ItemType::kValueFor, key, ctx);
    if (!val.IsSequence()) {
        return yaml_error("Value is not a sequence", valctx);
    }
    for (const YAML::Node& v : val) {
        Context ictx = sub(v, ItemType::kListItem, "", valctx);
        if (!v.IsScalar()) {
            return yaml_error("sequence value is not scalar", ictx);
        }
        std::string s;
        if (!YAML::convert<std::string>::decode(v, s)) {
            return yaml_error("Can't decode YAML sequence value", ictx);
        }
        insert(std::move(s));
    }
    return std::nullopt;
}

// Appends and overrides may restate the source; an empty one matches any (Falco master).
std::optional<std::string> update_source(const YAML::Node& item) {
    const YAML::Node val = item["source"];
    if (!val.IsDefined()) {
        return std::nullopt;
    }
    return val.IsScalar() ? val.Scalar() : std::string();
}

MaybeError decode_tags(const YAML::Node& item, std::set<std::string>& out, const Context& ctx) {
    return decode_seq(
        item, "tags", [&](std::string s) { out.insert(std::move(s)); }, ctx, true);
}

MaybeError decode_overrides(const YAML::Node& item, const std::set<std::string>& appendable,
                            const std::set<std::string>& replaceable,
                            std::set<std::string>& out_append, std::set<std::string>& out_replace,
                            const Context& ctx) {
    const YAML::Node val = item["override"];
    if (!val.IsDefined()) {
        return std::nullopt;
    }
    Context overridectx = sub(item, ItemType::kOverrides, "", ctx);
    if (!val.IsMap()) {
        return yaml_error("Value is not a map", sub(val, ItemType::kValueFor, "override", ctx));
    }
    for (auto it = val.begin(); it != val.end(); ++it) {
        std::string key;
        std::string op;
        if (!YAML::convert<std::string>::decode(it->first, key) || !it->second.IsScalar() ||
            !YAML::convert<std::string>::decode(it->second, op)) {
            return yaml_error("Can't decode YAML scalar value", overridectx);
        }
        const bool can_append = appendable.count(key) > 0;
        const bool can_replace = replaceable.count(key) > 0;
        Context keyctx = sub(it->first, ItemType::kOverrides, key, overridectx);
        if (op == "append") {
            if (!can_append) {
                return yaml_error("Key '" + key + "' cannot be appended to, use 'replace' instead",
                                  keyctx);
            }
            out_append.insert(key);
        } else if (op == "replace") {
            if (!can_replace) {
                return yaml_error("Key '" + key + "' cannot be replaced", keyctx);
            }
            out_replace.insert(key);
        } else {
            std::string msg = "Invalid override operation for key '" + key + "': '" + op +
                              "'. Allowed values are: ";
            if (can_append) {
                msg += "append ";
            }
            if (can_replace) {
                msg += "replace ";
            }
            return yaml_error(msg, sub(it->second, ItemType::kValueFor, key, overridectx));
        }
    }
    return std::nullopt;
}

// One of an exception's fields/comps/values: a scalar or a (nested) sequence.
MaybeError decode_exception_entry(const YAML::Node& val, const char* key, ExceptionEntry& out,
                                  const Context& ctx, bool optional) {
    if (!val.IsDefined() && optional) {
        return std::nullopt;
    }
    if (!val.IsDefined()) {
        return yaml_error(std::string("Item has no mapping for key '") + key + "'", ctx);
    }
    Context valctx = sub(val, ItemType::kValueFor, key ? key : "", ctx);
    if (val.IsScalar()) {
        if (val.Scalar().empty()) {
            return yaml_error("Value must be non-empty", valctx);
        }
        out.is_list = false;
        out.item = val.Scalar();
    } else if (val.IsSequence()) {
        out.is_list = true;
        for (const YAML::Node& v : val) {
            ExceptionEntry tmp;
            Context lctx = sub(v, ItemType::kException, "", valctx);
            KES_RULES_TRY(decode_exception_entry(v, nullptr, tmp, lctx, false));
            out.items.push_back(std::move(tmp));
        }
    }
    return std::nullopt;
}

MaybeError read_exceptions(const YAML::Node& item, std::vector<ExceptionInfo>& out,
                           const Context& parent, bool append, LoadResult& res) {
    const YAML::Node exs = item["exceptions"];
    if (!exs.IsDefined() || exs.IsNull()) {
        return std::nullopt;
    }
    Context exes_ctx = sub(exs, ItemType::kExceptions, "", parent);
    if (!exs.IsSequence()) {
        return yaml_error("Rule exceptions must be a sequence", exes_ctx);
    }
    for (const YAML::Node& ex : exs) {
        Context tmp = sub(ex, ItemType::kException, "", exes_ctx);
        if (!ex.IsMap()) {
            return yaml_error("Rule exception must be a mapping", tmp);
        }
        std::string name;
        KES_RULES_TRY(decode_val(ex, "name", name, tmp, false));
        ExceptionInfo info;
        info.ctx = sub(ex, ItemType::kException, name, parent);
        info.name = name;
        for (const auto& prev : out) {
            if (prev.name == name) {
                res.add_warning(LoadWarningCode::kExceptionNameNotUnique,
                                "Multiple definitions of exception '" + name + "' in the same rule",
                                info.ctx);
            }
        }
        // fields are optional when appending (values for an existing exception)
        KES_RULES_TRY(
            decode_exception_entry(ex["fields"], "fields", info.fields, info.ctx, append));
        KES_RULES_TRY(decode_exception_entry(ex["comps"], "comps", info.comps, info.ctx, true));
        const YAML::Node vals = ex["values"];
        if (vals.IsDefined()) {
            Context vals_ctx = sub(vals, ItemType::kExceptionValues, "", info.ctx);
            if (!vals.IsSequence()) {
                return yaml_error("Rule exception values must be a sequence", vals_ctx);
            }
            for (const YAML::Node& v : vals) {
                Context vctx = sub(v, ItemType::kExceptionValue, "", vals_ctx);
                ExceptionEntry entry;
                KES_RULES_TRY(decode_exception_entry(v, nullptr, entry, vctx, false));
                info.values.push_back(std::move(entry));
            }
        } else if (append) {
            res.add_warning(LoadWarningCode::kAppendNoValues,
                            "Overriding/appending exception with no values", info.ctx);
        }
        out.push_back(std::move(info));
    }
    return std::nullopt;
}

template <size_t N>
void warn_unknown_keys(const YAML::Node& item, const std::array<std::string_view, N>& known,
                       const Context& ctx, LoadResult& res) {
    for (auto it = item.begin(); it != item.end(); ++it) {
        std::string key;
        if (!it->first.IsScalar() || !YAML::convert<std::string>::decode(it->first, key)) {
            continue;
        }
        bool found = false;
        for (auto k : known) {
            found = found || k == key;
        }
        if (!found) {
            res.add_warning(LoadWarningCode::kUnknownKey,
                            "Unknown key '" + key + "'. The key will be ignored.", ctx);
        }
    }
}

bool full_match_identifier(const std::string& s) {
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) {
        return false;
    }
    for (char c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
            return false;
        }
    }
    return true;
}

bool full_match_barestr(const std::string& s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (c == '(' || c == ')' || c == '"' || c == '\'' || c == '=' || c == ',' ||
            std::isspace(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

class ItemReader {
  public:
    ItemReader(Collector& collector, LoadResult& res) : col_(collector), res_(res) {}

    MaybeError read_item(const YAML::Node& item, const Context& parent) {
        if (!item.IsMap()) {
            return yaml_error("Unexpected element type. Each element should be a yaml associative "
                              "array.",
                              sub(item, ItemType::kRulesContentItem, "", parent));
        }
        if (item["required_engine_version"].IsDefined()) {
            return read_engine_version(item, parent);
        }
        if (item["required_plugin_versions"].IsDefined()) {
            return read_plugin_versions(item, parent);
        }
        if (item["list"].IsDefined()) {
            return read_list(item, parent);
        }
        if (item["macro"].IsDefined()) {
            return read_macro(item, parent);
        }
        if (item["rule"].IsDefined()) {
            return read_rule(item, parent);
        }
        res_.add_warning(LoadWarningCode::kUnknownItem, "Unknown top level item",
                         sub(item, ItemType::kRulesContentItem, "", parent));
        return std::nullopt;
    }

  private:
    MaybeError read_engine_version(const YAML::Node& item, const Context& parent) {
        Context ctx = sub(item, ItemType::kRequiredEngineVersion, "", parent);
        uint32_t n = 0;
        Version v;
        // A bare integer N is the pre-semver form: engine 0.N.0.
        if (!decode_val(item, "required_engine_version", n, ctx, false)) {
            v = Version{kEngineVersion.major, n, kEngineVersion.patch};
        } else {
            std::string text;
            KES_RULES_TRY(decode_val(item, "required_engine_version", text, ctx, false));
            if (!parse_version(text, &v)) {
                return yaml_error("Unable to parse engine version '" + text +
                                      "' as a semver string. Expected \"x.y.z\" semver format.",
                                  ctx);
            }
        }
        return col_.define_engine_version(v, ctx);
    }

    MaybeError read_plugin_versions(const YAML::Node& item, const Context& parent) {
        const YAML::Node reqs = item["required_plugin_versions"];
        Context ctx = sub(reqs, ItemType::kRequiredPluginVersions, "", parent);
        if (!reqs.IsSequence()) {
            return yaml_error("Value of required_plugin_versions must be a sequence", ctx);
        }
        for (const YAML::Node& plugin : reqs) {
            Context tmp = sub(plugin, ItemType::kRequiredPluginVersionsEntry, "", ctx);
            if (!plugin.IsMap()) {
                return yaml_error("Plugin version must be a mapping", tmp);
            }
            PluginRequirement r;
            KES_RULES_TRY(decode_val(plugin, "name", r.name, tmp, false));
            PluginRequirementAlternatives alts;
            alts.ctx = sub(plugin, ItemType::kRequiredPluginVersionsEntry, r.name, ctx);
            KES_RULES_TRY(decode_val(plugin, "version", r.version, alts.ctx, false));
            alts.alternatives.push_back(r);
            const YAML::Node alternatives = plugin["alternatives"];
            if (alternatives.IsDefined()) {
                if (!alternatives.IsSequence()) {
                    return yaml_error("Value of plugin version alternatives must be a sequence",
                                      alts.ctx);
                }
                for (const YAML::Node& req : alternatives) {
                    Context actx =
                        sub(req, ItemType::kRequiredPluginVersionsAlternative, "", alts.ctx);
                    if (!req.IsMap()) {
                        return yaml_error("Plugin version alternative must be a mapping", actx);
                    }
                    PluginRequirement a;
                    KES_RULES_TRY(decode_val(req, "name", a.name, actx, false));
                    actx = sub(req, ItemType::kRequiredPluginVersionsAlternative, a.name, alts.ctx);
                    KES_RULES_TRY(decode_val(req, "version", a.version, actx, false));
                    alts.alternatives.push_back(a);
                }
            }
            KES_RULES_TRY(col_.define_plugin_requirement(std::move(alts)));
        }
        return std::nullopt;
    }

    // Lists and macros have one overridable key: `append: true` (deprecated) or
    // `override: {<key>: append}` appends to the previous definition, anything else redefines.
    MaybeError read_append_mode(const YAML::Node& item, const std::string& key, const Context& ctx,
                                bool* append) {
        KES_RULES_TRY(decode_val(item, "append", *append, ctx, true));
        if (*append) {
            res_.add_warning(LoadWarningCode::kDeprecatedItem, kWarningAppend, ctx);
        }
        std::set<std::string> ov_append;
        std::set<std::string> ov_replace;
        const std::set<std::string> overridable = {key};
        KES_RULES_TRY(decode_overrides(item, overridable, overridable, ov_append, ov_replace, ctx));
        if (*append && (!ov_append.empty() || !ov_replace.empty())) {
            return LoadError{LoadErrorCode::kYamlValidate, kErrorOverrideAppend, ctx};
        }
        *append = *append || ov_append.count(key) > 0;
        return std::nullopt;
    }

    MaybeError read_list(const YAML::Node& item, const Context& parent) {
        std::string name;
        KES_RULES_TRY(
            decode_val(item, "list", name, sub(item, ItemType::kList, "", parent), false));
        Context ctx = sub(item, ItemType::kList, name, parent);
        if (!full_match_barestr(name)) {
            res_.add_warning(LoadWarningCode::kInvalidListName,
                             "List has an invalid name. List names should match a regular "
                             "expression: ([^()\"'[:space:]=,]+)",
                             ctx);
        }
        warn_unknown_keys(item, kListKeys, ctx, res_);
        ListInfo v;
        v.ctx = ctx;
        v.name = name;
        KES_RULES_TRY(decode_seq(
            item, "items", [&](std::string s) { v.items.push_back(std::move(s)); }, ctx, false));
        bool append = false;
        KES_RULES_TRY(read_append_mode(item, "items", ctx, &append));
        if (append) {
            return col_.append_list(v);
        }
        col_.define_list(std::move(v));
        return std::nullopt;
    }

    MaybeError read_macro(const YAML::Node& item, const Context& parent) {
        std::string name;
        KES_RULES_TRY(
            decode_val(item, "macro", name, sub(item, ItemType::kMacro, "", parent), false));
        Context ctx = sub(item, ItemType::kMacro, name, parent);
        if (!full_match_identifier(name)) {
            res_.add_warning(LoadWarningCode::kInvalidMacroName,
                             "Macro has an invalid name. Macro names should match a regular "
                             "expression: ([a-zA-Z]+[a-zA-Z0-9_]*)",
                             ctx);
        }
        warn_unknown_keys(item, kMacroKeys, ctx, res_);
        MacroInfo v;
        v.ctx = ctx;
        v.name = name;
        KES_RULES_TRY(decode_val(item, "condition", v.cond, ctx, false));
        v.cond_ctx = sub(item["condition"], ItemType::kMacroCondition, "", ctx);
        bool append = false;
        KES_RULES_TRY(read_append_mode(item, "condition", ctx, &append));
        if (append) {
            return col_.append_macro(v);
        }
        col_.define_macro(std::move(v));
        return std::nullopt;
    }

    // Takes `key` from the expected set if `overrides` names it; an override without the key
    // present in the item is an error.
    static MaybeError take_expected(std::set<std::string>& expected,
                                    const std::set<std::string>& overrides, const char* kind,
                                    const std::string& key, const Context& ctx, bool* wanted) {
        *wanted = overrides.count(key) > 0;
        if (!*wanted) {
            return std::nullopt;
        }
        if (!expected.count(key)) {
            return yaml_error(std::string("An ") + kind + " override for '" + key +
                                  "' was specified but '" + key + "' is not defined",
                              ctx);
        }
        expected.erase(key);
        return std::nullopt;
    }

    MaybeError read_update_keys(const YAML::Node& item, RuleUpdateInfo& v,
                                std::set<std::string>& expected,
                                const std::set<std::string>& overrides, const char* kind,
                                const Context& ctx) {
        const bool append = std::string_view(kind) == "append";
        bool want = false;
        KES_RULES_TRY(take_expected(expected, overrides, kind, "condition", ctx, &want));
        if (want) {
            KES_RULES_TRY(decode_opt(item, "condition", v.cond, ctx));
        }
        KES_RULES_TRY(take_expected(expected, overrides, kind, "exceptions", ctx, &want));
        if (want) {
            std::vector<ExceptionInfo> exs;
            KES_RULES_TRY(read_exceptions(item, exs, ctx, append, res_));
            v.exceptions = std::move(exs);
        }
        KES_RULES_TRY(take_expected(expected, overrides, kind, "output", ctx, &want));
        if (want) {
            KES_RULES_TRY(decode_opt(item, "output", v.output, ctx));
        }
        KES_RULES_TRY(take_expected(expected, overrides, kind, "desc", ctx, &want));
        if (want) {
            KES_RULES_TRY(decode_opt(item, "desc", v.desc, ctx));
        }
        KES_RULES_TRY(take_expected(expected, overrides, kind, "tags", ctx, &want));
        if (want) {
            std::set<std::string> tags;
            KES_RULES_TRY(decode_tags(item, tags, ctx));
            v.tags = std::move(tags);
        }
        if (append) {
            return std::nullopt;
        }
        KES_RULES_TRY(take_expected(expected, overrides, kind, "priority", ctx, &want));
        if (want) {
            std::string text;
            KES_RULES_TRY(decode_val(item, "priority", text, ctx, false));
            Priority p{};
            if (!parse_priority(text, &p)) {
                return yaml_error("Invalid priority",
                                  sub(item["priority"], ItemType::kRulePriority, "", ctx));
            }
            v.priority = p;
        }
        KES_RULES_TRY(take_expected(expected, overrides, kind, "enabled", ctx, &want));
        if (want) {
            KES_RULES_TRY(decode_opt(item, "enabled", v.enabled, ctx));
        }
        KES_RULES_TRY(take_expected(expected, overrides, kind, "warn_evttypes", ctx, &want));
        if (want) {
            KES_RULES_TRY(decode_opt(item, "warn_evttypes", v.warn_evttypes, ctx));
        }
        KES_RULES_TRY(
            take_expected(expected, overrides, kind, "skip-if-unknown-filter", ctx, &want));
        if (want) {
            KES_RULES_TRY(
                decode_opt(item, "skip-if-unknown-filter", v.skip_if_unknown_filter, ctx));
        }
        KES_RULES_TRY(take_expected(expected, overrides, kind, "capture", ctx, &want));
        if (want) {
            KES_RULES_TRY(decode_opt(item, "capture", v.capture, ctx));
        }
        KES_RULES_TRY(take_expected(expected, overrides, kind, "capture_duration", ctx, &want));
        if (want) {
            KES_RULES_TRY(decode_opt(item, "capture_duration", v.capture_duration, ctx));
        }
        return std::nullopt;
    }

    MaybeError read_rule(const YAML::Node& item, const Context& parent) {
        std::string name;
        KES_RULES_TRY(
            decode_val(item, "rule", name, sub(item, ItemType::kRule, "", parent), false));
        Context ctx = sub(item, ItemType::kRule, name, parent);
        warn_unknown_keys(item, kRuleKeys, ctx, res_);

        bool has_append_flag = false;
        KES_RULES_TRY(decode_val(item, "append", has_append_flag, ctx, true));
        if (has_append_flag) {
            res_.add_warning(LoadWarningCode::kDeprecatedItem, kWarningAppend, ctx);
        }
        std::set<std::string> ov_append;
        std::set<std::string> ov_replace;
        KES_RULES_TRY(
            decode_overrides(item, kRuleAppendable, kRuleReplaceable, ov_append, ov_replace, ctx));
        const bool has_overrides = !ov_append.empty() || !ov_replace.empty();
        if (has_append_flag && has_overrides) {
            return LoadError{LoadErrorCode::kYamlValidate, kErrorOverrideAppend, ctx};
        }

        if (has_overrides) {
            std::set<std::string> expected;
            for (const auto& key : kRuleAppendable) {
                if (item[key].IsDefined()) {
                    expected.insert(key);
                }
            }
            for (const auto& key : kRuleReplaceable) {
                if (item[key].IsDefined()) {
                    expected.insert(key);
                }
            }
            if (!ov_append.empty()) {
                RuleUpdateInfo v;
                v.ctx = ctx;
                v.cond_ctx = ctx;
                v.name = name;
                v.source = update_source(item);
                KES_RULES_TRY(read_update_keys(item, v, expected, ov_append, "append", ctx));
                KES_RULES_TRY(col_.append_rule(std::move(v)));
            }
            if (!ov_replace.empty()) {
                RuleUpdateInfo v;
                v.ctx = ctx;
                v.cond_ctx = ctx;
                v.name = name;
                v.source = update_source(item);
                KES_RULES_TRY(read_update_keys(item, v, expected, ov_replace, "replace", ctx));
                KES_RULES_TRY(col_.replace_rule(std::move(v)));
            }
            if (!expected.empty()) {
                const std::string& key = *expected.begin();
                return yaml_error("Unexpected key '" + key +
                                      "': no corresponding entry under 'override' is defined.",
                                  sub(item[key], ItemType::kOverrides, key, ctx));
            }
            return std::nullopt;
        }

        if (has_append_flag) {
            RuleUpdateInfo v;
            v.ctx = ctx;
            v.cond_ctx = ctx;
            v.name = name;
            v.source = update_source(item);
            if (item["condition"].IsDefined()) {
                v.cond_ctx = sub(item["condition"], ItemType::kRuleCondition, "", ctx);
                KES_RULES_TRY(decode_opt(item, "condition", v.cond, ctx));
            }
            if (item["exceptions"].IsDefined()) {
                std::vector<ExceptionInfo> exs;
                KES_RULES_TRY(read_exceptions(item, exs, ctx, true, res_));
                v.exceptions = std::move(exs);
            }
            return col_.append_rule(std::move(v));
        }

        // An item with none of condition/output/desc/priority only toggles `enabled` of an
        // existing rule (deprecated form).
        if (!item["condition"].IsDefined() && !item["output"].IsDefined() &&
            !item["desc"].IsDefined() && !item["priority"].IsDefined()) {
            bool enabled = true;
            KES_RULES_TRY(decode_val(item, "enabled", enabled, ctx, false));
            res_.add_warning(LoadWarningCode::kDeprecatedItem, kWarningEnabled, ctx);
            return col_.enable_rule(name, enabled, ctx);
        }

        RuleInfo v;
        v.ctx = ctx;
        v.name = name;
        KES_RULES_TRY(decode_val(item, "condition", v.cond, ctx, false));
        v.cond_ctx = sub(item["condition"], ItemType::kRuleCondition, "", ctx);
        KES_RULES_TRY(decode_val(item, "output", v.output, ctx, false));
        v.output_ctx = sub(item["output"], ItemType::kRuleOutput, "", ctx);
        KES_RULES_TRY(decode_val(item, "desc", v.desc, ctx, false));
        std::string priority;
        KES_RULES_TRY(decode_val(item, "priority", priority, ctx, false));
        v.output = trim(v.output);
        v.source = "syscall";
        if (!parse_priority(priority, &v.priority)) {
            return yaml_error("Invalid priority",
                              sub(item["priority"], ItemType::kRulePriority, "", ctx));
        }
        KES_RULES_TRY(decode_val(item, "source", v.source, ctx, true));
        KES_RULES_TRY(decode_val(item, "enabled", v.enabled, ctx, true));
        KES_RULES_TRY(decode_val(item, "warn_evttypes", v.warn_evttypes, ctx, true));
        KES_RULES_TRY(
            decode_val(item, "skip-if-unknown-filter", v.skip_if_unknown_filter, ctx, true));
        KES_RULES_TRY(decode_val(item, "capture", v.capture, ctx, true));
        KES_RULES_TRY(decode_val(item, "capture_duration", v.capture_duration, ctx, true));
        KES_RULES_TRY(decode_tags(item, v.tags, ctx));
        KES_RULES_TRY(read_exceptions(item, v.exceptions, ctx, false, res_));
        return col_.define_rule(std::move(v), res_);
    }

    static std::string trim(const std::string& s) {
        const char* ws = " \t\n\r\f\v";
        size_t b = s.find_first_not_of(ws);
        if (b == std::string::npos) {
            return "";
        }
        size_t e = s.find_last_not_of(ws);
        return s.substr(b, e - b + 1);
    }

    Collector& col_;
    LoadResult& res_;
};

} // namespace

bool read_rules_content(const std::string& content, const std::string& name, Collector& collector,
                        LoadResult& res) {
    Context ctx(name);
    if (size_t line = 0, column = 0; find_nul(content, &line, &column)) {
        res.add_error(LoadErrorCode::kYamlParse,
                      "yaml-cpp: error at line " + std::to_string(line + 1) + ", column " +
                          std::to_string(column + 1) +
                          ": a NUL byte is not allowed in a YAML stream",
                      ctx);
        return false;
    }
    std::vector<YAML::Node> docs;
    try {
        docs = load_all_documents(content);
    } catch (const YAML::ParserException& e) {
        res.add_error(LoadErrorCode::kYamlParse, e.what(),
                      Context(position_of(e.mark), ItemType::kValueFor, "", ctx));
        return false;
    } catch (const std::exception& e) {
        res.add_error(LoadErrorCode::kYamlParse, e.what(), ctx);
        return false;
    }

    ItemReader reader(collector, res);
    for (const auto& doc : docs) {
        if (!doc.IsDefined() || doc.IsNull()) {
            continue;
        }
        // yaml-cpp can throw on malformed node access that the checks above do not anticipate;
        // like Falco, report it as a validation error of this file.
        try {
            MaybeError err;
            if (!doc.IsMap() && !doc.IsSequence()) {
                err = yaml_error("Rules content is not yaml", ctx);
            } else if (!doc.IsSequence()) {
                err = yaml_error("Rules content is not yaml array of objects", ctx);
            } else {
                for (const YAML::Node& item : doc) {
                    if (item.IsNull()) {
                        continue;
                    }
                    err = reader.read_item(item, ctx);
                    if (err) {
                        break;
                    }
                }
            }
            if (err) {
                res.add_error(err->code, std::move(err->message), std::move(err->ctx));
                return false;
            }
        } catch (const YAML::Exception& e) {
            res.add_error(LoadErrorCode::kYamlValidate, e.what(),
                          Context(position_of(e.mark), ItemType::kValueFor, "", ctx));
            return false;
        } catch (const std::exception& e) {
            res.add_error(LoadErrorCode::kValidate, e.what(), ctx);
            return false;
        }
    }
    return true;
}

bool has_yaml_mapping_root(const std::string& content) {
    size_t line = 0;
    size_t column = 0;
    if (find_nul(content, &line, &column)) {
        return false;
    }
    try {
        for (const auto& doc : load_all_documents(content)) {
            if (doc.IsMap()) {
                return true;
            }
        }
    } catch (const YAML::Exception&) {
        // The load result already reports the parse error.
    }
    return false;
}

} // namespace kestrel::rules
