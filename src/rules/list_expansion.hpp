#pragma once
// Pass 0 (before parsing): lists. Falco expands lists textually (rule_loader_compiler.cpp
// resolve_list): every occurrence of a list name delimited by blanks, `(`, `)`, `,`, `=` or the
// ends of the string becomes its items joined with ", " (items with spaces double-quoted).
// List items naming an earlier-defined list are expanded first (list-in-list).

#include <set>
#include <string>
#include <vector>

#include "rules/collector.hpp"
#include "rules/ruleset.hpp"

namespace kestrel::rules {

NamedItems<CompiledList> compile_lists(const NamedItems<ListInfo>& lists);

// Substitutes every list of `lists` into `condition` (in definition order), marks the ones
// found as used and adds their names to *found (if given).
std::string expand_lists(std::string condition, NamedItems<CompiledList>& lists,
                         std::set<std::string>* found = nullptr);

} // namespace kestrel::rules
