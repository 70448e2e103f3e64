// Class "fdlist": libsinsp sinsp_filtercheck_fdlist.cpp. The values are comma-separated strings,
// not list fields (no EPF_IS_LIST in libs).

#include <array>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

namespace {

using D = DisplayFormat;
using T = FieldType;

constexpr FieldInfo f(std::string_view name, D format, std::string_view description) {
    return make_field("fdlist", name, T::kString, kNoFlags, format, description);
}

constexpr std::array kFields = {
    f("fdlist.nums", D::kId,
      "For poll events, the numbers of the descriptors in the fds argument, comma-separated."),
    f("fdlist.names", D::kNa,
      "For poll events, the names of the descriptors in the fds argument, comma-separated."),
    f("fdlist.cips", D::kNa,
      "For poll events, the client IP addresses of the descriptors in the fds argument, "
      "comma-separated."),
    f("fdlist.sips", D::kNa,
      "For poll events, the server IP addresses of the descriptors in the fds argument, "
      "comma-separated."),
    f("fdlist.cports", D::kNa,
      "For poll events, the client TCP/UDP ports of the descriptors in the fds argument, "
      "comma-separated."),
    f("fdlist.sports", D::kNa,
      "For poll events, the server TCP/UDP ports of the descriptors in the fds argument, "
      "comma-separated."),
};

} // namespace

std::span<const FieldInfo> fdlist_fields() { return kFields; }

} // namespace kestrel::rules::fields
