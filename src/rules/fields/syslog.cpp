// Class "syslog": libsinsp sinsp_filtercheck_syslog.cpp, decoding writes to /dev/log. Current
// libs (Falco 0.41+) no longer registers this class, so these entries are marked "legacy".

#include <array>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

namespace {

using D = DisplayFormat;
using T = FieldType;

constexpr FieldInfo f(std::string_view name, T type, D format, std::string_view description) {
    return make_field("syslog", name, type, kLegacy, format, description);
}

constexpr std::array kFields = {
    f("syslog.facility.str", T::kString, D::kNa, "Facility of the syslog message, as text."),
    f("syslog.facility", T::kUint32, D::kDec,
      "Facility of the syslog message, as a number from 0 to 23."),
    f("syslog.severity.str", T::kString, D::kNa,
      "Severity of the syslog message as text: emerg, alert, crit, err, warn, notice, info or "
      "debug."),
    f("syslog.severity", T::kUint32, D::kDec,
      "Severity of the syslog message, as a number from 0 to 7."),
    f("syslog.message", T::kString, D::kNa, "Text of the syslog message."),
};

} // namespace

std::span<const FieldInfo> syslog_fields() { return kFields; }

} // namespace kestrel::rules::fields
