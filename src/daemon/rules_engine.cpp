#include "daemon/rules_engine.hpp"

#include <fmt/format.h>

#include "base/log.hpp"
#include "daemon/default_rules.hpp"
#include "daemon/describe.hpp"
#include "rules/validation_output.hpp"

namespace kestrel::daemon {
namespace {

using base::ErrorCode;
using base::make_error;

eval::OutputOptions output_options(const Config& config) {
    eval::OutputOptions options;
    options.json_output = config.json_output;
    options.json_include_output_property = config.json_include_output_property;
    options.json_include_message_property = config.json_include_message_property;
    options.json_include_output_fields_property = config.json_include_output_fields_property;
    options.json_include_tags_property = config.json_include_tags_property;
    options.time_format_iso_8601 = config.time_format_iso_8601;
    return options;
}

base::Result<eval::RulesetOptions> ruleset_options(const Config& config) {
    eval::RulesetOptions options;
    if (!rules::parse_priority(config.priority, &options.min_priority)) {
        return make_error(
            ErrorCode::kInvalidArgument,
            fmt::format("configuration key 'priority': unknown priority '{}'", config.priority));
    }
    options.matching =
        config.rule_matching == "all" ? eval::RuleMatching::kAll : eval::RuleMatching::kFirst;
    for (const RuleSelection& selection : config.rule_selection) {
        options.selection.push_back(
            eval::RuleSelection{selection.enable, selection.by_tag, selection.pattern});
    }
    // Per-rule evaluation counts and time (Kestrel's metrics) go with Falco's per-rule match
    // counters: only when something publishes them.
    options.time_rules = config.metrics.enabled && config.metrics.options.rules_counters;
    return options;
}

} // namespace

base::Result<std::unique_ptr<RulesEngine>> RulesEngine::load(const Config& config) {
    std::unique_ptr<RulesEngine> engine(new RulesEngine());
    std::vector<std::string> files = expand_rules_paths(config.rules_files);
    if (config.rules_files.empty()) {
        // Nothing configured (no -r, no rules_files): Kestrel's built-in ruleset.
        const rules::LoadResult& result =
            engine->loader_.load_content(std::string(default_rules_content()), kDefaultRulesName);
        if (!engine->loader_.successful()) {
            rules::ValidationText text =
                rules::validation_text({result}, engine->loader_.contents());
            return make_error(ErrorCode::kInternal,
                              fmt::format("Could not load the built-in rules {}:\n{}",
                                          kDefaultRulesName, text.summary));
        }
    } else if (files.empty()) {
        // Falco's wording, so scripts that grep for it keep working.
        return make_error(ErrorCode::kInvalidArgument,
                          "You must specify at least one rules file/directory via -r or a "
                          "rules_files entry in falco.yaml");
    }
    for (const std::string& file : files) {
        const rules::LoadResult& result = engine->loader_.load_file(file);
        if (!engine->loader_.successful()) {
            rules::ValidationText text =
                rules::validation_text({result}, engine->loader_.contents());
            return make_error(ErrorCode::kInvalidArgument,
                              fmt::format("Could not load rules file {}:\n{}", file, text.summary));
        }
    }
    auto options = ruleset_options(config);
    if (!options.ok()) {
        return options.error();
    }
    auto ruleset = eval::Ruleset::compile(engine->loader_.ruleset(), std::move(*options));
    if (!ruleset.ok()) {
        return ruleset.error();
    }
    engine->ruleset_.emplace(std::move(*ruleset));
    for (const eval::SkippedRule& skipped : engine->ruleset_->skipped()) {
        KES_LOG_WARN("rule '{}' is not evaluated: {}", skipped.name, skipped.reason);
    }
    auto formatter =
        eval::OutputFormatter::compile(engine->loader_.ruleset(), output_options(config));
    if (!formatter.ok()) {
        return formatter.error();
    }
    engine->formatter_.emplace(std::move(*formatter));
    KES_LOG_INFO("loaded {} rules from {}", engine->ruleset_->rules().size(),
                 config.rules_files.empty() ? std::string("the built-in ") + kDefaultRulesName
                                            : fmt::format("{} file(s)", files.size()));
    return engine;
}

size_t RulesEngine::process(const event::View& evt, uint64_t wall_ns, const state::Tables* state,
                            output::Outputs& outputs) {
    ruleset_->set_state(state);
    return ruleset_->evaluate(evt, [&](const eval::Match& match) {
        ++alerts_;
        eval::Alert* slot = outputs.claim();
        if (slot == nullptr) {
            return; // queue full: counted as outputs_queue_num_drops, nothing rendered
        }
        formatter_->build_alert(*match.rule.source, match.evt, state, ruleset_->stats().events,
                                wall_ns, *slot);
        outputs.commit();
    });
}

} // namespace kestrel::daemon
