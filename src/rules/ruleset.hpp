#pragma once
// The compiled form of everything loaded: what the evaluator (src/eval/) lowers and what
// `-L`/describe prints. Conditions are macro-expanded, field-resolved and type-checked ASTs.

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/ast.hpp"
#include "rules/event_types.hpp"
#include "rules/items.hpp"

namespace kestrel::rules {

struct CompiledMacro {
    std::string name;
    std::string condition_text;                 // as written (appends glued)
    std::shared_ptr<const ast::Expr> condition; // lists and nested macros expanded
    bool used = false;
    // What the condition referenced (describe's details.macros / details.lists).
    std::set<std::string> macros;
    std::set<std::string> lists;
};

struct CompiledRule {
    uint32_t id = 0; // position in evaluation order (first definition wins the slot)
    std::string name;
    std::string source;
    std::string description;
    std::string output; // after %container.info removal
    std::vector<std::string> output_fields;
    Priority priority = Priority::kDebug;
    std::set<std::string> tags;
    bool enabled = true;
    bool capture = false;
    uint64_t capture_duration = 0;
    std::string condition_text;                 // with appends and the exceptions rewrite
    std::shared_ptr<const ast::Expr> condition; // expanded, resolved, checked
    std::set<std::string> exception_fields;
    // What the condition referenced, nested references included (describe's details).
    std::set<std::string> macros;
    std::set<std::string> lists;
    EventTypeSet event_types = EventTypeSet::all();

    // Falco's `condition_compiled`.
    [[nodiscard]] std::string compiled_condition() const { return ast::to_string(*condition); }
};

struct CompiledList {
    std::string name;
    std::vector<std::string> items; // nested lists expanded
    bool used = false;
    std::set<std::string> lists; // lists its items referenced (describe's details.lists)
};

struct CompiledRuleset {
    std::vector<CompiledList> lists;
    std::vector<CompiledMacro> macros;
    std::vector<CompiledRule> rules;
    std::optional<Version> required_engine_version;
    std::vector<PluginRequirementAlternatives> plugin_requirements;

    [[nodiscard]] const CompiledRule* find_rule(const std::string& name) const;
    [[nodiscard]] const CompiledMacro* find_macro(const std::string& name) const;
};

} // namespace kestrel::rules
