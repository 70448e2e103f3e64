#include "rules/macro_expansion.hpp"

#include <algorithm>

namespace kestrel::rules {

void MacroResolver::set_macro(const std::string& name, const ast::Expr* body) {
    macros_[name] = body;
}

bool MacroResolver::run(ast::ExprPtr& root) {
    errors_.clear();
    unknown_.clear();
    path_.clear();
    visit(root);
    return errors_.empty() && unknown_.empty();
}

void MacroResolver::visit(ast::ExprPtr& e) {
    switch (e->kind) {
    case ast::ExprKind::kAnd:
    case ast::ExprKind::kOr:
    case ast::ExprKind::kNot:
        for (auto& c : e->children) {
            visit(c);
        }
        return;
    case ast::ExprKind::kCheck:
        return;
    case ast::ExprKind::kIdentifier:
        break;
    }
    const std::string name = e->identifier;
    auto it = macros_.find(name);
    if (it == macros_.end() || it->second == nullptr) {
        unknown_.emplace_back(name, e->pos);
        return;
    }
    if (std::find(path_.begin(), path_.end(), name) != path_.end()) {
        errors_.emplace_back("reference loop in macro '" + name + "'", e->pos);
        return;
    }
    ast::ExprPtr body = ast::clone(*it->second);
    path_.push_back(name);
    visit(body);
    path_.pop_back();
    resolved_.insert(name);
    e = std::move(body);
}

std::string MacroResolver::first_error() const {
    if (!errors_.empty()) {
        return errors_.front().first;
    }
    if (!unknown_.empty()) {
        return "Undefined macro '" + unknown_.front().first + "' used in filter.";
    }
    return "";
}

ast::Pos MacroResolver::first_error_pos() const {
    if (!errors_.empty()) {
        return errors_.front().second;
    }
    return unknown_.empty() ? ast::Pos{} : unknown_.front().second;
}

} // namespace kestrel::rules
