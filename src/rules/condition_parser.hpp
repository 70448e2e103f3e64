#pragma once
// Pass 1: condition text -> AST. A recursive-descent parser for Falco's filter grammar
// (falco-compat.md §2.1, libs userspace/libsinsp/filter/parser.cpp), with libs' error messages
// and positions so that diagnostics match Falco's.

#include <cstdint>
#include <string>
#include <string_view>

#include "rules/ast.hpp"

namespace kestrel::rules {

// libs' parser default; Falco raises it to kRuleConditionMaxDepth for rule conditions.
inline constexpr uint32_t kDefaultParserMaxDepth = 100;
inline constexpr uint32_t kRuleConditionMaxDepth = 1000;

struct ParseResult {
    ast::ExprPtr expr; // null on error
    std::string error; // libs' message, e.g. "unexpected token after 'open', expecting 'or', 'and'"
    ast::Pos error_pos; // parser position when the error was detected
    [[nodiscard]] bool ok() const { return expr != nullptr; }
};

ParseResult parse_condition(std::string_view text, uint32_t max_depth = kDefaultParserMaxDepth);

} // namespace kestrel::rules
