// Class "process" (proc.* and thread.*): libsinsp sinsp_filtercheck_thread.cpp. The ancestor
// fields (proc.aname...) take an optional level index: without one they match any ancestor in a
// condition. proc.env/proc.aenv take a variable name, thread.cgroup a subsystem after a dot.

#include <array>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

namespace {

using D = DisplayFormat;
using T = FieldType;

constexpr FieldInfo f(std::string_view name, T type, std::uint32_t flags, D format,
                      std::string_view description) {
    return make_field("process", name, type, flags, format, description);
}

// Ancestor lookups share these flags in libs: an optional index, and no use inside val() or
// under a transformer.
constexpr std::uint32_t kAncestor = kArgAllowed | kArgIndex | kNoRhs | kNoTransformer;

constexpr std::array kFields = {
    f("proc.exe", T::kString, kNoFlags, D::kNa,
      "argv[0] of the process: usually the command as typed, but the caller may set any "
      "string. Taken from the exec arguments (up to 4096 bytes) or, as a fallback, "
      "/proc/PID/cmdline (up to 1024 bytes). It can differ from the last component of "
      "proc.exepath."),
    f("proc.pexe", T::kString, kNoFlags, D::kNa, "proc.exe of the parent process."),
    f("proc.aexe", T::kString, kAncestor, D::kNa,
      "proc.exe of an ancestor: proc.aexe[1] is the parent, [2] the grandparent, [0] the "
      "process itself. Without an index, a condition matches if any ancestor matches."),
    f("proc.exepath", T::kString, kNoFlags, D::kNa,
      "Full path of the executable with symlinks resolved, from the kernel or, as a fallback, "
      "/proc/PID/exe (then up to 1024 bytes). eBPF drivers may cut very deep paths."),
    f("proc.pexepath", T::kString, kNoFlags, D::kNa, "proc.exepath of the parent process."),
    f("proc.aexepath", T::kString, kAncestor, D::kNa,
      "proc.exepath of an ancestor selected by level (proc.aexepath[2] is the grandparent); "
      "without an index, a condition matches any ancestor."),
    f("proc.name", T::kString, kNoFlags, D::kNa,
      "Name of the process (task comm, at most 15 characters as the kernel truncates it), from "
      "the exec arguments or /proc/PID/comm. May differ from the executable's file name when a "
      "program renames itself."),
    f("proc.pname", T::kString, kNoFlags, D::kNa, "proc.name of the parent process."),
    f("proc.aname", T::kString, kAncestor, D::kNa,
      "proc.name of an ancestor selected by level (proc.aname[1] is the parent); without an "
      "index, a condition matches any ancestor, e.g. proc.aname=bash."),
    f("proc.args", T::kString, kArgAllowed | kArgIndex, D::kNa,
      "Command-line arguments after argv[0], joined by spaces (up to 4096 bytes). "
      "proc.args[N] selects one argument, 0-based: proc.args[0] is argv[1]."),
    f("proc.aargs", T::kString, kArgAllowed | kArgIndex, D::kNa,
      "proc.args of an ancestor selected by level (proc.aargs[1] is the parent); without an "
      "index, a condition matches any ancestor."),
    f("proc.cmdline", T::kString, kNoFlags, D::kNa,
      "proc.name followed by proc.args (up to 4096 bytes)."),
    f("proc.pcmdline", T::kString, kNoFlags, D::kNa, "proc.cmdline of the parent process."),
    f("proc.acmdline", T::kString, kAncestor, D::kNa,
      "proc.cmdline of an ancestor selected by level; without an index, a condition matches "
      "any ancestor."),
    f("proc.cmdnargs", T::kUint64, kNoFlags, D::kDec, "Number of arguments in proc.args."),
    f("proc.cmdlenargs", T::kUint64, kNoFlags, D::kDec,
      "Total number of characters of the arguments in proc.args, not counting separators."),
    f("proc.exeline", T::kString, kNoFlags, D::kNa, "proc.exe followed by proc.args."),
    f("proc.env", T::kString, kArgAllowed | kArgKey, D::kNa,
      "Environment of the process as 'NAME=value NAME2=value2'. proc.env[NAME] gives the value "
      "of one variable."),
    f("proc.aenv", T::kString, kArgAllowed | kArgIndex | kArgKey | kNoRhs | kNoTransformer, D::kNa,
      "Experimental: environment of ancestors. Without an argument a condition checks every "
      "ancestor; proc.aenv[N] is the environment of the N-th ancestor; proc.aenv[NAME] is the "
      "first value of NAME found going up the ancestry (at most 20 levels)."),
    f("proc.cwd", T::kString, kNoFlags, D::kNa, "Current working directory of the process."),
    f("proc.loginshellid", T::kInt64, kNoFlags, D::kId,
      "pid of the oldest shell among the ancestors, if any; tells user sessions apart."),
    f("proc.tty", T::kUint32, kNoFlags, D::kId,
      "Controlling terminal of the process, 0 when it has none."),
    f("proc.pid", T::kInt64, kNoFlags, D::kId, "Process id."),
    f("proc.ppid", T::kInt64, kNoFlags, D::kId, "Process id of the parent."),
    f("proc.apid", T::kInt64, kAncestor, D::kId,
      "pid of an ancestor selected by level (proc.apid[1] is the parent); without an index, a "
      "condition matches any ancestor."),
    f("proc.vpid", T::kInt64, kNoFlags, D::kId,
      "Process id as seen inside the process's own pid namespace."),
    f("proc.pvpid", T::kInt64, kNoFlags, D::kId,
      "Parent process id as seen inside the parent's pid namespace."),
    f("proc.sid", T::kInt64, kNoFlags, D::kId, "Session id of the process."),
    f("proc.sname", T::kString, kNoFlags, D::kNa,
      "Name of the session leader: the process whose pid is proc.sid, or else the oldest "
      "ancestor sharing the session."),
    f("proc.sid.exe", T::kString, kNoFlags, D::kNa, "proc.exe of the session leader."),
    f("proc.sid.exepath", T::kString, kNoFlags, D::kNa, "proc.exepath of the session leader."),
    f("proc.vpgid", T::kInt64, kNoFlags, D::kId,
      "Process group id as seen inside the process's pid namespace."),
    f("proc.vpgid.name", T::kString, kNoFlags, D::kNa,
      "Name of the process group leader (by vpgid): the process whose vpid is proc.vpgid, or "
      "else the oldest ancestor in the same group."),
    f("proc.vpgid.exe", T::kString, kNoFlags, D::kNa,
      "proc.exe of the process group leader (by vpgid)."),
    f("proc.vpgid.exepath", T::kString, kNoFlags, D::kNa,
      "proc.exepath of the process group leader (by vpgid)."),
    f("proc.pgid", T::kInt64, kNoFlags, D::kId,
      "Process group id as seen from the host pid namespace."),
    f("proc.pgid.name", T::kString, kNoFlags, D::kNa,
      "Name of the process group leader (by host pgid)."),
    f("proc.pgid.exe", T::kString, kNoFlags, D::kNa,
      "proc.exe of the process group leader (by host pgid)."),
    f("proc.pgid.exepath", T::kString, kNoFlags, D::kNa,
      "proc.exepath of the process group leader (by host pgid)."),
    f("proc.duration", T::kRelTime, kNoFlags, D::kDec, "Nanoseconds since the process started."),
    f("proc.ppid.duration", T::kRelTime, kNoFlags, D::kDec,
      "Nanoseconds since the parent process started."),
    f("proc.pid.ts", T::kRelTime, kNoFlags, D::kDec,
      "Start time of the process, in nanoseconds since the epoch."),
    f("proc.ppid.ts", T::kRelTime, kNoFlags, D::kDec,
      "Start time of the parent process, in nanoseconds since the epoch."),
    f("proc.is_exe_writable", T::kBool, kNoFlags, D::kNa,
      "true if the user that started the process can write to its executable."),
    f("proc.is_exe_upper_layer", T::kBool, kNoFlags, D::kNa,
      "true if the executable lives in the upper (writable) layer of an overlayfs, e.g. a file "
      "written inside a container."),
    f("proc.is_exe_lower_layer", T::kBool, kNoFlags, D::kNa,
      "true if the executable lives in a lower (image) layer of an overlayfs."),
    f("proc.is_exe_from_memfd", T::kBool, kNoFlags, D::kNa,
      "true if the executable is an anonymous memfd_create() file executed through its file "
      "descriptor: fileless execution, with nothing on disk."),
    f("proc.is_sid_leader", T::kBool, kNoFlags, D::kNa,
      "true if the process leads its session (proc.sid equals proc.vpid)."),
    f("proc.is_vpgid_leader", T::kBool, kNoFlags, D::kNa,
      "true if the process leads its process group (proc.vpgid equals proc.vpid): typically a "
      "command started directly from a shell rather than a child of a script."),
    f("proc.is_pgid_leader", T::kBool, kNoFlags, D::kNa,
      "true if the process leads its process group as seen from the host (proc.pgid equals "
      "proc.pid)."),
    f("proc.exe_ino", T::kInt64, kNoFlags, D::kDec,
      "Inode number of the executable on disk; comparable with fd.ino."),
    f("proc.exe_ino.ctime", T::kAbsTime, kNoFlags, D::kDec,
      "Status change time (ctime) of the executable's inode, in nanoseconds since the epoch."),
    f("proc.exe_ino.mtime", T::kAbsTime, kNoFlags, D::kDec,
      "Modification time (mtime) of the executable's inode, in nanoseconds since the epoch."),
    f("proc.exe_ino.ctime_duration_proc_start", T::kAbsTime, kNoFlags, D::kDec,
      "Nanoseconds between the last status change of the executable and the start of this "
      "process: small values mean a freshly modified binary was run."),
    f("proc.exe_ino.ctime_duration_pidns_start", T::kAbsTime, kNoFlags, D::kDec,
      "Nanoseconds between the start of the pid namespace and the executable's ctime, when the "
      "namespace is older than the change."),
    f("proc.pidns_init_start_ts", T::kUint64, kNoFlags, D::kDec,
      "Start time of the pid namespace (container or host), in nanoseconds since the epoch."),
    f("thread.cap_permitted", T::kString, kNoFlags, D::kNa,
      "Permitted capability set, as space-separated CAP_* names."),
    f("thread.cap_inheritable", T::kString, kNoFlags, D::kNa,
      "Inheritable capability set, as space-separated CAP_* names."),
    f("thread.cap_effective", T::kString, kNoFlags, D::kNa,
      "Effective capability set, as space-separated CAP_* names."),
    f("proc.fdopencount", T::kUint64, kNoFlags, D::kDec,
      "Number of file descriptors the process has open."),
    f("proc.fdlimit", T::kInt64, kNoFlags, D::kDec,
      "Maximum number of file descriptors the process may open."),
    f("proc.fdusage", T::kDouble, kNoFlags, D::kNa,
      "Open file descriptors as a fraction of the limit."),
    f("proc.vmsize", T::kUint64, kNoFlags, D::kDec, "Virtual memory size of the process, in kB."),
    f("proc.vmrss", T::kUint64, kNoFlags, D::kDec,
      "Resident (non-swapped) memory of the process, in kB."),
    f("proc.vmswap", T::kUint64, kNoFlags, D::kDec, "Swapped-out memory of the process, in kB."),
    f("thread.pfmajor", T::kUint64, kNoFlags, D::kDec,
      "Major page faults of the thread since it started."),
    f("thread.pfminor", T::kUint64, kNoFlags, D::kDec,
      "Minor page faults of the thread since it started."),
    f("thread.tid", T::kInt64, kNoFlags, D::kId, "Thread id."),
    f("thread.ismain", T::kBool, kNoFlags, D::kNa,
      "true if the thread is the main thread of its process."),
    f("thread.vtid", T::kInt64, kNoFlags, D::kId,
      "Thread id as seen inside the thread's pid namespace."),
    f("thread.nametid", T::kString, kTableOnly, D::kNa,
      "Process name and thread id joined, identifying one thread of one exec."),
    f("thread.exectime", T::kRelTime, kNoFlags, D::kDec,
      "CPU time used by the previously scheduled thread, in nanoseconds (scheduler switch "
      "events only)."),
    f("thread.totexectime", T::kRelTime, kNoFlags, D::kDec,
      "CPU time used by this thread since the capture started, in nanoseconds (scheduler switch "
      "events only)."),
    f("thread.cgroups", T::kString, kNoFlags, D::kNa,
      "Every cgroup the thread belongs to, as one string."),
    f("thread.cgroup", T::kString, kArgRequired | kArgKey | kDottedOnly, D::kNa,
      "The thread's cgroup for one controller named after a dot, e.g. thread.cgroup.cpuacct."),
    f("proc.nthreads", T::kUint64, kNoFlags, D::kDec,
      "Number of live threads of the process, the leader included (if it is still alive)."),
    f("proc.nchilds", T::kUint64, kNoFlags, D::kDec,
      "Number of live threads of the process other than the leader."),
    f("thread.cpu", T::kDouble, kNoFlags, D::kNa, "CPU used by the thread over the last second."),
    f("thread.cpu.user", T::kDouble, kNoFlags, D::kNa,
      "User-mode CPU used by the thread over the last second."),
    f("thread.cpu.system", T::kDouble, kNoFlags, D::kNa,
      "Kernel-mode CPU used by the thread over the last second."),
    f("thread.vmsize", T::kUint64, kNoFlags, D::kDec,
      "For the main thread, the process's virtual memory size in kB; 0 for other threads."),
    f("thread.vmrss", T::kUint64, kNoFlags, D::kDec,
      "For the main thread, the process's resident memory in kB; 0 for other threads."),
    f("thread.vmsize.b", T::kUint64, kTableOnly, D::kDec, "thread.vmsize in bytes instead of kB."),
    f("thread.vmrss.b", T::kUint64, kTableOnly, D::kDec, "thread.vmrss in bytes instead of kB."),
    f("proc.stdin.type", T::kString, kNoFlags, D::kNa,
      "fd.type of file descriptor 0 (standard input) of the process."),
    f("proc.stdout.type", T::kString, kNoFlags, D::kNa,
      "fd.type of file descriptor 1 (standard output) of the process."),
    f("proc.stderr.type", T::kString, kNoFlags, D::kNa,
      "fd.type of file descriptor 2 (standard error) of the process."),
    f("proc.stdin.name", T::kString, kNoFlags, D::kNa,
      "fd.name of file descriptor 0 (standard input) of the process."),
    f("proc.stdout.name", T::kString, kNoFlags, D::kNa,
      "fd.name of file descriptor 1 (standard output) of the process."),
    f("proc.stderr.name", T::kString, kNoFlags, D::kNa,
      "fd.name of file descriptor 2 (standard error) of the process."),
};

} // namespace

std::span<const FieldInfo> process_fields() { return kFields; }

} // namespace kestrel::rules::fields
