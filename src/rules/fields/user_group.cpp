#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

std::span<const FieldInfo> user_fields() { return {}; }
std::span<const FieldInfo> group_fields() { return {}; }

} // namespace kestrel::rules::fields
