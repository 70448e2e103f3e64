#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

std::span<const FieldInfo> fs_path_fields() { return {}; }

} // namespace kestrel::rules::fields
