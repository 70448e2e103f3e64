// Class "evtin": libsinsp filtercheck_evtin.cpp, events that happen inside a tracer span. The
// tracer subsystem and this class were removed from libs, so the entries are marked "legacy".

#include <array>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

namespace {

using D = DisplayFormat;
using T = FieldType;

constexpr FieldInfo f(std::string_view name, T type, std::uint32_t flags, D format,
                      std::string_view description) {
    return make_field("evtin", name, type, flags | kLegacy, format, description);
}

// evtin.span*.tag / .arg take a position in brackets or a name after a dot.
constexpr std::uint32_t kSpanArg = kArgRequired | kArgIndex | kArgKey | kDotted;

constexpr std::array kFields = {
    f("evtin.span.id", T::kInt64, kNoFlags, D::kId,
      "Events of the same thread between the enter and exit tracers of a span: matches on the span "
      "id."),
    f("evtin.span.ntags", T::kUint32, kNoFlags, D::kDec,
      "Events of the same thread between the enter and exit tracers of a span: matches on the "
      "number of span tags."),
    f("evtin.span.nargs", T::kUint32, kNoFlags, D::kDec,
      "Events of the same thread between the enter and exit tracers of a span: matches on the "
      "number of span arguments."),
    f("evtin.span.tags", T::kString, kNoFlags, D::kNa,
      "Events of the same thread between the enter and exit tracers of a span: matches on the span "
      "tags."),
    f("evtin.span.tag", T::kString, kSpanArg, D::kNa,
      "Events of the same thread between the enter and exit tracers of a span: matches on one span "
      "tag, by position or name."),
    f("evtin.span.args", T::kString, kNoFlags, D::kNa,
      "Events of the same thread between the enter and exit tracers of a span: matches on the span "
      "arguments."),
    f("evtin.span.arg", T::kString, kSpanArg, D::kNa,
      "Events of the same thread between the enter and exit tracers of a span: matches on one span "
      "argument, by position or name."),
    f("evtin.span.p.id", T::kInt64, kNoFlags, D::kId,
      "Like the thread-scoped form, but also events of other threads of the span's process: "
      "matches on the span id."),
    f("evtin.span.p.ntags", T::kUint32, kNoFlags, D::kDec,
      "Like the thread-scoped form, but also events of other threads of the span's process: "
      "matches on the number of span tags."),
    f("evtin.span.p.nargs", T::kUint32, kNoFlags, D::kDec,
      "Like the thread-scoped form, but also events of other threads of the span's process: "
      "matches on the number of span arguments."),
    f("evtin.span.p.tags", T::kString, kNoFlags, D::kNa,
      "Like the thread-scoped form, but also events of other threads of the span's process: "
      "matches on the span tags."),
    f("evtin.span.p.tag", T::kString, kSpanArg, D::kNa,
      "Like the thread-scoped form, but also events of other threads of the span's process: "
      "matches on one span tag, by position or name."),
    f("evtin.span.p.args", T::kString, kNoFlags, D::kNa,
      "Like the thread-scoped form, but also events of other threads of the span's process: "
      "matches on the span arguments."),
    f("evtin.span.p.arg", T::kString, kSpanArg, D::kNa,
      "Like the thread-scoped form, but also events of other threads of the span's process: "
      "matches on one span argument, by position or name."),
    f("evtin.span.s.id", T::kInt64, kNoFlags, D::kId,
      "Like the thread-scoped form, but also events of the processes sharing the span process's "
      "parent (the script that emitted it): matches on the span id."),
    f("evtin.span.s.ntags", T::kUint32, kNoFlags, D::kDec,
      "Like the thread-scoped form, but also events of the processes sharing the span process's "
      "parent (the script that emitted it): matches on the number of span tags."),
    f("evtin.span.s.nargs", T::kUint32, kNoFlags, D::kDec,
      "Like the thread-scoped form, but also events of the processes sharing the span process's "
      "parent (the script that emitted it): matches on the number of span arguments."),
    f("evtin.span.s.tags", T::kString, kNoFlags, D::kNa,
      "Like the thread-scoped form, but also events of the processes sharing the span process's "
      "parent (the script that emitted it): matches on the span tags."),
    f("evtin.span.s.tag", T::kString, kSpanArg, D::kNa,
      "Like the thread-scoped form, but also events of the processes sharing the span process's "
      "parent (the script that emitted it): matches on one span tag, by position or name."),
    f("evtin.span.s.args", T::kString, kNoFlags, D::kNa,
      "Like the thread-scoped form, but also events of the processes sharing the span process's "
      "parent (the script that emitted it): matches on the span arguments."),
    f("evtin.span.s.arg", T::kString, kSpanArg, D::kNa,
      "Like the thread-scoped form, but also events of the processes sharing the span process's "
      "parent (the script that emitted it): matches on one span argument, by position or name."),
    f("evtin.span.m.id", T::kInt64, kNoFlags, D::kId,
      "Like the thread-scoped form, but every event on the machine during the span: matches on the "
      "span id."),
    f("evtin.span.m.ntags", T::kUint32, kNoFlags, D::kDec,
      "Like the thread-scoped form, but every event on the machine during the span: matches on the "
      "number of span tags."),
    f("evtin.span.m.nargs", T::kUint32, kNoFlags, D::kDec,
      "Like the thread-scoped form, but every event on the machine during the span: matches on the "
      "number of span arguments."),
    f("evtin.span.m.tags", T::kString, kNoFlags, D::kNa,
      "Like the thread-scoped form, but every event on the machine during the span: matches on the "
      "span tags."),
    f("evtin.span.m.tag", T::kString, kSpanArg, D::kNa,
      "Like the thread-scoped form, but every event on the machine during the span: matches on one "
      "span tag, by position or name."),
    f("evtin.span.m.args", T::kString, kNoFlags, D::kNa,
      "Like the thread-scoped form, but every event on the machine during the span: matches on the "
      "span arguments."),
    f("evtin.span.m.arg", T::kString, kSpanArg, D::kNa,
      "Like the thread-scoped form, but every event on the machine during the span: matches on one "
      "span argument, by position or name."),
};

} // namespace

std::span<const FieldInfo> evtin_fields() { return kFields; }

} // namespace kestrel::rules::fields
