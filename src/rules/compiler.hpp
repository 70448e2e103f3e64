#pragma once
// Compiles everything collected so far, as Falco does after each rules file: lists (nested
// lists expanded), macros (parsed, nested macros expanded), rules (exceptions rewritten, output
// checked, condition parsed, macros expanded, fields resolved, types checked, event types
// computed). The first error stops compilation, like Falco's compiler; unused macros and lists
// are reported only after a successful compilation.

#include "rules/collector.hpp"
#include "rules/ruleset.hpp"

namespace kestrel::rules {

// Returns false on error (added to `res`); `out` is then incomplete.
bool compile_rules(const Collector& collector, LoadResult& res, CompiledRuleset* out);

} // namespace kestrel::rules
