// The `-L -o json_output=true` document, field for field as falco_engine::describe_rule() and
// its get_json_details() overloads build it (falco userspace/engine/falco_engine.cpp), with
// filter_details_resolver's walk of the condition ASTs (filter_details_resolver.cpp).

#include <algorithm>
#include <unordered_set>

#include "daemon/describe.hpp"
#include "rules/condition_parser.hpp"
#include "rules/event_types.hpp"
#include "rules/field_registry.hpp"

namespace kestrel::daemon {
namespace {

using nlohmann::json;
using StringSet = std::unordered_set<std::string>;

// Falco collects these in std::unordered_set and prints them in iteration order. Filling the
// same container type in the same visiting order gives the same order as Falco's (both built
// on libstdc++), which keeps `falco -L` and `kestrel -L` outputs diffable.
template <typename Seq> json to_array(const Seq& seq) {
    json out = json::array();
    for (const auto& v : seq) {
        out.push_back(v);
    }
    return out;
}

// filter_details_resolver: what a condition AST refers to.
struct FilterDetails {
    const StringSet* known_macros = nullptr;
    const StringSet* known_lists = nullptr;
    StringSet fields;
    StringSet macros;
    StringSet operators;
    StringSet lists;
    StringSet evtnames;
};

class DetailsVisitor {
  public:
    explicit DetailsVisitor(FilterDetails& details) : d_(details) {}

    void visit(const rules::ast::Expr& e) {
        using rules::ast::ExprKind;
        switch (e.kind) {
        case ExprKind::kAnd:
        case ExprKind::kOr:
        case ExprKind::kNot:
            for (const auto& child : e.children) {
                visit(*child);
            }
            break;
        case ExprKind::kIdentifier:
            if (d_.known_macros->count(e.identifier) != 0) {
                d_.macros.insert(e.identifier);
            }
            break;
        case ExprKind::kCheck:
            visit_check(e);
            break;
        }
    }

  private:
    void visit_check(const rules::ast::Expr& e) {
        last_field_.clear();
        expect_evtname_ = false;
        expect_list_ = false;
        visit(e.lhs);
        if (!e.has_rhs) {
            d_.fields.insert(last_field_);
            d_.operators.insert(std::string(e.op_text));
            return;
        }
        d_.operators.insert(std::string(e.op_text));
        expect_list_ = true;
        expect_evtname_ = last_field_ == "evt.type" || last_field_ == "evt.asynctype";
        visit(e.rhs);
        expect_evtname_ = false;
        expect_list_ = false;
    }

    void visit(const rules::ast::Operand& o) {
        using rules::ast::OperandKind;
        switch (o.kind) {
        case OperandKind::kField:
            // libs' get_field_name(): the argument in brackets, whichever way it was written.
            last_field_ = o.arg.empty() ? o.field : o.field + "[" + o.arg + "]";
            d_.fields.insert(last_field_);
            break;
        case OperandKind::kTransformer:
            for (const auto& arg : o.args) {
                visit(arg);
            }
            break;
        case OperandKind::kValue:
            if (expect_evtname_) {
                d_.evtnames.insert(o.value);
            }
            break;
        case OperandKind::kList:
            for (const auto& arg : o.args) {
                visit(arg);
            }
            for (const auto& item : o.values) {
                bool is_list = d_.known_lists->count(item) != 0;
                if (expect_list_ && is_list) {
                    d_.lists.insert(item);
                }
                if (expect_evtname_ && !is_list) {
                    d_.evtnames.insert(item);
                }
            }
            break;
        }
    }

    FilterDetails& d_;
    std::string last_field_;
    bool expect_evtname_ = false;
    bool expect_list_ = false;
};

struct KnownNames {
    StringSet macros;
    StringSet lists;
};

FilterDetails resolve(const rules::ast::Expr& e, const KnownNames& known) {
    FilterDetails details;
    details.known_macros = &known.macros;
    details.known_lists = &known.lists;
    DetailsVisitor(details).visit(e);
    return details;
}

// The condition as written, parsed but neither list- nor macro-expanded: where Falco finds the
// macros and lists a rule or macro names directly. It parsed when the rules loaded.
FilterDetails resolve_written(const std::string& condition, const KnownNames& known) {
    rules::ParseResult parsed = rules::parse_condition(condition, rules::kRuleConditionMaxDepth);
    if (!parsed.ok()) {
        return FilterDetails{};
    }
    return resolve(*parsed.expr, known);
}

// get_json_evt_types() for syscall-source items: the event types the condition can match, plus
// `asyncevent`, which Falco adds to every syscall rule (async events reach every rule).
json event_names(const rules::EventTypeSet& types) {
    std::vector<std::string> names = types.names();
    if (std::find(names.begin(), names.end(), "asyncevent") == names.end()) {
        names.emplace_back("asyncevent");
    }
    return to_array(names);
}

// get_json_used_plugins(): the plugins whose fields the rule uses. Kestrel provides the fields
// of Falco's container and k8smeta plugins natively; a rule using them names those plugins, as
// it does in Falco with the plugins loaded (the container plugin is loaded by default).
json used_plugins(const StringSet& condition_fields,
                  const std::vector<std::string>& output_fields) {
    StringSet plugins;
    auto add = [&](const std::string& name) {
        const rules::FieldInfo* info = rules::find_field(name);
        if (info != nullptr && (info->provider == "container" || info->provider == "k8smeta")) {
            plugins.insert(std::string(info->provider));
        }
    };
    for (const auto& f : condition_fields) {
        add(f);
    }
    for (const auto& f : output_fields) {
        add(f);
    }
    return to_array(plugins);
}

void collect_operators(const rules::ExceptionEntry& comps, StringSet* out) {
    if (!comps.is_list) {
        out->insert(comps.item);
        return;
    }
    for (const auto& c : comps.items) {
        if (c.is_list) {
            // As Falco: two levels of lists at most.
            for (const auto& i : c.items) {
                out->insert(i.item);
            }
        } else {
            out->insert(c.item);
        }
    }
}

json rule_details(const rules::CompiledRule& rule, const rules::RuleInfo& info,
                  const KnownNames& known) {
    json out;
    json rule_info;
    rule_info["name"] = rule.name;
    rule_info["condition"] = info.cond;
    rule_info["priority"] = std::string(rules::priority_name(rule.priority));
    rule_info["output"] = info.output;
    rule_info["description"] = rule.description;
    rule_info["enabled"] = info.enabled;
    rule_info["source"] = rule.source;
    rule_info["tags"] = to_array(info.tags);
    out["info"] = std::move(rule_info);

    FilterDetails written = resolve_written(info.cond, known);
    FilterDetails compiled = resolve(*rule.condition, known);
    json& details = out["details"];
    details["macros"] = to_array(written.macros);
    details["lists"] = to_array(written.lists);
    details["condition_operators"] = to_array(compiled.operators);
    details["condition_fields"] = to_array(compiled.fields);
    details["output_fields"] = to_array(rule.output_fields);
    details["exception_fields"] = to_array(rule.exception_fields);

    StringSet exception_names;
    StringSet exception_operators;
    for (const auto& e : info.exceptions) {
        exception_names.insert(e.name);
        collect_operators(e.comps, &exception_operators);
    }
    details["exception_names"] = to_array(exception_names);
    details["exception_operators"] = to_array(exception_operators);
    details["events"] = event_names(rule.event_types);
    details["condition_compiled"] = rule.compiled_condition();
    details["output_compiled"] = rule.output;
    details["plugins"] = used_plugins(compiled.fields, rule.output_fields);
    return out;
}

json macro_details(const rules::CompiledMacro& macro, const rules::MacroInfo& info,
                   const KnownNames& known) {
    json out;
    out["info"] = {{"name", macro.name}, {"condition", info.cond}};
    FilterDetails written = resolve_written(info.cond, known);
    FilterDetails compiled = resolve(*macro.condition, known);
    json& details = out["details"];
    details["used"] = macro.used;
    details["macros"] = to_array(written.macros);
    details["lists"] = to_array(written.lists);
    details["condition_operators"] = to_array(compiled.operators);
    details["condition_fields"] = to_array(compiled.fields);
    details["events"] = event_names(rules::event_types_of(*macro.condition));
    details["condition_compiled"] = rules::ast::to_string(*macro.condition);
    // Falco: a macro has no source, so which plugin it would use is unknown.
    details["plugins"] = json::array();
    return out;
}

json list_details(const rules::CompiledList& list, const rules::ListInfo& info) {
    json items = json::array();
    StringSet lists;
    for (const auto& item : info.items) {
        // As Falco: an item written in the list but absent from the compiled items was a
        // reference to another list, expanded away.
        if (std::find(list.items.begin(), list.items.end(), item) == list.items.end()) {
            lists.insert(item);
            continue;
        }
        items.push_back(item);
    }
    json out;
    out["info"] = {{"name", list.name}, {"items", std::move(items)}};
    out["details"] = {{"used", list.used},
                      {"lists", to_array(lists)},
                      {"items_compiled", to_array(list.items)},
                      {"plugins", json::array()}};
    return out;
}

json required_plugin_versions(const rules::CompiledRuleset& ruleset) {
    json out = json::array();
    for (const auto& req : ruleset.plugin_requirements) {
        if (req.alternatives.empty()) {
            continue;
        }
        json r;
        r["name"] = req.alternatives[0].name;
        r["version"] = req.alternatives[0].version;
        json alternatives = json::array();
        for (size_t i = 1; i < req.alternatives.size(); i++) {
            alternatives.push_back(
                {{"name", req.alternatives[i].name}, {"version", req.alternatives[i].version}});
        }
        r["alternatives"] = std::move(alternatives);
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace

base::Result<nlohmann::json> describe_json(const rules::CompiledRuleset& ruleset,
                                           const rules::Collector& collector,
                                           const std::string* rule_name) {
    KnownNames known;
    for (const auto& m : collector.macros()) {
        known.macros.insert(m.name);
    }
    for (const auto& l : collector.lists()) {
        known.lists.insert(l.name);
    }

    json output;
    if (rule_name != nullptr) {
        const rules::RuleInfo* info = collector.rules().find(*rule_name);
        const rules::CompiledRule* rule = ruleset.find_rule(*rule_name);
        if (info == nullptr || info->unknown_source || rule == nullptr) {
            return base::make_error(base::ErrorCode::kNotFound,
                                    "Rule \"" + *rule_name + "\" is not loaded");
        }
        output["rules"] = json::array({rule_details(*rule, *info, known)});
        return output;
    }

    // Falco's collector starts from version 0.0.0 and keeps the highest requirement.
    rules::Version engine = ruleset.required_engine_version.value_or(rules::Version{});
    output["required_engine_version"] = engine.to_string();
    output["required_plugin_versions"] = required_plugin_versions(ruleset);

    json rules_array = json::array();
    for (const auto& rule : ruleset.rules) {
        const rules::RuleInfo* info = collector.rules().find(rule.name);
        if (info != nullptr) {
            rules_array.push_back(rule_details(rule, *info, known));
        }
    }
    output["rules"] = std::move(rules_array);

    json macros_array = json::array();
    for (const auto& macro : ruleset.macros) {
        const rules::MacroInfo* info = collector.macros().find(macro.name);
        if (info != nullptr && macro.condition != nullptr) {
            macros_array.push_back(macro_details(macro, *info, known));
        }
    }
    output["macros"] = std::move(macros_array);

    json lists_array = json::array();
    for (const auto& list : ruleset.lists) {
        const rules::ListInfo* info = collector.lists().find(list.name);
        if (info != nullptr) {
            lists_array.push_back(list_details(list, *info));
        }
    }
    output["lists"] = std::move(lists_array);
    return output;
}

} // namespace kestrel::daemon
