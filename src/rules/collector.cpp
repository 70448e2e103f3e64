#include "rules/collector.hpp"

#include <algorithm>

#include "rules/exceptions.hpp"

namespace kestrel::rules {
namespace {

LoadError validate_error(std::string msg, const Context& ctx) {
    return LoadError{LoadErrorCode::kValidate, std::move(msg), ctx};
}

// A redefinition keeps the first definition's index (its place in evaluation order) and
// becomes visible from this point of the load order.
template <typename T> void define_info(NamedItems<T>& infos, T info, uint32_t id) {
    if (T* prev = infos.find(info.name)) {
        info.index = prev->index;
        info.visibility = id;
        *prev = std::move(info);
    } else {
        info.index = id;
        info.visibility = id;
        const std::string name = info.name;
        infos.insert(std::move(info), name);
    }
}

} // namespace

MaybeError Collector::define_engine_version(const Version& v, const Context& ctx) {
    if (v.major != kEngineVersion.major || kEngineVersion < v) {
        return validate_error("Rules require engine version " + v.to_string() +
                                  ", but engine version is " + kEngineVersion.to_string(),
                              ctx);
    }
    if (!engine_version_ || *engine_version_ < v) {
        engine_version_ = v;
    }
    return std::nullopt;
}

MaybeError Collector::define_plugin_requirement(PluginRequirementAlternatives req) {
    std::set<std::string> names;
    for (const auto& alt : req.alternatives) {
        Version v;
        if (!parse_version(alt.version, &v)) {
            return validate_error("Invalid required version '" + alt.version + "' for plugin '" +
                                      alt.name + "'",
                                  req.ctx);
        }
        if (!names.insert(alt.name).second) {
            return validate_error("Defined multiple alternative version requirements for plugin '" +
                                      alt.name + "'",
                                  req.ctx);
        }
    }
    plugin_requirements_.push_back(std::move(req));
    return std::nullopt;
}

void Collector::define_list(ListInfo info) { define_info(lists_, std::move(info), cur_index_++); }

MaybeError Collector::append_list(const ListInfo& info) {
    ListInfo* prev = lists_.find(info.name);
    if (!prev) {
        return validate_error("List uses 'append' or 'override.items: append' but no list by that "
                              "name already exists",
                              info.ctx);
    }
    prev->items.insert(prev->items.end(), info.items.begin(), info.items.end());
    prev->visibility = cur_index_++;
    return std::nullopt;
}

void Collector::define_macro(MacroInfo info) {
    define_info(macros_, std::move(info), cur_index_++);
}

MaybeError Collector::append_macro(const MacroInfo& info) {
    MacroInfo* prev = macros_.find(info.name);
    if (!prev) {
        return validate_error("Macro uses 'append' or 'override.condition: append' but no macro "
                              "by that name already exists",
                              info.ctx);
    }
    prev->cond += " ";
    prev->cond += info.cond;
    prev->visibility = cur_index_++;
    return std::nullopt;
}

MaybeError Collector::define_rule(RuleInfo info, LoadResult& res) {
    const RuleInfo* prev = rules_.find(info.name);
    if (prev && prev->source != info.source) {
        return validate_error("Rule has been re-defined with a different source", info.ctx);
    }
    const bool known = is_known_source(info.source);
    if (!known) {
        info.unknown_source = true;
        res.add_warning(LoadWarningCode::kUnknownSource,
                        "Unknown source " + info.source + ", skipping", info.ctx);
    }
    for (auto& ex : info.exceptions) {
        if (!ex.fields.is_valid()) {
            return validate_error(
                "Rule exception item must have fields property with a list of fields", ex.ctx);
        }
        if (auto err = validate_exception(ex, known)) {
            return err;
        }
    }
    define_info(rules_, std::move(info), cur_index_++);
    return std::nullopt;
}

MaybeError Collector::append_rule(RuleUpdateInfo info) {
    RuleInfo* prev = rules_.find(info.name);
    if (!prev) {
        return validate_error("Rule uses 'append' or 'override.<key>: append' but no rule by that "
                              "name already exists",
                              info.ctx);
    }
    if (!info.has_any_value()) {
        return validate_error("Appended rule must have exceptions or condition property", info.ctx);
    }
    if (info.source && !info.source->empty() && *info.source != prev->source) {
        return validate_error("Rule has been re-defined with a different source", info.ctx);
    }
    auto glue = [](std::string& dst, const std::optional<std::string>& add) {
        if (add && !add->empty()) {
            dst += " ";
            dst += *add;
        }
    };
    glue(prev->cond, info.cond);
    glue(prev->output, info.output);
    glue(prev->desc, info.desc);
    if (info.tags) {
        prev->tags.insert(info.tags->begin(), info.tags->end());
    }
    if (info.exceptions) {
        for (auto& ex : *info.exceptions) {
            auto prev_ex = std::find_if(prev->exceptions.begin(), prev->exceptions.end(),
                                        [&](const ExceptionInfo& e) { return e.name == ex.name; });
            if (prev_ex == prev->exceptions.end()) {
                if (!ex.fields.is_valid()) {
                    return validate_error(
                        "Rule exception must have fields property with a list of fields", ex.ctx);
                }
                if (ex.values.empty()) {
                    return validate_error(
                        "Rule exception must have values property with a list of values", ex.ctx);
                }
                if (auto err = validate_exception(ex, !prev->unknown_source)) {
                    return err;
                }
                prev->exceptions.push_back(std::move(ex));
            } else {
                if (ex.fields.is_valid()) {
                    return validate_error(
                        "Can not append exception fields to existing exception, only values",
                        ex.ctx);
                }
                if (ex.comps.is_valid()) {
                    return validate_error(
                        "Can not append exception comps to existing exception, only values",
                        ex.ctx);
                }
                prev_ex->values.insert(prev_ex->values.end(), ex.values.begin(), ex.values.end());
            }
        }
    }
    prev->visibility = cur_index_++;
    return std::nullopt;
}

MaybeError Collector::replace_rule(RuleUpdateInfo info) {
    RuleInfo* prev = rules_.find(info.name);
    if (!prev) {
        return validate_error("An 'override.<key>: replace' to a rule was requested but no rule "
                              "by that name already exists",
                              info.ctx);
    }
    if (!info.has_any_value()) {
        return validate_error("The rule must have at least one field that can be replaced",
                              info.ctx);
    }
    if (info.source && !info.source->empty() && *info.source != prev->source) {
        return validate_error("Rule has been re-defined with a different source", info.ctx);
    }
    if (info.exceptions) {
        for (auto& ex : *info.exceptions) {
            if (auto err = validate_exception(ex, !prev->unknown_source)) {
                return err;
            }
        }
        prev->exceptions = std::move(*info.exceptions);
    }
    if (info.cond) {
        prev->cond = *info.cond;
    }
    if (info.output) {
        prev->output = *info.output;
    }
    if (info.desc) {
        prev->desc = *info.desc;
    }
    if (info.tags) {
        prev->tags = *info.tags;
    }
    if (info.priority) {
        prev->priority = *info.priority;
    }
    if (info.enabled) {
        prev->enabled = *info.enabled;
    }
    if (info.warn_evttypes) {
        prev->warn_evttypes = *info.warn_evttypes;
    }
    if (info.skip_if_unknown_filter) {
        prev->skip_if_unknown_filter = *info.skip_if_unknown_filter;
    }
    if (info.capture) {
        prev->capture = *info.capture;
    }
    if (info.capture_duration) {
        prev->capture_duration = *info.capture_duration;
    }
    prev->visibility = cur_index_++;
    return std::nullopt;
}

MaybeError Collector::enable_rule(const std::string& name, bool enabled, const Context& ctx) {
    RuleInfo* prev = rules_.find(name);
    if (!prev) {
        return validate_error("Rule has 'enabled' key but no rule by that name already exists",
                              ctx);
    }
    prev->enabled = enabled;
    return std::nullopt;
}

} // namespace kestrel::rules
