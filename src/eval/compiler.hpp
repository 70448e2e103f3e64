#pragma once
// Compiler: lowers rule conditions (macro-expanded, field-resolved ASTs from src/rules/) into one
// shared Program. The AST no longer shows macro boundaries (macros are expanded in place), so
// sharing is found structurally: every sub-tree is keyed by its rendered text (libs'
// as_string form), identical sub-trees become one node, and nodes used more than once get a memo
// slot in finish().

#include <cstdint>
#include <string>
#include <unordered_map>

#include "base/result.hpp"
#include "eval/program.hpp"
#include "rules/ast.hpp"

namespace kestrel::eval {

class Compiler {
  public:
    explicit Compiler(Program& program) : program_(program) {}

    // Adds one condition; returns its root node. A failure leaves no partial node reachable.
    base::Result<uint32_t> compile(const rules::ast::Expr& e);
    // Marks each rule root as used once more (a rule's root is one use) and assigns memo slots
    // to shared nodes. Call once, after the last compile().
    void finish(const std::vector<uint32_t>& roots);

  private:
    base::Result<uint32_t> node(const rules::ast::Expr& e);
    base::Result<uint32_t> check(const rules::ast::Expr& e);
    base::Result<FieldOperand> field_operand(const rules::ast::Operand& o);
    base::Result<uint32_t> slot_for(const rules::ast::Operand& o);

    Program& program_;
    std::unordered_map<std::string, uint32_t> nodes_by_text_;
    std::unordered_map<std::string, uint32_t> slots_by_text_;
};

} // namespace kestrel::eval
