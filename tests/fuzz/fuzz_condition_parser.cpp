// Fuzzes the condition parser and everything that runs on its AST without YAML around it:
// parsing (with the rule depth limit), rendering (a fixed point under re-parsing), field
// resolution, type checks, warnings and event-type sets.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "rules/ast.hpp"
#include "rules/condition_checks.hpp"
#include "rules/condition_parser.hpp"
#include "rules/event_types.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace kestrel::rules;
    const std::string text(reinterpret_cast<const char*>(data), size);
    ParseResult r = parse_condition(text, kRuleConditionMaxDepth);
    if (!r.ok()) {
        return 0;
    }
    // The rendering is what Falco prints as condition_compiled. Like Falco's, it does not always
    // parse back to the same tree (a value "x(y" or "a,b" prints bare), but re-rendering what it
    // parses to reaches a fixed point at once.
    const std::string rendered = ast::to_string(*r.expr);
    ParseResult again = parse_condition(rendered, kRuleConditionMaxDepth * 4);
    if (again.ok()) {
        const std::string second = ast::to_string(*again.expr);
        ParseResult third = parse_condition(second, kRuleConditionMaxDepth * 4);
        if (third.ok() && ast::to_string(*third.expr) != second) {
            std::abort();
        }
    }
    (void)condition_warnings(*r.expr);
    if (!resolve_fields(*r.expr)) {
        (void)type_check(*r.expr);
    }
    (void)event_types_of(*r.expr);
    return 0;
}
