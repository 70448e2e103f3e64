#pragma once
// StateView: what the evaluator asks the state tables (src/state/, not written yet) for the
// proc.*, thread.*, user.* and fd.* fields. Abstract so that eval does not depend on how state is
// stored; the state module implements it, tests implement it with a few fixed entries. Pointers
// returned are valid until the next event is processed (the hot-path thread owns both sides).

#include <cstdint>
#include <string_view>

namespace kestrel::eval {

struct ThreadInfo {
    int64_t tid = -1;
    int64_t pid = -1;
    int64_t ppid = -1;
    int64_t vpid = -1;
    std::string_view comm;    // proc.name
    std::string_view exe;     // proc.exe (argv[0])
    std::string_view exepath; // proc.exepath
    std::string_view args;    // proc.args: argv[1..] joined by spaces
    std::string_view cmdline; // proc.cmdline: comm + " " + args
    std::string_view cwd;
    uint32_t uid = 0;
    uint32_t gid = 0;
    int64_t loginuid = -1;
    uint32_t tty = 0;
    std::string_view user_name;
    std::string_view container_id; // "host" on the host
};

struct FdInfo {
    int64_t fd = -1;
    char typechar = 'o';
    std::string_view name;
};

class StateView {
  public:
    virtual ~StateView() = default;
    // nullptr when the thread is unknown.
    [[nodiscard]] virtual const ThreadInfo* thread(int64_t tid) const = 0;
    [[nodiscard]] virtual const FdInfo* fd(int64_t pid, int64_t fd) const = 0;
};

} // namespace kestrel::eval
