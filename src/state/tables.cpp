// Tables: the thread table (add, remove, exit, purge, ancestry), process sharing, loading from
// snapshots, and the event dispatch of apply().

#include "state/tables.hpp"

#include <algorithm>
#include <unordered_set>

#include "event/gen/events.hpp"
#include "state/internal.hpp"
#include "state/parsers.hpp"

namespace kestrel::state {
namespace {

// Recycled thread nodes kept at most; beyond it removed nodes are freed.
constexpr size_t kMaxFreeThreads = 4096;

} // namespace

std::string_view Process::arg(size_t i) const {
    std::string_view raw = args_raw;
    size_t index = 0;
    while (!raw.empty()) {
        size_t nul = raw.find('\0');
        if (index == i) {
            return raw.substr(0, nul);
        }
        if (nul == std::string_view::npos) {
            break;
        }
        raw.remove_prefix(nul + 1);
        ++index;
    }
    return {};
}

size_t Process::arg_count() const {
    return static_cast<size_t>(std::count(args_raw.begin(), args_raw.end(), '\0'));
}

std::string_view Process::env_value(std::string_view key) const {
    std::string_view raw = env_raw;
    while (!raw.empty()) {
        size_t nul = raw.find('\0');
        std::string_view entry = raw.substr(0, nul);
        if (entry.size() > key.size() && entry.starts_with(key) && entry[key.size()] == '=') {
            return entry.substr(key.size() + 1);
        }
        if (nul == std::string_view::npos) {
            break;
        }
        raw.remove_prefix(nul + 1);
    }
    return {};
}

std::string_view Process::cgroup(std::string_view subsys) const {
    std::string_view raw = cgroups_raw;
    while (!raw.empty()) {
        size_t nul = raw.find('\0');
        std::string_view entry = raw.substr(0, nul);
        if (entry.size() > subsys.size() && entry.starts_with(subsys) &&
            entry[subsys.size()] == '=') {
            return entry.substr(subsys.size() + 1);
        }
        if (nul == std::string_view::npos) {
            break;
        }
        raw.remove_prefix(nul + 1);
    }
    return {};
}

Tables::Tables(Config config) : config_(config) {
    threads_.reserve(std::min<size_t>(config_.thread_table_size, 65536));
}

// ---- apply ----------------------------------------------------------------------------------

void Tables::apply(const event::View& evt) {
    apply_pending();
    fd_name_changed_ = false;
    if ((evt.flags() & KES_HDR_F_ENTER) != 0) {
        // An old capture's enter event, delivered for the rules only: its exit (which carries
        // the merged parameters) makes the state change, once.
        return;
    }
    switch (evt.type()) {
    case KES_EVT_CLONE:
    case KES_EVT_CLONE3:
    case KES_EVT_FORK:
    case KES_EVT_VFORK:
        Parsers::clone(*this, evt);
        return;
    case KES_EVT_EXECVE:
    case KES_EVT_EXECVEAT:
        Parsers::execve(*this, evt);
        return;
    case KES_EVT_PROCEXIT:
        Parsers::procexit(*this, evt);
        return;
    default:
        break;
    }
    // Every other event: the thread must exist (created from the header when not).
    Thread* thread = event_thread(evt);
    if (thread == nullptr) {
        return;
    }
    Parsers::other(*this, *thread, evt);
}

void Tables::apply_pending() {
    if (!pending_closes_.empty()) {
        for (const PendingClose& c : pending_closes_) {
            Thread* t = lookup(c.tid);
            if (t != nullptr && t->process) {
                erase_fd(*t->process, c.fd);
            }
        }
        pending_closes_.clear();
    }
    if (!pending_exits_.empty()) {
        for (const PendingExit& e : pending_exits_) {
            exit_thread(e.tid, e.reaper_tid);
        }
        pending_exits_.clear();
    }
}

void Tables::flush_pending() { apply_pending(); }

// ---- lookups --------------------------------------------------------------------------------

void Tables::invalidate_caches() const {
    last_tid_ = -1;
    last_thread_ = nullptr;
}

Thread* Tables::lookup(int64_t tid) {
    auto it = threads_.find(tid);
    return it == threads_.end() ? nullptr : &it->second;
}

const Thread* Tables::find_thread(int64_t tid) const {
    if (last_thread_ != nullptr && last_tid_ == tid) {
        ++counters_.n_cached_thread_lookups;
        return last_thread_;
    }
    ++counters_.n_noncached_thread_lookups;
    auto it = threads_.find(tid);
    if (it == threads_.end()) {
        ++counters_.n_failed_thread_lookups;
        return nullptr;
    }
    last_tid_ = tid;
    last_thread_ = &it->second;
    return &it->second;
}

const Thread* Tables::parent(const Thread& thread) const {
    if (thread.ptid < 0 || thread.ptid == thread.tid) {
        return nullptr;
    }
    return find_thread(thread.ptid);
}

const Thread* Tables::ancestor(const Thread& thread, int n) const {
    if (n < 0 || n > kMaxAncestry) {
        return nullptr;
    }
    const Thread* cur = &thread;
    for (int i = 0; i < n && cur != nullptr; ++i) {
        cur = parent(*cur);
        if (cur == &thread) {
            return nullptr; // a cycle back to the start
        }
    }
    return cur;
}

const Thread* Tables::session_leader(const Thread& thread) const {
    if (!thread.process || thread.process->sid < 0) {
        return nullptr;
    }
    return find_thread(thread.process->sid);
}

void Tables::upsert_container(const Container& info, uint64_t ts) {
    if (info.id.empty() || info.id == "host") {
        return;
    }
    containers_.upsert(info, ts);
    counters_.n_containers = containers_.size();
}

const Container* Tables::container_of(const Thread& thread) const {
    if (!thread.process) {
        return nullptr;
    }
    return containers_.find(thread.process->container_id);
}

// ---- thread table ---------------------------------------------------------------------------

Thread* Tables::add_thread(int64_t tid) {
    if (auto it = threads_.find(tid); it != threads_.end()) {
        // A stale entry with the same tid (a procexit we never saw): replaced.
        ++counters_.n_tid_collisions;
        erase_thread(tid);
    }
    if (threads_.size() >= config_.thread_table_size) {
        ++counters_.n_drops_full_threadtable;
        return nullptr;
    }
    Thread* thread = nullptr;
    if (!free_threads_.empty()) {
        auto node = std::move(free_threads_.back());
        free_threads_.pop_back();
        node.key() = tid;
        thread = &threads_.insert(std::move(node)).position->second;
    } else {
        thread = &threads_.try_emplace(tid).first->second;
    }
    // Reset in place (recycled strings keep their capacity).
    thread->tid = tid;
    thread->pid = -1;
    thread->ptid = -1;
    thread->vtid = tid;
    thread->comm.clear();
    thread->cmdline.clear();
    thread->uid = 0;
    thread->gid = 0;
    thread->loginuid = UINT32_MAX;
    thread->cap_inheritable = 0;
    thread->cap_permitted = 0;
    thread->cap_effective = 0;
    thread->clone_flags = 0;
    thread->clone_ts = 0;
    thread->last_event_ts = 0;
    thread->dead = false;
    thread->from_child_event = false;
    thread->partial = false;
    thread->children.clear();
    thread->process.reset();
    ++counters_.n_threads;
    ++counters_.n_added_threads;
    return thread;
}

void Tables::erase_thread(int64_t tid) {
    auto it = threads_.find(tid);
    if (it == threads_.end()) {
        return;
    }
    Thread& thread = it->second;
    remove_child(thread.ptid, tid);
    detach_process(thread);
    invalidate_caches();
    auto node = threads_.extract(it);
    if (free_threads_.size() < kMaxFreeThreads) {
        free_threads_.push_back(std::move(node));
    }
    --counters_.n_threads;
    ++counters_.n_removed_threads;
}

std::shared_ptr<Process> Tables::new_process(int64_t pid) {
    auto process = std::make_shared<Process>();
    process->pid = pid;
    return process;
}

void Tables::attach_process(Thread& thread, std::shared_ptr<Process> process) {
    detach_process(thread);
    thread.process = std::move(process);
    if (thread.process->tids.empty()) {
        containers_.ref(thread.process->container_id);
    }
    thread.process->tids.push_back(thread.tid);
    if (!thread.dead) {
        ++thread.process->live_threads;
    }
}

void Tables::detach_process(Thread& thread) {
    if (!thread.process) {
        return;
    }
    Process& process = *thread.process;
    auto& tids = process.tids;
    if (auto pos = std::find(tids.begin(), tids.end(), thread.tid); pos != tids.end()) {
        *pos = tids.back();
        tids.pop_back();
    }
    if (!thread.dead) {
        --process.live_threads;
    }
    if (tids.empty()) {
        // The last thread of the process: its fds go with it.
        drop_all_fds(process);
        containers_.unref(process.container_id);
        counters_.n_containers = containers_.size();
    }
    thread.process.reset();
}

void Tables::add_child(int64_t parent_tid, int64_t child_tid) {
    if (Thread* parent = lookup(parent_tid); parent != nullptr && parent_tid != child_tid) {
        parent->children.push_back(child_tid);
    }
}

void Tables::remove_child(int64_t parent_tid, int64_t child_tid) {
    Thread* parent = lookup(parent_tid);
    if (parent == nullptr) {
        return;
    }
    auto& c = parent->children;
    if (auto pos = std::find(c.begin(), c.end(), child_tid); pos != c.end()) {
        *pos = c.back();
        c.pop_back();
    }
}

std::shared_ptr<Process> Tables::group_process(int64_t pid, std::string_view comm) {
    if (Thread* main = lookup(pid); main != nullptr) {
        if (!main->process) {
            attach_process(*main, new_process(pid));
        }
        return main->process;
    }
    // The group's main thread is unknown: a placeholder entry holds the group's process, as
    // libsinsp creates an "invalid" main thread; it keeps the process reachable by pid and goes
    // with the group (or with purge() when the real main thread had already exited).
    Thread* main = add_thread(pid);
    if (main == nullptr) {
        return new_process(pid);
    }
    main->pid = pid;
    main->comm.assign(comm);
    main->cmdline.assign(comm);
    main->partial = true;
    if (unresolved_.size() < kMaxUnresolved) {
        unresolved_.push_back(pid);
    }
    attach_process(*main, new_process(pid));
    return main->process;
}

Thread* Tables::event_thread(const event::View& evt) {
    int64_t tid = evt.tid();
    // Events come in bursts from one thread: the last-lookup cache saves the hash lookup.
    Thread* thread = last_thread_ != nullptr && last_tid_ == tid
                         ? const_cast<Thread*>(last_thread_) // NOLINT: the table owns it
                         : lookup(tid);
    if (thread == nullptr) {
        ++counters_.n_missing_thread;
        // A capture reader gives pid 0 for a thread it never saw created: libsinsp then makes the
        // thread its own group leader (pid = tid), rather than grouping every such thread under
        // a placeholder "process 0".
        int64_t pid = evt.pid() > 0 ? evt.pid() : tid;
        std::shared_ptr<Process> process;
        if (pid != tid) {
            process = group_process(pid, evt.comm());
        }
        thread = add_thread(tid);
        if (thread == nullptr) {
            return nullptr;
        }
        thread->pid = pid;
        thread->comm.assign(evt.comm());
        thread->cmdline.assign(thread->comm);
        thread->partial = true;
        attach_process(*thread, process ? std::move(process) : new_process(pid));
        if (unresolved_.size() < kMaxUnresolved) {
            unresolved_.push_back(tid);
        }
    }
    // Keep the last-lookup cache on the event's thread: the evaluator asks for it next.
    last_tid_ = tid;
    last_thread_ = thread;
    thread->last_event_ts = evt.ts_ns();
    return thread;
}

void Tables::exit_thread(int64_t tid, int64_t reaper_tid) {
    Thread* thread = lookup(tid);
    if (thread == nullptr) {
        return;
    }
    // Reparent the children (the probe reports the reaper the kernel picked).
    int64_t reaper = reaper_tid;
    if (reaper <= 0 || reaper == tid) {
        reaper = -1;
        if (thread->process) {
            for (int64_t other : thread->process->tids) {
                Thread* o = lookup(other);
                if (other != tid && o != nullptr && !o->dead) {
                    reaper = other;
                    break;
                }
            }
        }
        if (reaper < 0) {
            reaper = 1;
        }
    }
    std::vector<int64_t> children;
    children.swap(thread->children);
    for (int64_t child_tid : children) {
        Thread* child = lookup(child_tid);
        if (child == nullptr || child->ptid != tid) {
            continue; // stale entry
        }
        child->ptid = reaper;
        add_child(reaper, child_tid);
        ++counters_.n_reparented_threads;
    }
    thread = lookup(tid); // add_child does not rehash, but stay safe
    children.clear();
    thread->children.swap(children); // keep the capacity for the node's next use

    std::shared_ptr<Process> process = thread->process;
    if (!thread->dead) {
        thread->dead = true;
        if (process) {
            --process->live_threads;
        }
    }
    // libsinsp keeps a main thread whose group still runs (its fd table lives there); Kestrel
    // keeps it for ancestry (children point at it by ptid), and drops it with the last thread.
    if (thread->is_main_thread() && process && process->live_threads > 0) {
        return;
    }
    erase_thread(tid);
    if (process && process->live_threads <= 0 && !process->tids.empty()) {
        // Only dead entries are left (a main thread kept above): the group is gone.
        std::vector<int64_t> left = process->tids;
        for (int64_t other : left) {
            erase_thread(other);
        }
    }
}

// ---- containers -----------------------------------------------------------------------------

void Tables::set_container(Process& process, std::span<const uint8_t> cgroups, uint64_t ts) {
    detail::assign_entries(cgroups, process.cgroups_raw);
    ContainerMatch match;
    std::string_view id = "host";
    if (match_container_cgroups(cgroups, &match)) {
        id = containers_.add(match, ts).id;
    }
    if (id == process.container_id) {
        return;
    }
    if (!process.tids.empty()) {
        containers_.ref(id);
        containers_.unref(process.container_id);
    }
    process.container_id.assign(id);
    counters_.n_containers = containers_.size();
}

// ---- loading --------------------------------------------------------------------------------

void Tables::load(std::span<const ThreadSnapshot> threads) {
    apply_pending();
    // Main threads first: the others join their process.
    for (int pass = 0; pass < 2; ++pass) {
        for (const ThreadSnapshot& s : threads) {
            bool main = s.tid == s.pid || s.pid < 0;
            if ((pass == 0) != main) {
                continue;
            }
            Parsers::load_snapshot(*this, s);
        }
    }
    for (const ThreadSnapshot& s : threads) {
        Thread* t = lookup(s.tid);
        if (t != nullptr) {
            Thread* parent = lookup(t->ptid);
            if (parent != nullptr && std::find(parent->children.begin(), parent->children.end(),
                                               t->tid) == parent->children.end()) {
                parent->children.push_back(t->tid);
            }
        }
    }
    fix_loaded_socket_roles(threads);
}

void Tables::fix_loaded_socket_roles(std::span<const ThreadSnapshot> threads) {
    // A connection read from /proc or a capture's fd list does not say who connected: as
    // libsinsp's fix_sockets_coming_from_proc, a local port some loaded socket listens on makes
    // it the server end. Loaded client entries carry the local end as the client.
    std::unordered_set<uint32_t> listening;
    auto key = [](const IpAddr& ip, uint16_t port) { return uint32_t{ip.family} << 16 | port; };
    auto each_loaded_fd = [&](auto&& fn) {
        for (const ThreadSnapshot& s : threads) {
            Thread* t = lookup(s.tid);
            if (t == nullptr || !t->process || s.fds.empty()) {
                continue;
            }
            for (const FdSnapshot& f : s.fds) {
                if (Fd* fd = lookup_fd(*t->process, f.fd); fd != nullptr && fd->is_ip_socket()) {
                    fn(*fd);
                }
            }
        }
    };
    each_loaded_fd([&](Fd& fd) {
        if (fd.role == SockRole::kServer && fd.cport == 0 && fd.sport != 0) {
            listening.insert(key(fd.sip, fd.sport));
        }
    });
    if (listening.empty()) {
        return;
    }
    each_loaded_fd([&](Fd& fd) {
        if (fd.role != SockRole::kClient || !listening.contains(key(fd.cip, fd.cport))) {
            return;
        }
        std::swap(fd.cip, fd.sip);
        std::swap(fd.cport, fd.sport);
        fd.role = SockRole::kServer;
        detail::build_tuple_name(fd);
    });
}

void Tables::take_unresolved(std::vector<int64_t>& out) {
    for (int64_t tid : unresolved_) {
        if (Thread* t = lookup(tid); t != nullptr && t->partial) {
            out.push_back(tid);
        }
    }
    unresolved_.clear();
}

bool Tables::enrich(const ThreadSnapshot& s) {
    apply_pending();
    Thread* thread = lookup(s.tid);
    if (thread == nullptr || !thread->partial) {
        return false;
    }
    Parsers::enrich(*this, *thread, s);
    return true;
}

// ---- maintenance ----------------------------------------------------------------------------

size_t Tables::purge(uint64_t now_ns, const std::function<bool(int64_t)>& alive) {
    apply_pending();
    std::vector<int64_t> doomed;
    for (const auto& [tid, thread] : threads_) {
        bool group_gone = thread.dead && (!thread.process || thread.process->live_threads <= 0);
        bool timed_out = alive && thread.last_event_ts + config_.thread_timeout_ns < now_ns &&
                         thread.clone_ts + config_.thread_timeout_ns < now_ns && !alive(tid);
        if (group_gone || timed_out) {
            doomed.push_back(tid);
        }
    }
    for (int64_t tid : doomed) {
        if (lookup(tid) != nullptr) {
            exit_thread(tid, 0);
            if (lookup(tid) != nullptr) {
                // A main thread kept for its group: purge means gone.
                erase_thread(tid);
            }
        }
    }
    counters_.n_purged_threads += doomed.size();
    return doomed.size();
}

void Tables::clear() {
    pending_closes_.clear();
    pending_exits_.clear();
    std::vector<int64_t> all;
    all.reserve(threads_.size());
    for (const auto& [tid, thread] : threads_) {
        all.push_back(tid);
    }
    for (int64_t tid : all) {
        erase_thread(tid);
    }
    containers_.clear();
    counters_.n_containers = 0;
    invalidate_caches();
}

} // namespace kestrel::state
