// Class "evt" (syscall events): libsinsp sinsp_filtercheck_event.cpp, including its custom
// argument parsing (evt.arg.NAME / evt.arg[N], evt.rawarg.NAME, evt.type.is.TYPE,
// evt.abspath[.src|.dst], evt.around[T]).

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
    f("evt.latency", T::kRelTime, kDeprecated, D::kDec,
      "Deprecated: time between the enter and exit events of a syscall, in nanoseconds. Enter "
      "events are no longer captured, so this is always 0."),
    f("evt.latency.s", T::kRelTime, kDeprecated, D::kDec,
      "Deprecated: whole seconds of evt.latency (always 0)."),
    f("evt.latency.ns", T::kRelTime, kDeprecated, D::kPaddedDec,
      "Deprecated: nanosecond remainder of evt.latency (always 0)."),
    f("evt.latency.quantized", T::kUint64, kTableOnly | kDeprecated, D::kDec,
      "Deprecated: base-10 logarithm of evt.latency (always 0)."),
    f("evt.latency.human", T::kString, kDeprecated, D::kNa,
      "Deprecated: evt.latency as readable text such as 10.3ms (always 0ns)."),
    f("evt.deltatime", T::kRelTime, kNoFlags, D::kDec,
      "Nanoseconds between the previous event and this one."),
    f("evt.deltatime.s", T::kRelTime, kNoFlags, D::kDec,
      "Whole seconds of the time since the previous event."),
    f("evt.deltatime.ns", T::kRelTime, kNoFlags, D::kPaddedDec,
      "Nanosecond remainder of the time since the previous event."),
    f("evt.outputtime", T::kString, kPrintOnly, D::kNa,
      "Event time rendered in the output time format selected on the command line (by default "
      "the same as %evt.time). Outputs only."),
    f("evt.dir", T::kString, kDeprecated, D::kDir,
      "Deprecated: event direction, '>' for enter and '<' for exit. Only exit events exist now, "
      "so it is always '<'."),
    f("evt.type", T::kString, kNoFlags, D::kNa,
      "Name of the event, e.g. open or execve. A value compared against it must be a known "
      "event or syscall name."),
    f("evt.type.is", T::kUint32, kArgRequired | kArgKey | kDottedOnly, D::kNa,
      "1 if the event is of the type named in the argument, 0 otherwise: evt.type.is.open."),
    f("syscall.type", T::kString, kNoFlags, D::kNa,
      "For syscall events, the name of the syscall; unset for other events (scheduler switches, "
      "internal events). Use it instead of evt.type to be sure the value is a real syscall."),
    f("evt.category", T::kString, kNoFlags, D::kNa,
      "Category of the event, such as file, net, memory, process or ipc."),
    f("evt.cpu", T::kInt16, kNoFlags, D::kId, "Number of the CPU the event happened on."),
    f("evt.args", T::kString, kNoFlags, D::kNa,
      "Every parameter of the event, rendered together as name=value text."),
    f("evt.arg", T::kString, kArgRequired | kArgIndex | kArgKey | kDotted, D::kNa,
      "One event parameter, chosen by name (evt.arg.fd) or position (evt.arg[0]), rendered as "
      "text; values such as fds, errnos, uids and flags are shown resolved when possible."),
    f("evt.rawarg", T::kDynamic, kArgRequired | kArgKey | kDottedOnly | kNoRhs | kNoTransformer,
      D::kNa,
      "One event parameter chosen by name (evt.rawarg.fd) with its raw type, e.g. for numeric "
      "comparisons. Its type is that of the named parameter."),
    f("evt.info", T::kString, kNoFlags, D::kNa, "At present the same text as evt.args."),
    f("evt.buffer", T::kByteBuf, kNoFlags, D::kNa,
      "The data buffer of events that carry one (read, write, recvfrom, sendto...). Search it "
      "with contains or bcontains."),
    f("evt.buflen", T::kUint64, kNoFlags, D::kDec,
      "Length of the data buffer of events that carry one."),
    f("evt.res", T::kString, kNoFlags, D::kDec,
      "Return value as text: SUCCESS when the call succeeded, otherwise the error code name "
      "such as ENOENT."),
    f("evt.rawres", T::kInt64, kNoFlags, D::kDec,
      "Return value as a number (e.g. -2), for range comparisons."),
    f("evt.failed", T::kBool, kNoFlags, D::kNa, "true if the event returned an error."),
    f("evt.is_io", T::kBool, kNoFlags, D::kNa,
      "true for events that read from or write to a file descriptor."),
    f("evt.is_io_read", T::kBool, kNoFlags, D::kNa,
      "true for events that read from a file descriptor (read, recv, recvfrom...)."),
    f("evt.is_io_write", T::kBool, kNoFlags, D::kNa,
      "true for events that write to a file descriptor (write, send...)."),
    f("evt.io_dir", T::kString, kNoFlags, D::kNa,
      "'r' for events that read from a file descriptor, 'w' for events that write to one."),
    f("evt.is_wait", T::kBool, kNoFlags, D::kNa,
      "true for events that put the thread to sleep or waiting (nanosleep, select, poll...)."),
    f("evt.wait_latency", T::kRelTime, kDeprecated, D::kDec,
      "Deprecated: time spent waiting in a waiting syscall, in nanoseconds (always 0)."),
    f("evt.is_syslog", T::kBool, kNoFlags, D::kNa, "true for writes to /dev/log."),
    f("evt.count", T::kUint32, kNoFlags, D::kDec, "Always 1; handy for counting events."),
    f("evt.count.error", T::kUint32, kNoFlags, D::kDec, "1 if the event returned an error."),
    f("evt.count.error.file", T::kUint32, kNoFlags, D::kDec,
      "1 if the event returned an error and is a file operation."),
    f("evt.count.error.net", T::kUint32, kNoFlags, D::kDec,
      "1 if the event returned an error and is a network operation."),
    f("evt.count.error.memory", T::kUint32, kNoFlags, D::kDec,
      "1 if the event returned an error and is a memory operation."),
    f("evt.count.error.other", T::kUint32, kNoFlags, D::kDec,
      "1 if the event returned an error and belongs to none of the categories above."),
    f("evt.count.exit", T::kUint32, kNoFlags, D::kDec, "1 for exit events."),
    f("evt.count.procinfo", T::kUint32, kTableOnly, D::kDec,
      "1 for procinfo events of a process main thread."),
    f("evt.count.threadinfo", T::kUint32, kTableOnly, D::kDec, "1 for procinfo events."),
    f("evt.around", T::kUint64, kFilterOnly | kArgRequired | kArgIndex | kNoRhs | kNoTransformer,
      D::kDec,
      "Matches events within a time window: evt.around[T]=D accepts events within D "
      "milliseconds before or after the timestamp T (an %evt.rawtime value). Only '=' is "
      "accepted."),
    f("evt.abspath", T::kString, kArgAllowed | kArgKey | kDottedOnly, D::kNa,
      "Absolute path built from a dirfd and a relative path in *at syscalls (renameat, "
      "symlinkat, openat...). evt.abspath.src and evt.abspath.dst pick one of two paths."),
    f("evt.buflen.in", T::kUint64, kTableOnly, D::kDec, "evt.buflen, for input I/O events only."),
    f("evt.buflen.out", T::kUint64, kTableOnly, D::kDec, "evt.buflen, for output I/O events only."),
    f("evt.buflen.file", T::kUint64, kTableOnly, D::kDec, "evt.buflen, for file I/O events only."),
    f("evt.buflen.file.in", T::kUint64, kTableOnly, D::kDec,
      "evt.buflen, for file input events only."),
    f("evt.buflen.file.out", T::kUint64, kTableOnly, D::kDec,
      "evt.buflen, for file output events only."),
    f("evt.buflen.net", T::kUint64, kTableOnly, D::kDec,
      "evt.buflen, for network I/O events only."),
    f("evt.buflen.net.in", T::kUint64, kTableOnly, D::kDec,
      "evt.buflen, for network input events only."),
    f("evt.buflen.net.out", T::kUint64, kTableOnly, D::kDec,
      "evt.buflen, for network output events only."),
    f("evt.is_open_read", T::kBool, kNoFlags, D::kNa,
      "true for open, openat, openat2 and open_by_handle_at events that opened the path for "
      "reading."),
    f("evt.is_open_write", T::kBool, kNoFlags, D::kNa,
      "true for open, openat, openat2 and open_by_handle_at events that opened the path for "
      "writing."),
    f("evt.infra.docker.name", T::kString, kTableOnly, D::kNa,
      "For Docker infrastructure events, the event name."),
    f("evt.infra.docker.container.id", T::kString, kTableOnly, D::kNa,
      "For Docker infrastructure events, the id of the container concerned."),
    f("evt.infra.docker.container.name", T::kString, kTableOnly, D::kNa,
      "For Docker infrastructure events, the name of the container concerned."),
    f("evt.infra.docker.container.image", T::kString, kTableOnly, D::kNa,
      "For Docker infrastructure events, the image of the container concerned."),
    f("evt.is_open_exec", T::kBool, kNoFlags, D::kNa,
      "true for open-family and creat events that create a file with an execute permission "
      "bit set."),
    f("evt.is_open_create", T::kBool, kNoFlags, D::kNa,
      "true for open, openat, openat2 and open_by_handle_at events that created the file."),
};

} // namespace

std::span<const FieldInfo> event_fields() { return kFields; }

} // namespace kestrel::rules::fields
