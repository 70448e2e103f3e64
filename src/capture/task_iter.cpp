// Initial state through the BPF task/task_file iterators (bpf/iter/kestrel_iter.bpf.c).

#include "capture/task_iter.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "base/log.hpp"
#include "base/time.hpp"
#include "base/unique_fd.hpp"
#include "gen/kestrel_events.h"
#include "iter/kestrel_iter.h"
#include "kestrel_iter.skel.h"
#include "kestrel_stats.h"

namespace kestrel::capture {
namespace {

using base::ErrorCode;
using base::make_error;

static_assert(static_cast<size_t>(KES_IFK_COUNT) == kIterFileKinds);
static_assert(static_cast<int>(IterFileKind::kAnonInode) == KES_IFK_ANON_INODE);
static_assert(static_cast<int>(IterFileKind::kOther) == KES_IFK_OTHER);

std::mutex g_last_mutex;
IterCounters g_last;

// libbpf's messages (the verifier's among them) while the iterators load: kept for the error.
thread_local std::string* g_log = nullptr;

// The callback installed before ours: messages of other threads (the probe may load at the
// same time) go on to it.
std::atomic<libbpf_print_fn_t> g_previous{nullptr};

int collect_print(enum libbpf_print_level level, const char* format, va_list args) {
    if (g_log == nullptr) {
        libbpf_print_fn_t previous = g_previous.load();
        return previous != nullptr ? previous(level, format, args) : 0;
    }
    if (level == LIBBPF_DEBUG) {
        return 0;
    }
    char line[1024];
    int n = std::vsnprintf(line, sizeof(line), format, args);
    if (n > 0) {
        g_log->append(line);
        constexpr size_t kKeep = 8192;
        if (g_log->size() > 2 * kKeep) {
            g_log->erase(0, g_log->size() - kKeep);
        }
    }
    return 0;
}

// Opens and loads the object into *skel (destroyed by the caller either way), with libbpf's
// messages kept for the error.
base::Status open_and_load(kestrel_iter_bpf** skel) {
    std::string log;
    g_log = &log;
    libbpf_print_fn_t previous = libbpf_set_print(collect_print);
    if (previous != collect_print) {
        g_previous = previous;
    }
    base::Status st = base::Ok{};
    *skel = kestrel_iter_bpf__open();
    if (*skel == nullptr) {
        st = make_error(ErrorCode::kUnsupported,
                        fmt::format("opening the iterators' object: {}", strerror(errno)));
    } else {
        // The probe's maps that come with its headers but that no iterator uses.
        for (bpf_map* m : {(*skel)->maps.interesting, (*skel)->maps.exit_progs,
                           (*skel)->maps.syscall_counts, (*skel)->maps.rings}) {
            bpf_map__set_autocreate(m, false);
        }
        if (int err = kestrel_iter_bpf__load(*skel); err != 0) {
            st = make_error(err == -EPERM || err == -EACCES ? ErrorCode::kPermission
                                                            : ErrorCode::kUnsupported,
                            fmt::format("loading the iterators: {}", strerror(-err)));
        }
    }
    // Put the previous callback back, unless another thread installed its own meanwhile.
    if (libbpf_print_fn_t current = libbpf_set_print(g_previous.load()); current != collect_print) {
        libbpf_set_print(current);
    }
    g_log = nullptr;
    if (!st.ok() && !log.empty()) {
        base::Error e = st.error();
        e.message += "\n--- libbpf/verifier log (tail) ---\n" +
                     (log.size() > 4096 ? log.substr(log.size() - 4096) : log);
        return e;
    }
    return st;
}

// Runs one iterator program to the end, decoding as it reads.
base::Status run_one(bpf_program* prog, const char* what, IterSnapshot* out) {
    bpf_link* link = bpf_program__attach_iter(prog, nullptr);
    if (link == nullptr) {
        int err = errno;
        return make_error(ErrorCode::kUnsupported,
                          fmt::format("attaching iterator {}: {}", what, strerror(err)));
    }
    base::Status status = base::Ok{};
    base::UniqueFd fd(bpf_iter_create(bpf_link__fd(link)));
    if (!fd.valid()) {
        status = make_error(ErrorCode::kUnsupported,
                            fmt::format("creating iterator {}: {}", what, strerror(errno)));
    } else {
        // The kernel hands out whole objects per read() when the buffer is at least its own
        // (8 pages); records cut at a buffer's end are carried over anyway.
        std::vector<uint8_t> buf(256 * 1024);
        size_t have = 0;
        for (;;) {
            if (buf.size() - have < 64 * 1024) {
                buf.resize(buf.size() * 2);
            }
            ssize_t n = ::read(fd.get(), buf.data() + have, buf.size() - have);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                status = make_error(ErrorCode::kIo,
                                    fmt::format("reading iterator {}: {}", what, strerror(errno)));
                break;
            }
            if (n == 0) {
                break;
            }
            have += static_cast<size_t>(n);
            size_t used = decode_iter_records({buf.data(), have}, out);
            std::memmove(buf.data(), buf.data() + used, have - used);
            have -= used;
        }
        if (status.ok() && have != 0) {
            ++out->counters.n_bad_records; // a record cut at the end of the stream
        }
    }
    bpf_link__destroy(link);
    return status;
}

template <typename T> bool get(std::span<const uint8_t> p, T* out) {
    if (p.size() != sizeof(T)) {
        return false;
    }
    std::memcpy(out, p.data(), sizeof(T));
    return true;
}

std::string c_str(std::span<const uint8_t> p) {
    std::string_view s(reinterpret_cast<const char*>(p.data()), p.size());
    return std::string(s.substr(0, s.find('\0')));
}

// A raw NUL-separated area (argv, environ): each entry ends with a NUL, also a cut last one.
std::string entries(std::span<const uint8_t> p) {
    std::string s(reinterpret_cast<const char*>(p.data()), p.size());
    if (!s.empty() && s.back() != '\0') {
        s.push_back('\0');
    }
    return s;
}

void decode_task(const kes_event_header& h, const std::array<std::span<const uint8_t>, 32>& p,
                 IterSnapshot* out) {
    IterTask t;
    t.tid = h.tid;
    t.pid = h.pid;
    t.comm.assign(h.comm, strnlen(h.comm, sizeof(h.comm)));
    t.truncated = (h.flags & KES_HDR_F_TRUNCATED) != 0;
    get(p[KES_IT_PTID], &t.ptid);
    get(p[KES_IT_VTID], &t.vtid);
    get(p[KES_IT_VPID], &t.vpid);
    get(p[KES_IT_SID], &t.sid);
    get(p[KES_IT_PGID], &t.pgid);
    get(p[KES_IT_VPGID], &t.vpgid);
    get(p[KES_IT_UID], &t.uid);
    get(p[KES_IT_GID], &t.gid);
    get(p[KES_IT_LOGINUID], &t.loginuid);
    get(p[KES_IT_CAP_INH], &t.cap_inheritable);
    get(p[KES_IT_CAP_PRM], &t.cap_permitted);
    get(p[KES_IT_CAP_EFF], &t.cap_effective);
    get(p[KES_IT_TTY], &t.tty);
    get(p[KES_IT_START_TS], &t.start_ts);
    uint32_t flags = 0;
    get(p[KES_IT_FLAGS], &flags);
    t.kthread = (flags & KES_IT_F_KTHREAD) != 0;
    t.leader = (flags & KES_IT_F_LEADER) != 0;
    t.mm_unread = (flags & KES_IT_F_MM_UNREAD) != 0;
    if (t.leader) {
        get(p[KES_IT_FDLIMIT], &t.fdlimit);
        get(p[KES_IT_EXE_INO], &t.exe_ino);
        get(p[KES_IT_EXE_CTIME], &t.exe_ino_ctime);
        get(p[KES_IT_EXE_MTIME], &t.exe_ino_mtime);
        get(p[KES_IT_EXE_FLAGS], &t.exe_flags);
        t.exepath = c_str(p[KES_IT_EXEPATH]);
        t.args_raw = entries(p[KES_IT_ARGS]);
        t.env_raw = entries(p[KES_IT_ENV]);
        t.cwd = c_str(p[KES_IT_CWD]);
        t.cgroups_raw = entries(p[KES_IT_CGROUPS]);
    }
    ++out->counters.n_evts_task;
    out->tasks.push_back(std::move(t));
}

void decode_file(const kes_event_header& h, const std::array<std::span<const uint8_t>, 32>& p,
                 IterSnapshot* out) {
    IterFile f;
    f.pid = h.pid;
    f.truncated = (h.flags & KES_HDR_F_TRUNCATED) != 0;
    get(p[KES_IF_FD], &f.fd);
    uint32_t kind = KES_IFK_OTHER;
    get(p[KES_IF_KIND], &kind);
    f.kind = static_cast<IterFileKind>(kind < kIterFileKinds ? kind : uint32_t{KES_IFK_OTHER});
    get(p[KES_IF_FLAGS], &f.openflags);
    get(p[KES_IF_DEV], &f.dev);
    get(p[KES_IF_INO], &f.ino);
    f.name = c_str(p[KES_IF_NAME]);
    f.socktuple.assign(p[KES_IF_TUPLE].begin(), p[KES_IF_TUPLE].end());
    if (p[KES_IF_SOCK].size() == 4) {
        f.family = p[KES_IF_SOCK][0];
        f.sock_type = p[KES_IF_SOCK][1];
        f.protocol = p[KES_IF_SOCK][2];
        f.listening = p[KES_IF_SOCK][3] != 0;
    }
    ++out->counters.n_evts_task_file[static_cast<size_t>(f.kind)];
    out->files.push_back(std::move(f));
}

} // namespace

size_t decode_iter_records(std::span<const uint8_t> data, IterSnapshot* out) {
    size_t pos = 0;
    std::array<std::span<const uint8_t>, 32> params;
    while (data.size() - pos >= sizeof(kes_event_header)) {
        kes_event_header h;
        std::memcpy(&h, data.data() + pos, sizeof(h));
        size_t fixed = sizeof(h) + size_t{h.nparams} * 2;
        bool known = (h.type == KES_ITER_REC_TASK && h.nparams == KES_IT_NPARAMS) ||
                     (h.type == KES_ITER_REC_FILE && h.nparams == KES_IF_NPARAMS);
        if (!known || h.len < fixed || h.len > KES_REC_LIMIT) {
            ++out->counters.n_bad_records;
            return data.size(); // no way to find the next record
        }
        if (data.size() - pos < h.len) {
            break; // the rest comes with the next read
        }
        const uint8_t* rec = data.data() + pos;
        size_t off = fixed;
        bool fits = true;
        params.fill({});
        for (size_t i = 0; i < h.nparams; ++i) {
            uint16_t len = 0;
            std::memcpy(&len, rec + sizeof(h) + i * 2, 2);
            if (off + len > h.len) {
                fits = false;
                break;
            }
            params[i] = {rec + off, len};
            off += len;
        }
        pos += h.len;
        if (!fits) {
            ++out->counters.n_bad_records;
            continue;
        }
        if (h.type == KES_ITER_REC_TASK) {
            decode_task(h, params, out);
        } else {
            decode_file(h, params, out);
        }
    }
    return pos;
}

base::Result<std::unique_ptr<TaskIterators>> TaskIterators::load() {
    uint64_t t0 = base::monotonic_ns();
    std::unique_ptr<TaskIterators> it(new TaskIterators());
    KES_TRY(open_and_load(&it->skel_));
    it->load_ns_ = base::monotonic_ns() - t0;
    return it;
}

TaskIterators::~TaskIterators() {
    if (skel_ != nullptr) {
        kestrel_iter_bpf__destroy(skel_);
    }
}

base::Result<IterSnapshot> TaskIterators::run(const TaskIterOptions& options) {
    // The drop counters live in the object: this run's are the difference.
    const kes_iter_counters& k = skel_->bss->iter_counters;
    kes_iter_counters before = k;
    IterSnapshot out;
    uint64_t t1 = base::monotonic_ns();
    KES_TRY(run_one(skel_->progs.kes_iter_task, "task", &out));
    uint64_t t2 = base::monotonic_ns();
    if (options.read_files) {
        KES_TRY(run_one(skel_->progs.kes_iter_file, "task_file", &out));
    }
    out.load_ns = load_ns_;
    out.task_ns = t2 - t1;
    out.file_ns = base::monotonic_ns() - t2;
    out.counters.n_drops_max_event_size = k.n_drops_max_event_size - before.n_drops_max_event_size;
    out.counters.n_drops_task = k.n_drops_task - before.n_drops_task;
    for (size_t i = 0; i < kIterFileKinds; ++i) {
        out.counters.n_drops_task_file[i] = k.n_drops_task_file[i] - before.n_drops_task_file[i];
    }
    std::lock_guard lock(g_last_mutex);
    g_last = out.counters;
    return out;
}

base::Result<IterSnapshot> run_task_iterators(const TaskIterOptions& options) {
    auto it = TaskIterators::load();
    if (!it.ok()) {
        return it.error();
    }
    return (*it)->run(options);
}

IterCounters last_iter_counters() {
    std::lock_guard lock(g_last_mutex);
    return g_last;
}

} // namespace kestrel::capture
