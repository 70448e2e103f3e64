#pragma once
// state::Tables: the model of processes, threads, fds, users and containers that the hot path
// keeps up to date from events and the evaluator queries.
//
// Threading: owned by the hot-path thread. apply() is the one entry point per event; the pointers
// the query API returns stay valid until the next apply() (or purge()/load_*()).
//
// Deferred removals (as libsinsp does, sinsp.cpp m_fds_to_remove / m_tid_to_remove): a close or
// a procexit takes effect at the start of the next apply(), so the rules evaluated on the close
// or procexit event itself still see the fd or the thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "event/view.hpp"
#include "state/containers.hpp"
#include "state/types.hpp"
#include "state/users.hpp"

namespace kestrel::state {

struct Config {
    // falco_libs.thread_table_size: new threads beyond it are dropped and counted
    // (n_drops_full_threadtable), as libsinsp's thread manager does.
    size_t thread_table_size = 262144;
    // A cap on each process's fd table on top of its fdlimit (libsinsp caps fd tables too).
    size_t max_fds_per_process = 65536;
    // falco_libs.thread_timeout: threads with no event for this long are candidates for purge().
    uint64_t thread_timeout_ns = 1800ULL * 1000 * 1000 * 1000;
};

class Tables {
  public:
    explicit Tables(Config config = {});
    Tables(const Tables&) = delete;
    Tables& operator=(const Tables&) = delete;

    // ---- Hot path ---------------------------------------------------------------------------
    // Updates state from one event. Never fails: records state cannot use are counted.
    void apply(const event::View& evt);

    // ---- Queries (valid until the next apply) ------------------------------------------------
    // Count n_{cached,noncached,failed}_thread_lookups like libsinsp's thread manager.
    [[nodiscard]] const Thread* find_thread(int64_t tid) const;
    // The process whose fd table, cwd and program `thread` shares; never null for table entries.
    [[nodiscard]] const Process* process(const Thread& thread) const {
        return thread.process.get();
    }
    [[nodiscard]] const Fd* find_fd(const Thread& thread, int64_t fd) const;
    // By process id: the fd table of the process whose main thread is
    // `pid` (kept while any thread of the group lives).
    [[nodiscard]] const Fd* find_fd_by_pid(int64_t pid, int64_t fd) const;
    // True when the last apply() gave an IP socket a new name from a sendto/sendmsg/recvfrom/
    // recvmsg tuple (a datagram socket learning its peer): libsinsp's fd.name_changed.
    [[nodiscard]] bool fd_name_changed() const { return fd_name_changed_; }
    // The thread whose tid is thread.ptid (proc.pname, proc.ppid ...); nullptr when unknown.
    [[nodiscard]] const Thread* parent(const Thread& thread) const;
    // n = 0: the thread itself, 1: parent, ... (proc.aname[N], proc.apid[N]). nullptr when the
    // chain ends first or loops (a ptid cycle from lost events).
    [[nodiscard]] const Thread* ancestor(const Thread& thread, int n) const;
    // Calls fn(const Thread&) for each ancestor from the parent up, until fn returns false, the
    // chain ends, or kMaxAncestry steps (proc.aname without an index: "any ancestor").
    template <typename Fn> void for_each_ancestor(const Thread& thread, Fn&& fn) const;
    // The session leader (proc.sname): the main thread of the process whose pid is the sid.
    [[nodiscard]] const Thread* session_leader(const Thread& thread) const;

    [[nodiscard]] const User* find_user(uint32_t uid) const { return users_.find_user(uid); }
    [[nodiscard]] const Group* find_group(uint32_t gid) const { return users_.find_group(gid); }
    // "host" gives the host entry.
    [[nodiscard]] const Container* find_container(std::string_view id) const {
        return containers_.find(id);
    }
    [[nodiscard]] const Container* container_of(const Thread& thread) const;

    [[nodiscard]] const Counters& counters() const { return counters_; }
    [[nodiscard]] const Config& config() const { return config_; }
    [[nodiscard]] size_t thread_count() const { return threads_.size(); }
    template <typename Fn> void for_each_thread(Fn&& fn) const {
        for (const auto& [tid, thread] : threads_) {
            fn(thread);
        }
    }

    UserTable& users() { return users_; }
    [[nodiscard]] const UserTable& users() const { return users_; }
    [[nodiscard]] const ContainerTable& containers() const { return containers_; }
    // Container metadata from outside the event stream (an old capture's `container` JSON event,
    // a runtime client): see ContainerTable::upsert. Off the hot path; ignores "host" and "".
    void upsert_container(const Container& info, uint64_t ts);

    // ---- Loading (initial state, replay) -----------------------------------------------------
    // Adds or replaces threads from plain records (/proc scan, BPF task iterator, capture file).
    // Main threads are loaded first so that the others join their process; parent links
    // (children lists) are built once all are in. Loaded connections whose local port a loaded
    // socket listens on become server ends (libsinsp's fix_sockets_coming_from_proc): loaders
    // may give every connection as a client with the local end in cip/cport.
    void load(std::span<const ThreadSnapshot> threads);

    // Threads first seen in an event (partial entries) whose details a /proc read could fill:
    // moves their tids into `out` (the table remembers at most kMaxUnresolved). The hot path
    // never reads /proc itself; the daemon reads them elsewhere (scan_proc_pid) and hands the
    // result back through enrich(), between two events.
    void take_unresolved(std::vector<int64_t>& out);
    // Completes a partial thread (and its process) from a snapshot without touching what events
    // already set: parent, ids, credentials, program, cwd, container, and the fds the table
    // lacks. False when the thread is gone or not partial any more.
    bool enrich(const ThreadSnapshot& snapshot);
    static constexpr size_t kMaxUnresolved = 1024;

    // ---- Maintenance --------------------------------------------------------------------------
    // Applies the deferred removals of the last event now (end of a capture, tests).
    void flush_pending();
    // Removes dead main threads whose group is gone and threads with no event for
    // config.thread_timeout_ns that `alive(tid)` says are gone (live mode passes proc_alive()
    // from proc_scan.hpp; without it, timeouts alone remove nothing). Returns how many went.
    size_t purge(uint64_t now_ns, const std::function<bool(int64_t)>& alive = {});
    void clear();
    // Records what a /proc scan skipped (ProcScanStats::vanished) in the counters.
    void count_scan_vanished(uint64_t n) { counters_.n_proc_scan_vanished += n; }
    // Records where the initial state came from (daemon/initial_state).
    void count_proc_scan(uint64_t threads, uint64_t fds) {
        counters_.n_proc_scan_threads += threads;
        counters_.n_proc_scan_fds += fds;
    }
    void count_task_iter_failure() { ++counters_.n_task_iter_failures; }

    static constexpr int kMaxAncestry = 64;
    static constexpr int64_t kAtFdcwd = -100;

  private:
    friend struct Parsers;

    Thread* lookup(int64_t tid); // no counters: internal use
    // The event's thread, created from the header when unknown (libsinsp creates an entry for
    // any thread it sees; its /proc lookup comes later here).
    Thread* event_thread(const event::View& evt);
    // The process of thread group `pid`, through its main thread (a placeholder main thread is
    // made when unknown).
    std::shared_ptr<Process> group_process(int64_t pid, std::string_view comm);
    // A fresh entry for `tid` (recycled node when possible); nullptr when the table is full.
    Thread* add_thread(int64_t tid);
    void erase_thread(int64_t tid);
    // Procexit processing: reparenting, dead main threads, process teardown.
    void exit_thread(int64_t tid, int64_t reaper_tid);
    void attach_process(Thread& thread, std::shared_ptr<Process> process);
    void detach_process(Thread& thread);
    std::shared_ptr<Process> new_process(int64_t pid);
    void add_child(int64_t parent_tid, int64_t child_tid);
    void remove_child(int64_t parent_tid, int64_t child_tid);
    void set_container(Process& process, std::span<const uint8_t> cgroups, uint64_t ts);

    // Fd table edits (fds.cpp). add_fd returns a reset entry, or nullptr when the table is full.
    Fd* add_fd(Process& process, int64_t num);
    bool erase_fd(Process& process, int64_t num);
    Fd* lookup_fd(Process& process, int64_t num);
    void copy_fds(const Process& from, Process& to);
    void drop_cloexec_fds(Process& process);
    void drop_all_fds(Process& process);

    void apply_pending();
    void fix_loaded_socket_roles(std::span<const ThreadSnapshot> threads);
    void invalidate_caches() const;

    Config config_;
    std::unordered_map<int64_t, Thread> threads_;
    // Nodes of removed threads and fds, reused so that steady-state churn (fork/exit,
    // open/close) does not allocate.
    std::vector<std::unordered_map<int64_t, Thread>::node_type> free_threads_;
    std::vector<std::unordered_map<int64_t, Fd>::node_type> free_fds_;
    // Path building scratch, kept across events.
    std::string scratch_;
    UserTable users_;
    ContainerTable containers_;
    mutable Counters counters_;

    mutable int64_t last_tid_ = -1;
    mutable const Thread* last_thread_ = nullptr;

    struct PendingClose {
        int64_t tid;
        int64_t fd;
    };
    std::vector<PendingClose> pending_closes_;
    bool fd_name_changed_ = false; // set by the send/recv parsers, cleared by each apply()
    struct PendingExit {
        int64_t tid;
        int64_t reaper_tid;
    };
    std::vector<PendingExit> pending_exits_;
    std::vector<int64_t> unresolved_;
};

template <typename Fn> void Tables::for_each_ancestor(const Thread& thread, Fn&& fn) const {
    const Thread* cur = &thread;
    for (int i = 0; i < kMaxAncestry; ++i) {
        cur = parent(*cur);
        if (cur == nullptr || cur == &thread) {
            return;
        }
        if (!fn(*cur)) {
            return;
        }
    }
}

} // namespace kestrel::state
