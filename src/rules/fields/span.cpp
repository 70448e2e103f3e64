// Class "span": libsinsp filtercheck_tracer.cpp, the tracer (span) events written to
// /dev/null by instrumented programs. Removed from libs with the tracer subsystem, so the
// entries are marked "legacy".

#include <array>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

namespace {

using D = DisplayFormat;
using T = FieldType;

constexpr FieldInfo f(std::string_view name, T type, std::uint32_t flags, D format,
                      std::string_view description) {
    return make_field("span", name, type, flags | kLegacy, format, description);
}

constexpr std::array kFields = {
    f("span.id", T::kInt64, kNoFlags, D::kId,
      "Id of the span, pairing its enter and exit tracers and grouping spans of one trace."),
    f("span.time", T::kString, kNoFlags, D::kNa,
      "Time of the span's enter tracer as text with nanoseconds."),
    f("span.ntags", T::kUint32, kNoFlags, D::kDec, "Number of tags of the span."),
    f("span.nargs", T::kUint32, kNoFlags, D::kDec, "Number of arguments of the span."),
    f("span.tags", T::kString, kNoFlags, D::kNa, "Every tag of the span, dot-separated."),
    f("span.tag", T::kString, kArgRequired | kArgIndex, D::kNa,
      "One tag of the span by 0-based position, negative counting from the end: span.tag[1]."),
    f("span.args", T::kString, kNoFlags, D::kNa, "Every argument of the span, comma-separated."),
    f("span.arg", T::kString, kArgRequired | kArgIndex | kArgKey | kDotted, D::kNa,
      "One argument of the span, by name (span.arg.x) or position (span.arg[1], negative from "
      "the end)."),
    f("span.enterargs", T::kString, kNoFlags, D::kNa,
      "Arguments of the span's enter tracer, comma-separated."),
    f("span.enterarg", T::kString, kArgRequired | kArgIndex | kArgKey | kDotted, D::kNa,
      "One argument of the span's enter tracer, by name or position."),
    f("span.duration", T::kRelTime, kNoFlags, D::kDec,
      "Time between the span's enter and exit tracers, in nanoseconds."),
    f("span.duration.quantized", T::kUint64, kTableOnly, D::kDec,
      "Base-10 logarithm of span.duration."),
    f("span.duration.human", T::kString, kNoFlags, D::kNa,
      "span.duration as readable text such as 10.3ms."),
    f("span.duration.fortag", T::kRelTime, kTableOnly | kArgRequired | kArgIndex, D::kDec,
      "span.duration when the span has as many tags as the argument, else 0."),
    f("span.count", T::kUint64, kTableOnly, D::kDec, "1 for span exit events."),
    f("span.count.fortag", T::kUint64, kTableOnly | kArgRequired | kArgIndex, D::kDec,
      "1 when the span has as many tags as the argument, else 0."),
    f("span.childcount.fortag", T::kUint64, kTableOnly | kArgRequired | kArgIndex, D::kDec,
      "1 when the span has more tags than the argument, else 0."),
    f("span.idtag", T::kString, kTableOnly | kArgRequired | kArgIndex, D::kNa,
      "Identifier used by the span list view."),
    f("span.rawtime", T::kString, kTableOnly, D::kNa, "Time key used by the span list view."),
    f("span.rawparenttime", T::kString, kTableOnly, D::kNa,
      "Parent time key used by the span list view."),
};

} // namespace

std::span<const FieldInfo> span_fields() { return kFields; }

} // namespace kestrel::rules::fields
