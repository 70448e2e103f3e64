#pragma once
// The field registry: every filter/output field Falco knows for the syscall source (libs'
// filterchecks plus the container and k8smeta plugins), with the name, type, list-ness, argument
// rules and description Falco gives it. Rules files written for Falco must type-check exactly as
// they do in Falco, so this table mirrors Falco's, field for field (see fields/README.md).
//
// All data is static and constexpr; the only runtime structure is one sorted name index built on
// first use (thread-safe static initialisation, no allocation afterwards).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace kestrel::rules {

// Falco's ppm_param_type values that fields use. field_type_name() prints them as `--list` does.
enum class FieldType : std::uint8_t {
    kString, // PT_CHARBUF
    kInt8,
    kInt16,
    kInt32,
    kInt64,
    kUint8,
    kUint16,
    kUint32,
    kUint64,
    kBool,
    kDouble,
    kIpAddr,
    kIpNet,
    kIpv4Addr,
    kIpv4Net,
    kIpv6Addr,
    kIpv6Net,
    kPort,
    kL4Proto,
    kSockFamily,
    kRelTime,
    kAbsTime,
    kByteBuf,
    kFsPath,
    kFsRelPath,
    kSigType,
    kErrno,
    kFd,
    kPid,
    kUid,
    kGid,
    kFlags8,
    kFlags16,
    kFlags32,
    kEnumFlags8,
    kEnumFlags16,
    kEnumFlags32,
    kMode,
    kSyscallId,
    // PT_DYN: evt.rawarg takes the type of the event parameter it names, known only once the
    // argument is resolved against the event table.
    kDynamic,
    kCharBuf = kString, // alias: Falco calls strings CHARBUF
};

// Whether the field takes an argument (`proc.aname[2]`, `proc.env[HOME]`, `evt.arg.flags`).
enum class ArgMode : std::uint8_t {
    kNone,     // no argument accepted
    kRequired, // EPF_ARG_REQUIRED: the bare name is an error
    kOptional, // EPF_ARG_ALLOWED: the bare name has its own meaning (e.g. any ancestor)
};

// What the argument is (EPF_ARG_INDEX / EPF_ARG_KEY).
enum class ArgKind : std::uint8_t {
    kNone,
    kIndex,      // a non-negative integer: proc.aname[2], proc.args[0]
    kKey,        // free text: proc.env[HOME], container.label[app], thread.cgroup.cpuacct
    kIndexOrKey, // either: evt.arg[0] / evt.arg.name, container.mount.dest[0] / [/etc]
};

// How Falco renders an integer field in text output (ppm_print_format). Matters for JSON too:
// hex and octal values are emitted as strings.
enum class DisplayFormat : std::uint8_t {
    kNa,
    kDec,
    kHex,
    kPaddedDec, // PF_10_PADDED_DEC: evt.time.s-style fractional nanoseconds
    kId,        // PF_ID: ids (pid, uid, fd numbers) printed in decimal
    kDir,       // PF_DIR: evt.dir arrows
    kOct,
};

struct FieldInfo {
    std::string_view name;        // "proc.name"; for dynamic forms the registered base
    std::string_view field_class; // "process": the FieldClass::name this entry belongs to
    FieldType type;
    bool is_list; // EPF_IS_LIST: extracts several values
    ArgMode arg_mode;
    ArgKind arg_kind;
    bool filter_allowed;      // false for EPF_PRINT_ONLY fields (outputs only)
    bool output_allowed;      // false for EPF_FILTER_ONLY fields (fd.ip, fd.net...: filters only)
    bool deprecated;          // EPF_DEPRECATED
    bool hidden;              // EPF_TABLE_ONLY: accepted but not listed by --list
    bool rhs_allowed;         // false for EPF_NO_RHS (cannot be the field inside val())
    bool transformer_allowed; // false for EPF_NO_TRANSFORMER
    bool dotted_arg;          // the argument may also follow as ".suffix" (evt.arg.flags)
    bool bracket_arg;         // the argument may be written "[...]"; false for the fields libs
                              // parses only with a dot (evt.rawarg, evt.type.is, thread.cgroup)
    bool suggested_output;    // EPF_FORMAT_SUGGESTED / plugin "addOutput": appended to outputs by
                              // `append_output: suggested_output`
    DisplayFormat format;
    // Who provides the field in Falco: "" = libsinsp itself, "container" = the container plugin
    // (container.*, k8s.*; upstream rules declare `required_plugin_versions: container`),
    // "k8smeta" = the k8smeta plugin. Kestrel implements all of them natively. "legacy" = a class
    // older libs had and current libs no longer registers (syslog, evtin, span): Falco today
    // rejects these names, so a loader should diagnose them (see fields/README.md).
    std::string_view provider;
    std::string_view description;
};

struct FieldClass {
    std::string_view name; // "process"
    std::string_view description;
    std::string_view event_sources; // "syscall", or "all" for the generic event fields
    std::span<const FieldInfo> fields;
};

// Every class, in the order Falco's `--list` shows them.
std::span<const FieldClass> field_classes();

// Finds the field a name refers to, or nullptr.
//
// Contract: `name` is the text of one field reference without surrounding blanks. An exact
// registered name wins. Otherwise the dynamic forms Falco accepts resolve to their base entry:
//   * "<base>[<anything>]" where <base> takes an argument:   proc.aname[2], proc.env[HOME],
//     evt.arg[0], container.mount.dest[/etc]   -> the entry for <base>;
//   * "<base>.<suffix>" where <base> takes a dotted argument and no longer registered name
//     matches: evt.arg.flags, evt.rawarg.res, thread.cgroup.cpuacct, evt.type.is.open -> <base>.
// The argument itself is not validated here (index syntax, known event-parameter names, and a
// missing argument on an ArgMode::kRequired field such as a bare `evt.arg`, which still resolves):
// that is the caller's job, and split_field_ref() says where the argument is. A name with an
// argument whose base accepts none (`proc.name[1]`, `proc.name.x`), or in a form the base does
// not take (`evt.rawarg[0]`, `thread.cgroup[cpu]`, `span.tag.x`), returns nullptr.
const FieldInfo* find_field(std::string_view name);

// The parts of a field reference, for callers that need the argument.
struct FieldRef {
    const FieldInfo* field = nullptr; // nullptr if the name does not resolve
    std::string_view arg;             // argument text without brackets or leading dot; may be empty
    bool has_arg = false;             // true if an argument was written (even "[]")
    bool bracketed = false;           // true for the "[...]" form, false for ".suffix"
};
FieldRef split_field_ref(std::string_view name);

// Falco's names as --list prints them: "CHARBUF", "UINT64", "IPNET", "RELTIME", ...
std::string_view field_type_name(FieldType type);

enum class CompareOp : std::uint8_t {
    kEq,
    kNe,
    kLt,
    kLe,
    kGt,
    kGe,
    kContains,
    kIContains,
    kBContains,
    kStartsWith,
    kBStartsWith,
    kEndsWith,
    kGlob,
    kIGlob,
    kPmatch,
    kIn,
    kIntersects,
    kExists,
    kRegex,
};

// The operator as written in a condition ("=", "contains", "intersects", ...).
std::string_view compare_op_name(CompareOp op);

// Whether Falco accepts `op` on a field of this type and list-ness (libs flt_is_comparable).
bool operator_applies(CompareOp op, const FieldInfo& field);
bool operator_applies(CompareOp op, FieldType type, bool is_list);

// Falco's error text when operator_applies() is false (e.g. "'contains' operator not supported
// for numeric filters"); empty when the operator applies.
std::string operator_error(CompareOp op, FieldType type, bool is_list);

} // namespace kestrel::rules
