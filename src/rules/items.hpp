#pragma once
// What the YAML reader collects from rules files, before compilation: lists, macros, rules,
// exception specs, version requirements. Mirrors Falco's rule_loader::*_info structures, since
// define/append/override semantics are defined on them.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rules/diagnostics.hpp"

namespace kestrel::rules {

enum class Priority : uint8_t {
    kEmergency = 0,
    kAlert,
    kCritical,
    kError,
    kWarning,
    kNotice,
    kInformational,
    kDebug,
};
// Case-insensitive; accepts "info" for informational, as Falco does.
bool parse_priority(std::string_view text, Priority* out);
// "Emergency" ... "Informational", "Debug".
std::string_view priority_name(Priority p);

struct Version {
    uint32_t major = 0;
    uint32_t minor = 0;
    uint32_t patch = 0;
    auto operator<=>(const Version&) const = default;
    [[nodiscard]] std::string to_string() const;
};
// "x.y.z" (a "-pre"/"+build" suffix is tolerated); false if not semver.
bool parse_version(std::string_view text, Version* out);

// Kestrel implements the rule language of this Falco engine version (falco-compat.md §0, Falco
// master's falco_engine_version.h at the snapshot the reference cases were taken from).
inline constexpr Version kEngineVersion{0, 63, 0};
// The container plugin's fields are native: its requirement is always met.
inline constexpr std::string_view kNativeContainerPlugin = "container";

struct PluginRequirement {
    std::string name;
    std::string version;
};
// One `required_plugin_versions` entry: the plugin and its alternatives, any one satisfies it.
struct PluginRequirementAlternatives {
    Context ctx;
    std::vector<PluginRequirement> alternatives;
};

// A scalar or a (possibly nested) list, as exception fields/comps/values are written.
struct ExceptionEntry {
    bool is_list = false;
    std::string item;
    std::vector<ExceptionEntry> items;
    [[nodiscard]] bool is_valid() const { return is_list || !item.empty(); }
};

struct ExceptionInfo {
    Context ctx;
    std::string name;
    ExceptionEntry fields;
    ExceptionEntry comps;
    std::vector<ExceptionEntry> values;
};

struct ListInfo {
    Context ctx;
    uint32_t index = 0;      // load order of the first definition
    uint32_t visibility = 0; // load order of the last define/append
    std::string name;
    std::vector<std::string> items;
};

struct MacroInfo {
    Context ctx;
    Context cond_ctx;
    uint32_t index = 0;
    uint32_t visibility = 0;
    std::string name;
    std::string cond;
};

struct RuleInfo {
    Context ctx;
    Context cond_ctx;
    Context output_ctx;
    uint32_t index = 0;
    uint32_t visibility = 0;
    bool unknown_source = false;
    std::string name;
    std::string cond;
    std::string source;
    std::string desc;
    std::string output;
    std::set<std::string> tags;
    std::vector<ExceptionInfo> exceptions;
    Priority priority = Priority::kDebug;
    bool enabled = true;
    bool warn_evttypes = true;
    bool skip_if_unknown_filter = false;
    bool capture = false;
    uint64_t capture_duration = 0;
};

// An `append: true` or `override:` item: only the keys present are applied.
struct RuleUpdateInfo {
    Context ctx;
    Context cond_ctx;
    std::string name;
    std::optional<std::string> cond;
    std::optional<std::string> source;
    std::optional<std::string> desc;
    std::optional<std::string> output;
    std::optional<std::set<std::string>> tags;
    std::optional<std::vector<ExceptionInfo>> exceptions;
    std::optional<Priority> priority;
    std::optional<bool> enabled;
    std::optional<bool> warn_evttypes;
    std::optional<bool> skip_if_unknown_filter;
    std::optional<bool> capture;
    std::optional<uint64_t> capture_duration;

    [[nodiscard]] bool has_any_value() const {
        return cond || desc || output || tags || exceptions || priority || enabled ||
               warn_evttypes || skip_if_unknown_filter || capture || capture_duration;
    }
};

} // namespace kestrel::rules
