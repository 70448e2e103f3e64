#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

std::span<const FieldInfo> syslog_fields() { return {}; }

} // namespace kestrel::rules::fields
