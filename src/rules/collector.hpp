#pragma once
// Collects items across every rules file in load order, with Falco's define / append /
// selective-replace / enable semantics (falco rule_loader_collector.cpp): a redefinition keeps
// the first definition's position, appends glue text with one space, overrides replace keys.

#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "rules/items.hpp"

namespace kestrel::rules {

// A vector in definition order with lookup by name; redefinitions update in place.
template <typename T> class NamedItems {
  public:
    T* find(const std::string& name) {
        auto it = index_.find(name);
        return it == index_.end() ? nullptr : &items_[it->second];
    }
    const T* find(const std::string& name) const {
        auto it = index_.find(name);
        return it == index_.end() ? nullptr : &items_[it->second];
    }
    T& insert(T item, const std::string& name) {
        index_.emplace(name, items_.size());
        items_.push_back(std::move(item));
        return items_.back();
    }
    [[nodiscard]] size_t size() const { return items_.size(); }
    auto begin() { return items_.begin(); }
    auto end() { return items_.end(); }
    auto begin() const { return items_.begin(); }
    auto end() const { return items_.end(); }

  private:
    std::vector<T> items_;
    std::unordered_map<std::string, size_t> index_;
};

using MaybeError = std::optional<LoadError>;

class Collector {
  public:
    explicit Collector(std::set<std::string> known_sources = {"syscall"})
        : sources_(std::move(known_sources)) {}

    MaybeError define_engine_version(const Version& v, const Context& ctx);
    MaybeError define_plugin_requirement(PluginRequirementAlternatives req);
    void define_list(ListInfo info);
    MaybeError append_list(const ListInfo& info);
    void define_macro(MacroInfo info);
    MaybeError append_macro(const MacroInfo& info);
    MaybeError define_rule(RuleInfo info, LoadResult& res);
    MaybeError append_rule(RuleUpdateInfo info);
    MaybeError replace_rule(RuleUpdateInfo info);
    MaybeError enable_rule(const std::string& name, bool enabled, const Context& ctx);

    [[nodiscard]] bool is_known_source(const std::string& s) const { return sources_.count(s); }
    [[nodiscard]] const NamedItems<ListInfo>& lists() const { return lists_; }
    [[nodiscard]] const NamedItems<MacroInfo>& macros() const { return macros_; }
    [[nodiscard]] const NamedItems<RuleInfo>& rules() const { return rules_; }
    [[nodiscard]] const std::optional<Version>& required_engine_version() const {
        return engine_version_;
    }
    [[nodiscard]] const std::vector<PluginRequirementAlternatives>& plugin_requirements() const {
        return plugin_requirements_;
    }

  private:
    std::set<std::string> sources_;
    uint32_t cur_index_ = 0;
    NamedItems<ListInfo> lists_;
    NamedItems<MacroInfo> macros_;
    NamedItems<RuleInfo> rules_;
    std::optional<Version> engine_version_;
    std::vector<PluginRequirementAlternatives> plugin_requirements_;
};

} // namespace kestrel::rules
