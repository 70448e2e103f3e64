#include "rules/compiler.hpp"

#include <limits>
#include <set>
#include <unordered_map>

#include "rules/condition_checks.hpp"
#include "rules/condition_parser.hpp"
#include "rules/exceptions.hpp"
#include "rules/list_expansion.hpp"
#include "rules/macro_expansion.hpp"
#include "rules/output_format.hpp"

namespace kestrel::rules {
namespace {

constexpr uint32_t kMaxVisibility = std::numeric_limits<uint32_t>::max();
constexpr std::string_view kContainerInfo = "%container.info";

void replace_all(std::string& s, std::string_view from, std::string_view to) {
    for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
        s.replace(pos, from.size(), to);
    }
}

struct MacroState {
    const MacroInfo* info = nullptr;
    ast::ExprPtr ast;
    bool used = false;
    std::set<std::string> macros;
    std::set<std::string> lists;
};

class Compiler {
  public:
    Compiler(const Collector& col, LoadResult& res, CompiledRuleset* out)
        : col_(col), res_(res), out_(out) {}

    bool run() {
        lists_ = compile_lists(col_.lists());
        MaybeError err = compile_macros();
        if (!err) {
            err = compile_rule_infos();
        }
        if (err) {
            res_.add_error(err->code, std::move(err->message), std::move(err->ctx));
            return false;
        }
        for (const auto& m : macros_) {
            if (!m.used) {
                res_.add_warning(LoadWarningCode::kUnusedMacro,
                                 "Macro not referred to by any other rule/macro", m.info->ctx);
            }
        }
        for (const auto& l : lists_) {
            if (!l.used) {
                res_.add_warning(LoadWarningCode::kUnusedList,
                                 "List not referred to by any other rule/macro",
                                 col_.lists().find(l.name)->ctx);
            }
        }
        for (const auto& l : lists_) {
            out_->lists.push_back(l);
        }
        for (auto& m : macros_) {
            CompiledMacro macro;
            macro.name = m.info->name;
            macro.condition_text = m.info->cond;
            macro.condition = std::shared_ptr<const ast::Expr>(std::move(m.ast));
            macro.used = m.used;
            macro.macros = std::move(m.macros);
            macro.lists = std::move(m.lists);
            out_->macros.push_back(std::move(macro));
        }
        out_->required_engine_version = col_.required_engine_version();
        out_->plugin_requirements = col_.plugin_requirements();
        return true;
    }

  private:
    // Lists (textually), then the parser. Errors point into the expanded text, as Falco's do.
    MaybeError parse(const std::string& condition, const Context& cond_ctx, ast::ExprPtr* out,
                     std::set<std::string>* lists_found) {
        std::string expanded = expand_lists(condition, lists_, lists_found);
        ParseResult r = parse_condition(expanded, kRuleConditionMaxDepth);
        if (!r.ok()) {
            return LoadError{LoadErrorCode::kCompileCondition, r.error,
                             Context::in_condition(r.error_pos, expanded, cond_ctx)};
        }
        *out = std::move(r.expr);
        return std::nullopt;
    }

    // A macro or rule sees the macros first defined before its own last definition.
    MaybeError expand_macros(ast::ExprPtr& expr, const std::string& condition, uint32_t visibility,
                             const Context& ctx, std::set<std::string>* macros_found) {
        MacroResolver resolver;
        for (const auto& m : macros_) {
            if (m.info->index < visibility) {
                resolver.set_macro(m.info->name, m.ast.get());
            }
        }
        if (!resolver.run(expr)) {
            return LoadError{LoadErrorCode::kValidate, resolver.first_error(),
                             Context::in_condition(resolver.first_error_pos(), condition, ctx)};
        }
        for (const auto& name : resolver.resolved()) {
            macros_[macro_index_.at(name)].used = true;
            macros_found->insert(name);
        }
        return std::nullopt;
    }

    MaybeError compile_macros() {
        for (const auto& m : col_.macros()) {
            MacroState state;
            state.info = &m;
            if (auto err = parse(m.cond, m.cond_ctx, &state.ast, &state.lists)) {
                return err;
            }
            macro_index_[m.name] = macros_.size();
            macros_.push_back(std::move(state));
        }
        for (auto& m : macros_) {
            ast::ExprPtr expanded = ast::clone(*m.ast);
            if (auto err = expand_macros(expanded, m.info->cond, m.info->visibility, m.info->ctx,
                                         &m.macros)) {
                return err;
            }
            m.ast = std::move(expanded);
            for (const auto& name : m.macros) {
                const auto& lists = macros_[macro_index_.at(name)].lists;
                m.lists.insert(lists.begin(), lists.end());
            }
        }
        return std::nullopt;
    }

    MaybeError check_output(const RuleInfo& r, CompiledRule& rule, bool* skip) {
        rule.output = r.output;
        if (rule.output.find(kContainerInfo) != std::string::npos) {
            res_.add_warning(LoadWarningCode::kDeprecatedItem,
                             "%container.info is deprecated and no more useful, and will be "
                             "dropped by Falco 1.0.0. The container plugin will automatically add "
                             "required fields to the output message.",
                             r.ctx);
            replace_all(rule.output, kContainerInfo, "");
        }
        OutputFormatInfo info;
        if (auto issue = check_output_format(rule.output, &info)) {
            if (r.skip_if_unknown_filter) {
                res_.add_warning(LoadWarningCode::kUnknownFilter, issue->message, r.output_ctx);
                *skip = true;
                return std::nullopt;
            }
            return LoadError{LoadErrorCode::kCompileOutput, issue->message, r.output_ctx};
        }
        rule.output_fields = std::move(info.fields);
        for (auto dep : kDeprecatedFields) {
            if (rule.output.find(dep) != std::string::npos) {
                res_.add_warning(LoadWarningCode::kDeprecatedItem,
                                 "usage of deprecated field '" + std::string(dep) +
                                     "' has been detected in the rule output",
                                 r.output_ctx);
            }
        }
        return std::nullopt;
    }

    MaybeError compile_condition(const RuleInfo& r, const std::string& condition,
                                 CompiledRule& rule, bool* skip) {
        ast::ExprPtr expr;
        if (auto err = parse(condition, r.cond_ctx, &expr, &rule.lists)) {
            return err;
        }
        if (auto err = expand_macros(expr, condition, kMaxVisibility, r.ctx, &rule.macros)) {
            return err;
        }
        // Lists reached through macros count too.
        for (const auto& name : rule.macros) {
            const auto& lists = macros_[macro_index_.at(name)].lists;
            rule.lists.insert(lists.begin(), lists.end());
        }
        // One warning of each kind per rule, like Falco's per-rule warning-code set, even when
        // a macro used many times carries the deprecated field.
        std::set<std::pair<LoadWarningCode, std::string>> seen;
        for (auto& w : condition_warnings(*expr)) {
            if (seen.emplace(w.code, w.message).second) {
                res_.add_warning(w.code, w.message,
                                 Context::in_condition(w.pos, condition, r.cond_ctx));
            }
        }
        std::optional<ConditionIssue> issue = resolve_fields(*expr);
        if (!issue) {
            issue = type_check(*expr);
        }
        if (issue) {
            Context ctx = Context::in_condition(issue->pos, condition, r.cond_ctx);
            if (issue->unknown_field_or_type && r.skip_if_unknown_filter) {
                res_.add_warning(LoadWarningCode::kUnknownFilter, issue->message, ctx);
                *skip = true;
                return std::nullopt;
            }
            return LoadError{LoadErrorCode::kCompileCondition, issue->message, ctx};
        }
        rule.condition = std::shared_ptr<const ast::Expr>(std::move(expr));
        return std::nullopt;
    }

    MaybeError compile_rule_infos() {
        for (const auto& r : col_.rules()) {
            if (r.unknown_source) {
                continue;
            }
            CompiledRule rule;
            std::string condition = r.cond;
            if (!r.exceptions.empty()) {
                if (auto err = build_exception_condition(r.exceptions, &condition,
                                                         &rule.exception_fields)) {
                    return err;
                }
            }
            bool skip = false;
            if (auto err = check_output(r, rule, &skip)) {
                return err;
            }
            if (skip) {
                continue;
            }
            if (auto err = compile_condition(r, condition, rule, &skip)) {
                return err;
            }
            if (skip) {
                continue;
            }
            if (r.source == "syscall") {
                rule.event_types = event_types_of(*rule.condition);
                if (r.warn_evttypes && matches_too_many_event_types(rule.event_types)) {
                    res_.add_warning(LoadWarningCode::kNoEvttype,
                                     "Rule matches too many evt.type values. This has a "
                                     "significant performance penalty.",
                                     r.ctx);
                }
            }
            rule.id = static_cast<uint32_t>(out_->rules.size());
            rule.name = r.name;
            rule.source = r.source;
            rule.description = r.desc;
            rule.priority = r.priority;
            rule.tags = r.tags;
            rule.enabled = r.enabled;
            rule.capture = r.capture;
            rule.capture_duration = r.capture_duration;
            rule.condition_text = condition;
            out_->rules.push_back(std::move(rule));
        }
        return std::nullopt;
    }

    const Collector& col_;
    LoadResult& res_;
    CompiledRuleset* out_;
    NamedItems<CompiledList> lists_;
    std::vector<MacroState> macros_;
    std::unordered_map<std::string, size_t> macro_index_;
};

} // namespace

bool compile_rules(const Collector& collector, LoadResult& res, CompiledRuleset* out) {
    return Compiler(collector, res, out).run();
}

const CompiledRule* CompiledRuleset::find_rule(const std::string& name) const {
    for (const auto& r : rules) {
        if (r.name == name) {
            return &r;
        }
    }
    return nullptr;
}

const CompiledMacro* CompiledRuleset::find_macro(const std::string& name) const {
    for (const auto& m : macros) {
        if (m.name == name) {
            return &m;
        }
    }
    return nullptr;
}

} // namespace kestrel::rules
