#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

std::span<const FieldInfo> container_fields() { return {}; }
std::span<const FieldInfo> k8s_fields() { return {}; }

} // namespace kestrel::rules::fields
