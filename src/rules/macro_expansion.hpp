#pragma once
// Pass 2: macros. An identifier in a condition names a macro; it is replaced by a copy of the
// macro's (already list-expanded) AST, recursively, as Falco's filter_macro_resolver does.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "rules/ast.hpp"

namespace kestrel::rules {

class MacroResolver {
  public:
    void set_macro(const std::string& name, const ast::Expr* body);

    // Substitutes every known macro in `root`. Returns false if a macro reference loop or an
    // unknown macro was found; first_error() then gives Falco's message and the position.
    bool run(ast::ExprPtr& root);

    [[nodiscard]] const std::set<std::string>& resolved() const { return resolved_; }
    [[nodiscard]] std::string first_error() const;
    [[nodiscard]] ast::Pos first_error_pos() const;

  private:
    void visit(ast::ExprPtr& e);

    std::map<std::string, const ast::Expr*> macros_;
    std::set<std::string> resolved_;
    std::vector<std::string> path_;
    std::vector<std::pair<std::string, ast::Pos>> errors_;  // loops
    std::vector<std::pair<std::string, ast::Pos>> unknown_; // undefined macro names
};

} // namespace kestrel::rules
