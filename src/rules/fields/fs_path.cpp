// Class "fs.path": libsinsp sinsp_filtercheck_fspath.cpp. Unlike fd.*, these cover syscalls that
// act on paths without an open descriptor (unlink, rename, mkdir, symlink...).

#include <array>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

namespace {

using D = DisplayFormat;
using T = FieldType;

constexpr FieldInfo f(std::string_view name, std::string_view description) {
    return make_field("fs.path", name, T::kString, kNoFlags, D::kNa, description);
}

constexpr std::array kFields = {
    f("fs.path.name",
      "For events that act on one path, that path made absolute (joined with the cwd or dirfd "
      "when relative)."),
    f("fs.path.nameraw", "For events that act on one path, the path exactly as passed."),
    f("fs.path.source",
      "For events with a source and a target path (rename, link...), the source made "
      "absolute."),
    f("fs.path.sourceraw",
      "For events with a source and a target path, the source exactly as passed."),
    f("fs.path.target",
      "For events with a source and a target path (rename, link, symlink...), the target made "
      "absolute."),
    f("fs.path.targetraw",
      "For events with a source and a target path, the target exactly as passed."),
};

} // namespace

std::span<const FieldInfo> fs_path_fields() { return kFields; }

} // namespace kestrel::rules::fields
