// Class "utils": libsinsp sinsp_filtercheck_utils.cpp. The class is hidden from --list in libs.

#include <array>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

namespace {

constexpr std::array kFields = {
    make_field("utils", "util.cnt", FieldType::kUint64, kTableOnly, DisplayFormat::kId,
               "A counter that grows by one with each extraction."),
};

} // namespace

std::span<const FieldInfo> utils_fields() { return kFields; }

} // namespace kestrel::rules::fields
