// Class "evt" (all event sources): libsinsp sinsp_filtercheck_gen_event.cpp.

#include <array>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

namespace {

using D = DisplayFormat;
using T = FieldType;

constexpr FieldInfo f(std::string_view name, T type, std::uint32_t flags, D format,
                      std::string_view description) {
    return make_field("evt", name, type, flags, format, description);
}

constexpr std::array kFields = {
    f("evt.num", T::kUint64, kNoFlags, D::kId, "Sequence number of the event."),
    f("evt.time", T::kString, kNoFlags, D::kNa,
      "Event time as local wall-clock text with nanoseconds (HH:MM:SS.nnnnnnnnn). In JSON "
      "output it is emitted as integer nanoseconds since the epoch."),
    f("evt.time.s", T::kString, kNoFlags, D::kNa,
      "Event time as local wall-clock text without the nanosecond part."),
    f("evt.time.iso8601", T::kString, kNoFlags, D::kNa,
      "Event time in ISO 8601 form with nanoseconds and the UTC offset."),
    f("evt.datetime", T::kString, kNoFlags, D::kNa,
      "Event time as text including the date and nanoseconds."),
    f("evt.datetime.s", T::kString, kNoFlags, D::kNa,
      "Event time as text including the date, without nanoseconds."),
    f("evt.rawtime", T::kAbsTime, kNoFlags, D::kDec, "Event time in nanoseconds since the epoch."),
    f("evt.rawtime.s", T::kAbsTime, kNoFlags, D::kDec,
      "Whole seconds of the event time since the epoch."),
    f("evt.rawtime.ns", T::kAbsTime, kNoFlags, D::kPaddedDec,
      "Nanosecond remainder of the event time (below one second)."),
    f("evt.reltime", T::kRelTime, kNoFlags, D::kPaddedDec,
      "Nanoseconds elapsed since the first event of the capture."),
    f("evt.reltime.s", T::kRelTime, kNoFlags, D::kDec,
      "Whole seconds elapsed since the first event of the capture."),
    f("evt.reltime.ns", T::kRelTime, kNoFlags, D::kPaddedDec,
      "Nanosecond remainder of the time elapsed since the first event of the capture."),
    f("evt.pluginname", T::kString, kNoFlags, D::kNa,
      "For events from a plugin event source, the name of the (loaded) plugin that produced "
      "them."),
    f("evt.plugininfo", T::kString, kNoFlags, D::kNa,
      "For events from a plugin event source, the plugin's own one-line rendering of the event."),
    f("evt.source", T::kString, kNoFlags, D::kNa,
      "Name of the event source the event came from (e.g. syscall)."),
    f("evt.is_async", T::kBool, kNoFlags, D::kNa,
      "true for asynchronous (meta) events, false for everything else."),
    f("evt.asynctype", T::kString, kNoFlags, D::kNa,
      "For an asynchronous event, its type name (e.g. container); unset otherwise."),
    f("evt.hostname", T::kString, kNoFlags, D::kNa,
      "Host name of the machine. Can be overridden with the FALCO_HOSTNAME environment "
      "variable, which in Kubernetes is typically set to the node name."),
};

} // namespace

std::span<const FieldInfo> gen_event_fields() { return kFields; }

} // namespace kestrel::rules::fields
