// Classes "user" and "group": libsinsp sinsp_filtercheck_user.cpp and _group.cpp.

#include <array>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

namespace {

using D = DisplayFormat;
using T = FieldType;

constexpr FieldInfo u(std::string_view name, T type, D format, std::string_view description) {
    return make_field("user", name, type, kNoFlags, format, description);
}

constexpr FieldInfo g(std::string_view name, T type, D format, std::string_view description) {
    return make_field("group", name, type, kNoFlags, format, description);
}

constexpr std::array kUserFields = {
    u("user.uid", T::kUint32, D::kId, "Effective user id of the thread."),
    u("user.name", T::kString, D::kNa,
      "Name of the user, resolved in the host's or the container's user database."),
    u("user.homedir", T::kString, D::kNa, "Home directory of the user."),
    u("user.shell", T::kString, D::kNa, "Login shell of the user."),
    u("user.loginuid", T::kInt64, D::kId,
      "Audit login user id (auid). The kernel keeps it as an unsigned 32-bit value; the unset "
      "value (UINT32_MAX) is reported as -1 so that conditions read naturally."),
    u("user.loginname", T::kString, D::kNa, "Name of the audit login user (auid)."),
};

constexpr std::array kGroupFields = {
    g("group.gid", T::kUint32, D::kId, "Effective group id of the thread."),
    g("group.name", T::kString, D::kNa, "Name of the group."),
};

} // namespace

std::span<const FieldInfo> user_fields() { return kUserFields; }
std::span<const FieldInfo> group_fields() { return kGroupFields; }

} // namespace kestrel::rules::fields
