#pragma once
// Internal helpers for the per-class field tables (not part of the public API).
//
// Tables are written with Falco-style flag bits so that each row reads like the libs table it
// mirrors, then folded into a FieldInfo at compile time.

#include <cstdint>
#include <span>
#include <string_view>

#include "rules/field_registry.hpp"

namespace kestrel::rules::fields {

// Flag bits, named after libsinsp's EPF_* flags where one exists.
enum FieldFlag : std::uint32_t {
    kNoFlags = 0,
    kList = 1u << 0,           // EPF_IS_LIST
    kArgRequired = 1u << 1,    // EPF_ARG_REQUIRED
    kArgAllowed = 1u << 2,     // EPF_ARG_ALLOWED
    kArgIndex = 1u << 3,       // EPF_ARG_INDEX
    kArgKey = 1u << 4,         // EPF_ARG_KEY
    kFilterOnly = 1u << 5,     // EPF_FILTER_ONLY: not usable in outputs
    kPrintOnly = 1u << 6,      // EPF_PRINT_ONLY: not usable in conditions
    kDeprecated = 1u << 7,     // EPF_DEPRECATED
    kTableOnly = 1u << 8,      // EPF_TABLE_ONLY: hidden from --list
    kNoRhs = 1u << 9,          // EPF_NO_RHS
    kNoTransformer = 1u << 10, // EPF_NO_TRANSFORMER
    kDotted = 1u << 11,        // argument may follow as ".suffix" (Falco's custom parse_field_name)
    kContainerPlugin = 1u << 12, // provided by Falco's container plugin
    kK8sMetaPlugin = 1u << 13,   // provided by Falco's k8smeta plugin
    kSuggested = 1u << 14,       // EPF_FORMAT_SUGGESTED (plugin field "addOutput")
    kLegacy = 1u << 15,          // class no longer registered by current libs (see README)
    kDottedOnly = 1u << 16,      // like kDotted, and libs rejects the "[...]" form
};

constexpr FieldInfo make_field(std::string_view field_class, std::string_view name, FieldType type,
                               std::uint32_t flags, DisplayFormat format,
                               std::string_view description) {
    const bool index = (flags & kArgIndex) != 0;
    const bool key = (flags & kArgKey) != 0;
    ArgMode mode = ArgMode::kNone;
    if ((flags & kArgRequired) != 0) {
        mode = ArgMode::kRequired;
    } else if ((flags & kArgAllowed) != 0) {
        mode = ArgMode::kOptional;
    }
    ArgKind kind = ArgKind::kNone;
    if (index && key) {
        kind = ArgKind::kIndexOrKey;
    } else if (index) {
        kind = ArgKind::kIndex;
    } else if (key) {
        kind = ArgKind::kKey;
    } else if (mode != ArgMode::kNone) {
        // Falco fields that take an argument without saying which kind parse free text.
        kind = ArgKind::kKey;
    }
    std::string_view provider;
    if ((flags & kContainerPlugin) != 0) {
        provider = "container";
    } else if ((flags & kK8sMetaPlugin) != 0) {
        provider = "k8smeta";
    } else if ((flags & kLegacy) != 0) {
        provider = "legacy";
    }
    return FieldInfo{
        .name = name,
        .field_class = field_class,
        .type = type,
        .is_list = (flags & kList) != 0,
        .arg_mode = mode,
        .arg_kind = kind,
        .filter_allowed = (flags & kPrintOnly) == 0,
        .output_allowed = (flags & kFilterOnly) == 0,
        .deprecated = (flags & kDeprecated) != 0,
        .hidden = (flags & kTableOnly) != 0,
        .rhs_allowed = (flags & kNoRhs) == 0,
        .transformer_allowed = (flags & kNoTransformer) == 0,
        .dotted_arg = (flags & (kDotted | kDottedOnly)) != 0,
        .bracket_arg = mode != ArgMode::kNone && (flags & kDottedOnly) == 0,
        .suggested_output = (flags & kSuggested) != 0,
        .format = format,
        .provider = provider,
        .description = description,
    };
}

// Per-class tables, one translation unit each (fields/*.cpp).
std::span<const FieldInfo> gen_event_fields();
std::span<const FieldInfo> event_fields();
std::span<const FieldInfo> process_fields();
std::span<const FieldInfo> user_fields();
std::span<const FieldInfo> group_fields();
std::span<const FieldInfo> container_fields();
std::span<const FieldInfo> k8s_fields();
std::span<const FieldInfo> k8smeta_fields();
std::span<const FieldInfo> fd_fields();
std::span<const FieldInfo> fs_path_fields();
std::span<const FieldInfo> fdlist_fields();
std::span<const FieldInfo> syslog_fields();
std::span<const FieldInfo> evtin_fields();
std::span<const FieldInfo> utils_fields();
std::span<const FieldInfo> span_fields();

} // namespace kestrel::rules::fields
