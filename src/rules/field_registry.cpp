#include "rules/field_registry.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules {

namespace {

// Class order: libsinsp's own classes in the order its filter-check list registers them
// (filter_check_list.cpp: gen_event, event, thread, user, group, fd, fspath, utils, fdlist), then
// the plugin-provided classes as `falco --list` shows them after the built-in ones, then the
// legacy classes older libs had. Falco lists container.* and k8s.* together as the container
// plugin's fields; Kestrel keeps them as two classes, each entry saying who provides it.
const std::array<FieldClass, 15>& class_table() {
    static const std::array<FieldClass, 15> kClasses = {{
        {"evt", "Generic event fields. These fields work with events from every event source.",
         "all", fields::gen_event_fields()},
        {"evt",
         "Event fields that apply to syscall events: type, parameters (evt.arg.NAME, "
         "evt.arg[N]), return value, I/O.",
         "syscall", fields::event_fields()},
        {"process",
         "Process and thread information, from the thread table built from clone/execve events "
         "and /proc.",
         "syscall", fields::process_fields()},
        {"user", "The user the thread runs as.", "syscall", fields::user_fields()},
        {"group", "The group the thread runs as.", "syscall", fields::group_fields()},
        {"fd",
         "The file descriptor an event creates or uses: files, directories, sockets, pipes and "
         "other kinds.",
         "syscall", fields::fd_fields()},
        {"fs.path",
         "The path arguments of syscalls that act on paths, read the same way whatever the "
         "syscall (open, mkdir, unlink, rename, link, symlink...).",
         "syscall", fields::fs_path_fields()},
        {"utils", "Helper fields (hidden from the field list).", "syscall", fields::utils_fields()},
        {"fdlist", "Poll events: the file descriptors of the fds argument, as text lists.",
         "syscall", fields::fdlist_fields()},
        {"container",
         "Container information. In Falco these fields come from the container plugin; Kestrel "
         "provides them natively. Outside containers container.id is \"host\".",
         "syscall", fields::container_fields()},
        {"k8s",
         "Kubernetes pod information read from the container runtime. In Falco these fields "
         "come from the container plugin; Kestrel provides them natively.",
         "syscall", fields::k8s_fields()},
        {"k8smeta",
         "Kubernetes metadata from Falco's k8smeta plugin (pods, namespaces, workloads, "
         "services).",
         "syscall", fields::k8smeta_fields()},
        {"syslog",
         "Legacy: content of the messages written to syslog through /dev/log (no longer in "
         "current libs).",
         "syscall", fields::syslog_fields()},
        {"span",
         "Legacy: tracer (span) events written by instrumented programs (no longer in current "
         "libs).",
         "syscall", fields::span_fields()},
        {"evtin", "Legacy: events that happen inside a tracer span (no longer in current libs).",
         "syscall", fields::evtin_fields()},
    }};
    return kClasses;
}

// The one runtime structure: all entries sorted by name, built once on first use.
const std::vector<const FieldInfo*>& name_index() {
    static const std::vector<const FieldInfo*> kIndex = [] {
        std::vector<const FieldInfo*> index;
        for (const auto& cls : class_table()) {
            for (const auto& f : cls.fields) {
                index.push_back(&f);
            }
        }
        std::stable_sort(index.begin(), index.end(),
                         [](const FieldInfo* a, const FieldInfo* b) { return a->name < b->name; });
        return index;
    }();
    return kIndex;
}

const FieldInfo* find_exact(std::string_view name) {
    const auto& index = name_index();
    auto it = std::lower_bound(index.begin(), index.end(), name,
                               [](const FieldInfo* f, std::string_view n) { return f->name < n; });
    if (it != index.end() && (*it)->name == name) {
        return *it;
    }
    return nullptr;
}

} // namespace

std::span<const FieldClass> field_classes() { return class_table(); }

FieldRef split_field_ref(std::string_view name) {
    FieldRef ref;
    if (const FieldInfo* exact = find_exact(name)) {
        ref.field = exact;
        return ref;
    }
    // "<base>[arg]": the bracket form, for any field that takes an argument.
    if (auto open = name.find('['); open != std::string_view::npos) {
        if (name.back() != ']' || open == 0) {
            return ref;
        }
        const FieldInfo* base = find_exact(name.substr(0, open));
        if (base == nullptr || !base->bracket_arg) {
            return ref;
        }
        ref.field = base;
        ref.arg = name.substr(open + 1, name.size() - open - 2);
        ref.has_arg = true;
        ref.bracketed = true;
        return ref;
    }
    // "<base>.<suffix>": longest registered prefix that accepts a dotted argument, the way
    // Falco's parse_field_name picks the longest matching name and takes the rest as argument.
    for (auto dot = name.rfind('.'); dot != std::string_view::npos && dot > 0;
         dot = name.rfind('.', dot - 1)) {
        const FieldInfo* base = find_exact(name.substr(0, dot));
        if (base == nullptr) {
            continue;
        }
        if (!base->dotted_arg || dot + 1 >= name.size()) {
            return ref;
        }
        ref.field = base;
        ref.arg = name.substr(dot + 1);
        ref.has_arg = true;
        return ref;
    }
    return ref;
}

const FieldInfo* find_field(std::string_view name) { return split_field_ref(name).field; }

std::string_view field_type_name(FieldType type) {
    switch (type) {
    case FieldType::kString:
        return "CHARBUF";
    case FieldType::kInt8:
        return "INT8";
    case FieldType::kInt16:
        return "INT16";
    case FieldType::kInt32:
        return "INT32";
    case FieldType::kInt64:
        return "INT64";
    case FieldType::kUint8:
        return "UINT8";
    case FieldType::kUint16:
        return "UINT16";
    case FieldType::kUint32:
        return "UINT32";
    case FieldType::kUint64:
        return "UINT64";
    case FieldType::kBool:
        return "BOOL";
    case FieldType::kDouble:
        return "DOUBLE";
    case FieldType::kIpAddr:
        return "IPADDR";
    case FieldType::kIpNet:
        return "IPNET";
    case FieldType::kIpv4Addr:
        return "IPV4ADDR";
    case FieldType::kIpv4Net:
        return "IPV4NET";
    // libs' param_type_to_string has no case for the IPv6 types and prints "<NA>" for them.
    case FieldType::kIpv6Addr:
    case FieldType::kIpv6Net:
        return "<NA>";
    case FieldType::kPort:
        return "PORT";
    case FieldType::kL4Proto:
        return "L4PROTO";
    case FieldType::kSockFamily:
        return "SOCKFAMILY";
    case FieldType::kRelTime:
        return "RELTIME";
    case FieldType::kAbsTime:
        return "ABSTIME";
    case FieldType::kByteBuf:
        return "BYTEBUF";
    case FieldType::kFsPath:
        return "FSPATH";
    case FieldType::kFsRelPath:
        return "FSRELPATH";
    case FieldType::kSigType:
        return "SIGTYPE";
    case FieldType::kErrno:
        return "ERRNO";
    case FieldType::kFd:
        return "FD";
    case FieldType::kPid:
        return "PID";
    case FieldType::kUid:
        return "UID";
    case FieldType::kGid:
        return "GID";
    case FieldType::kFlags8:
        return "FLAGS8";
    case FieldType::kFlags16:
        return "FLAGS16";
    case FieldType::kFlags32:
        return "FLAGS32";
    case FieldType::kEnumFlags8:
        return "ENUMFLAGS8";
    case FieldType::kEnumFlags16:
        return "ENUMFLAGS16";
    case FieldType::kEnumFlags32:
        return "ENUMFLAGS32";
    case FieldType::kMode:
        return "MODE";
    case FieldType::kSyscallId:
        return "SYSCALLID";
    case FieldType::kDynamic:
        return "DYNAMIC";
    }
    return "<NA>";
}

std::string_view compare_op_name(CompareOp op) {
    switch (op) {
    case CompareOp::kEq:
        return "=";
    case CompareOp::kNe:
        return "!=";
    case CompareOp::kLt:
        return "<";
    case CompareOp::kLe:
        return "<=";
    case CompareOp::kGt:
        return ">";
    case CompareOp::kGe:
        return ">=";
    case CompareOp::kContains:
        return "contains";
    case CompareOp::kIContains:
        return "icontains";
    case CompareOp::kBContains:
        return "bcontains";
    case CompareOp::kStartsWith:
        return "startswith";
    case CompareOp::kBStartsWith:
        return "bstartswith";
    case CompareOp::kEndsWith:
        return "endswith";
    case CompareOp::kGlob:
        return "glob";
    case CompareOp::kIGlob:
        return "iglob";
    case CompareOp::kPmatch:
        return "pmatch";
    case CompareOp::kIn:
        return "in";
    case CompareOp::kIntersects:
        return "intersects";
    case CompareOp::kExists:
        return "exists";
    case CompareOp::kRegex:
        return "regex";
    }
    return "unknown";
}

namespace {

// The operator families of libs' filter_compare.cpp (flt_is_comparable_*).
enum class Family { kNumeric, kBool, kIpOrNet, kString, kBuffer, kList, kUnsupported };

Family family_of(FieldType type, bool is_list) {
    if (is_list) {
        // Only these element types may be list-valued in a filter.
        switch (type) {
        case FieldType::kString:
        case FieldType::kUint64:
        case FieldType::kRelTime:
        case FieldType::kAbsTime:
        case FieldType::kBool:
        case FieldType::kIpAddr:
        case FieldType::kIpNet:
            return Family::kList;
        default:
            return Family::kUnsupported;
        }
    }
    switch (type) {
    case FieldType::kInt8:
    case FieldType::kInt16:
    case FieldType::kInt32:
    case FieldType::kInt64:
    case FieldType::kUint8:
    case FieldType::kUint16:
    case FieldType::kUint32:
    case FieldType::kUint64:
    case FieldType::kErrno:
    case FieldType::kFd:
    case FieldType::kPid:
    case FieldType::kSyscallId:
    case FieldType::kSigType:
    case FieldType::kRelTime:
    case FieldType::kAbsTime:
    case FieldType::kPort:
    case FieldType::kFlags8:
    case FieldType::kFlags16:
    case FieldType::kFlags32:
    case FieldType::kDouble:
    case FieldType::kMode:
    case FieldType::kEnumFlags8:
    case FieldType::kEnumFlags16:
    case FieldType::kEnumFlags32:
        return Family::kNumeric;
    case FieldType::kBool:
        return Family::kBool;
    case FieldType::kIpv4Addr:
    case FieldType::kIpv4Net:
    case FieldType::kIpv6Addr:
    case FieldType::kIpv6Net:
    case FieldType::kIpAddr:
    case FieldType::kIpNet:
        return Family::kIpOrNet;
    case FieldType::kString:
    case FieldType::kFsPath:
    case FieldType::kFsRelPath:
        return Family::kString;
    case FieldType::kByteBuf:
        return Family::kBuffer;
    // Falco has no comparison for these (PT_UID, PT_GID, PT_L4PROTO, PT_SOCKFAMILY): no field
    // of those types exists in its tables, and a filter on one would be rejected.
    case FieldType::kUid:
    case FieldType::kGid:
    case FieldType::kL4Proto:
    case FieldType::kSockFamily:
    case FieldType::kDynamic:
        return Family::kUnsupported;
    }
    return Family::kUnsupported;
}

bool family_accepts(Family family, CompareOp op) {
    using Op = CompareOp;
    switch (family) {
    case Family::kNumeric:
        return op == Op::kEq || op == Op::kNe || op == Op::kLt || op == Op::kLe || op == Op::kGt ||
               op == Op::kGe || op == Op::kIn || op == Op::kIntersects || op == Op::kExists;
    case Family::kBool:
    case Family::kIpOrNet:
        return op == Op::kEq || op == Op::kNe || op == Op::kIn || op == Op::kIntersects ||
               op == Op::kExists;
    case Family::kString:
        return op != Op::kBContains && op != Op::kBStartsWith;
    case Family::kBuffer:
        return op == Op::kEq || op == Op::kNe || op == Op::kContains || op == Op::kIn ||
               op == Op::kExists || op == Op::kStartsWith || op == Op::kEndsWith ||
               op == Op::kIntersects || op == Op::kBContains || op == Op::kBStartsWith;
    case Family::kList:
        return op == Op::kIn || op == Op::kIntersects || op == Op::kExists;
    case Family::kUnsupported:
        return op == Op::kExists;
    }
    return false;
}

} // namespace

bool operator_applies(CompareOp op, FieldType type, bool is_list) {
    // `exists` is accepted on every field before any type check, as in libs. A dynamic field
    // (evt.rawarg.*) is checked by libs against the named parameter's own type, which only the
    // caller knows: the registry does not reject anything for it.
    if (op == CompareOp::kExists || type == FieldType::kDynamic) {
        return true;
    }
    return family_accepts(family_of(type, is_list), op);
}

bool operator_applies(CompareOp op, const FieldInfo& field) {
    return operator_applies(op, field.type, field.is_list);
}

std::string operator_error(CompareOp op, FieldType type, bool is_list) {
    if (operator_applies(op, type, is_list)) {
        return {};
    }
    const std::string quoted_op = "'" + std::string(compare_op_name(op)) + "'";
    const Family family = family_of(type, is_list);
    // Texts as libs writes them, including its quirks: bool fields report "numeric filters",
    // and the list message lacks a "for".
    switch (family) {
    case Family::kNumeric:
    case Family::kBool:
        return quoted_op + " operator not supported for numeric filters";
    case Family::kIpOrNet:
        return quoted_op + " operator not supported for ip address and network filters";
    case Family::kString:
        return quoted_op + " operator not supported for string filters";
    case Family::kBuffer:
        return quoted_op + " operator not supported for buffer filters";
    case Family::kList:
        return quoted_op + " operator not supported list filters";
    case Family::kUnsupported:
        break;
    }
    if (is_list) {
        return "list filters are not supported for type '" + std::string(field_type_name(type)) +
               "'";
    }
    return quoted_op + " operator not supported for type '" + std::string(field_type_name(type)) +
           "'";
}

} // namespace kestrel::rules
