#pragma once
// The host's processes, threads and fds before the first live event: from the BPF task and
// task_file iterators (capture/task_iter), falling back to the /proc scan (state/proc_scan)
// when the iterators cannot load, attach or be read, or when `engine.modern_ebpf.
// disable_iterators` is set. Either way the same ThreadSnapshots reach Tables::load(). One log
// line says which source was used (and why the iterators were not); the state's counters
// (n_proc_scan_threads, n_proc_scan_fds, n_task_iter_failures) and the iterator's Falco
// counters (capture::last_iter_counters(): scap.n_evts_task...) count it.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "capture/task_iter.hpp"
#include "state/proc_scan.hpp"
#include "state/tables.hpp"
#include "state/types.hpp"

namespace kestrel::daemon {

enum class InitialSource { kIterator, kProc, kNone };

struct InitialStateOptions {
    bool use_iterators = true; // !engine.modern_ebpf.disable_iterators
    // The iterator run (tests substitute a failing one to exercise the fallback).
    std::function<base::Result<capture::IterSnapshot>()> iterate = [] {
        return capture::run_task_iterators();
    };
    state::ProcScanOptions proc; // the fallback's options
};

struct InitialStateReport {
    InitialSource source = InitialSource::kNone;
    uint64_t processes = 0;
    uint64_t threads = 0;
    uint64_t fds = 0;
    uint64_t vanished = 0;   // /proc: entries gone mid-scan
    uint64_t unreadable = 0; // /proc: fd tables not readable (EACCES)
    uint64_t dropped = 0;    // iterator: records the kernel side dropped
    // iterator: processes /proc lists that the iterator did not show, read from /proc
    uint64_t completed_processes = 0;
    uint64_t completed_threads = 0;
    uint64_t completed_fds = 0;
    std::string iterator_error; // why the iterators were not used (empty when they were)
    uint64_t elapsed_ns = 0;    // read + load
};

// Loads the iterators' object on its own thread from construction (the verifier's work overlaps
// whatever the caller does meanwhile, e.g. compiling rules); iterate() waits for it and walks.
// Disabled: nothing is loaded, iterate() fails.
class IteratorPreload {
  public:
    explicit IteratorPreload(bool enabled);
    ~IteratorPreload();
    IteratorPreload(const IteratorPreload&) = delete;
    IteratorPreload& operator=(const IteratorPreload&) = delete;

    base::Result<capture::IterSnapshot> iterate();

  private:
    std::thread thread_;
    base::Result<std::unique_ptr<capture::TaskIterators>> loaded_;
};

// Loads users/groups and the initial state into `tables`, logs one line, counts.
InitialStateReport load_initial_state(state::Tables& tables, const InitialStateOptions& options);

// The iterators' records as the state's snapshots (fds attached to their process's leader).
std::vector<state::ThreadSnapshot> iter_to_snapshots(const capture::IterSnapshot& snapshot);

} // namespace kestrel::daemon
