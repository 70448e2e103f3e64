#include "capture/probe.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstring>

#include <fmt/format.h>

#include "base/log.hpp"
#include "event/gen/events.hpp"
#include "kestrel.skel.h"
#include "kestrel_stats.h"

namespace kestrel::capture {
namespace {

using base::ErrorCode;
using base::make_error;

// libbpf reports through a process-wide print callback. While a probe loads, its messages (the
// verifier log among them) are collected here so that a failure can carry them; otherwise they
// go to the debug log.
thread_local std::string* g_libbpf_log = nullptr;

int libbpf_print(enum libbpf_print_level level, const char* format, va_list args) {
    char line[1024];
    va_list copy;
    va_copy(copy, args);
    int n = std::vsnprintf(line, sizeof(line), format, copy);
    va_end(copy);
    if (n <= 0) {
        return 0;
    }
    if (g_libbpf_log != nullptr && level != LIBBPF_DEBUG) {
        g_libbpf_log->append(line);
        // Keep the tail: the verifier's last lines say why it refused.
        constexpr size_t kKeep = 16384;
        if (g_libbpf_log->size() > 2 * kKeep) {
            g_libbpf_log->erase(0, g_libbpf_log->size() - kKeep);
        }
    } else if (level != LIBBPF_DEBUG) {
        std::string_view text(line, std::min<size_t>(static_cast<size_t>(n), sizeof(line) - 1));
        while (!text.empty() && text.back() == '\n') {
            text.remove_suffix(1);
        }
        KES_LOG_DEBUG("libbpf: {}", text);
    }
    return 0;
}

class LogCapture {
  public:
    LogCapture() {
        libbpf_set_print(libbpf_print);
        g_libbpf_log = &text_;
    }
    ~LogCapture() { g_libbpf_log = nullptr; }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    [[nodiscard]] std::string tail(size_t max) const {
        return text_.size() <= max ? text_ : text_.substr(text_.size() - max);
    }

  private:
    std::string text_;
};

base::Error bpf_error(ErrorCode code_if_other, std::string what, int err) {
    err = err < 0 ? -err : err;
    ErrorCode code = (err == EPERM || err == EACCES) ? ErrorCode::kPermission : code_if_other;
    return make_error(code, fmt::format("{}: {}", what, std::strerror(err)));
}

} // namespace

bool kernel_has_tracepoint(std::string_view tracepoint) {
    // libbpf resolves a tp_btf target the same way: "btf_trace_" + name in vmlinux BTF.
    std::string name(tracepoint);
    return libbpf_find_vmlinux_btf_id(name.c_str(), BPF_TRACE_RAW_TP) > 0;
}

base::Result<size_t> ring_size_for_preset(unsigned preset) {
    // Falco's buf_size_preset table, 1 MiB doubling up to 512 MiB.
    if (preset < 1 || preset > 10) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("buf_size_preset {} is out of range (1..10)", preset));
    }
    return size_t{1} << (20 + preset - 1);
}

base::Result<std::unique_ptr<Probe>> Probe::start(const ProbeOptions& options) {
    std::unique_ptr<Probe> probe(new Probe());
    probe->choose_hooks(options);
    auto loaded = probe->open_and_load(options);
    bool hooks_to_load =
        std::any_of(probe->hooks_.begin(), probe->hooks_.end(), [](const HookStatus& h) {
            return h.asked && h.state == HookStatus::State::kOff;
        });
    if (!loaded.ok() && hooks_to_load) {
        // An optional hook this kernel's verifier refuses must not cost the probe: once more
        // without any hook (the error names the program that failed).
        std::vector<HookStatus> hooks = probe->hooks_;
        std::string why = loaded.error().message.substr(0, loaded.error().message.find('\n'));
        for (HookStatus& h : hooks) {
            if (h.asked && h.state == HookStatus::State::kOff) {
                h.state = HookStatus::State::kUnavailable;
                h.reason = why;
            }
        }
        probe.reset(new Probe());
        probe->hooks_ = std::move(hooks);
        loaded = probe->open_and_load(options);
    }
    KES_TRY(std::move(loaded));
    KES_TRY(probe->insert_rings());
    KES_TRY(probe->install_exit_programs());
    KES_TRY(probe->fill_interesting(options.events));
    KES_TRY(probe->attach());
    return probe;
}

Probe::~Probe() {
    for (bpf_link* link : hook_links_) {
        bpf_link__destroy(link);
    }
    // Detach and close the programs and maps first, then the rings (rings_ fds close after).
    kestrel_bpf__destroy(skel_);
}

base::Status Probe::open_and_load(const ProbeOptions& options) {
    // Strict mode: no RLIMIT_MEMLOCK bump (BPF memory is cgroup-accounted on this kernel, and
    // the bump would fail without CAP_SYS_RESOURCE anyway).
    libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
    LogCapture log;

    int ncpus = libbpf_num_possible_cpus();
    if (ncpus <= 0) {
        return bpf_error(ErrorCode::kIo, "counting possible CPUs", ncpus);
    }
    ncpus_ = static_cast<unsigned>(ncpus);
    auto size = ring_size_for_preset(options.buf_size_preset);
    if (!size.ok()) {
        return size.error();
    }
    ring_size_ = *size;
    unsigned per_ring = options.cpus_for_each_buffer == 0 ? ncpus_ : options.cpus_for_each_buffer;
    if (per_ring > ncpus_) {
        per_ring = ncpus_;
    }
    nrings_ = (ncpus_ + per_ring - 1) / per_ring;

    skel_ = kestrel_bpf__open();
    if (skel_ == nullptr) {
        return bpf_error(ErrorCode::kIo, "opening the probe object", errno);
    }
    skel_->rodata->kestrel_tgid =
        options.excluded_tgid != 0 ? options.excluded_tgid : static_cast<uint32_t>(::getpid());
    skel_->rodata->cpus_per_ring = per_ring;
    skel_->rodata->wakeup_threshold =
        ring_size_ / (options.wakeup_divisor == 0 ? 4 : options.wakeup_divisor);
    skel_->rodata->ncpus = ncpus_;
    skel_->rodata->count_syscalls = options.count_syscalls;
    skel_->rodata->snaplen = options.snaplen;

    // Two scratch slots per CPU: one for sys_exit, one for sched_process_exit.
    if (int err = bpf_map__set_max_entries(skel_->maps.scratch, 2 * ncpus_); err != 0) {
        return bpf_error(ErrorCode::kIo, "sizing map scratch", err);
    }
    if (int err = bpf_map__set_max_entries(skel_->maps.rings, nrings_); err != 0) {
        return bpf_error(ErrorCode::kIo, "sizing map rings", err);
    }
    // The rings exist before the load: the first one serves as the inner map template (setting
    // max_entries on libbpf 1.1's own template crashes: it has no object).
    KES_TRY(create_rings());
    if (int err = bpf_map__set_inner_map_fd(skel_->maps.rings, rings_[0].get()); err != 0) {
        return bpf_error(ErrorCode::kIo, "setting the ring template of map rings", err);
    }

    KES_TRY(set_hooks_autoload());
    if (int err = kestrel_bpf__load(skel_); err != 0) {
        auto e = bpf_error(ErrorCode::kUnsupported, "loading the probe", err);
        std::string tail = log.tail(4096);
        if (!tail.empty()) {
            e.message += "\n--- libbpf/verifier log (tail) ---\n" + tail;
        }
        return e;
    }
    return base::Ok{};
}

base::Status Probe::create_rings() {
    rings_.reserve(nrings_);
    for (unsigned i = 0; i < nrings_; ++i) {
        int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "kes_ring", 0, 0,
                                static_cast<uint32_t>(ring_size_), nullptr);
        if (fd < 0) {
            return bpf_error(ErrorCode::kIo,
                             fmt::format("creating ring buffer {} ({} bytes)", i, ring_size_),
                             errno);
        }
        rings_.emplace_back(fd);
    }
    return base::Ok{};
}

base::Status Probe::insert_rings() {
    int outer = bpf_map__fd(skel_->maps.rings);
    for (unsigned i = 0; i < nrings_; ++i) {
        uint32_t key = i;
        int fd = rings_[i].get();
        if (bpf_map_update_elem(outer, &key, &fd, BPF_ANY) != 0) {
            return bpf_error(ErrorCode::kIo,
                             fmt::format("inserting ring buffer {} into map rings", i), errno);
        }
    }
    return base::Ok{};
}

base::Status Probe::install_exit_programs() {
    // Every kes_x_<event> program of the object serves the event of that name (bpf/kestrel.bpf.c
    // KES_EXIT_PROG). It is loaded but never attached: kes_sys_exit tail-calls it.
    constexpr std::string_view kPrefix = "kes_x_";
    emits_.assign(KES_EVT_MAX, false);
    emits_[KES_EVT_PROCEXIT] = true; // kes_sched_process_exit
    int map_fd = bpf_map__fd(skel_->maps.exit_progs);
    struct bpf_program* prog = nullptr;
    bpf_object__for_each_program(prog, skel_->obj) {
        std::string_view name = bpf_program__name(prog);
        if (!name.starts_with(kPrefix)) {
            continue;
        }
        const event::EventInfo* info = event::find_event(name.substr(kPrefix.size()));
        if (info == nullptr || info->id >= KES_EVT_MAX) {
            return make_error(ErrorCode::kInternal,
                              fmt::format("probe program {} names no event of the schema", name));
        }
        uint32_t key = info->id;
        int prog_fd = bpf_program__fd(prog);
        if (bpf_map_update_elem(map_fd, &key, &prog_fd, BPF_ANY) != 0) {
            return bpf_error(ErrorCode::kIo, fmt::format("installing program {}", name), errno);
        }
        emits_[info->id] = true;
    }
    return base::Ok{};
}

bool Probe::emits(uint16_t event_id) const { return event_id < emits_.size() && emits_[event_id]; }

bool Probe::enabled(uint16_t event_id) const {
    return event_id < enabled_.size() && enabled_[event_id];
}

base::Status Probe::fill_interesting(const std::vector<uint16_t>& events) {
    enabled_.assign(KES_EVT_MAX, events.empty());
    for (uint16_t id : events) {
        if (id < enabled_.size()) {
            enabled_[id] = true;
        }
    }
    for (size_t id = 0; id < enabled_.size(); ++id) {
        enabled_[id] = enabled_[id] && emits_[id];
    }
    int fd = bpf_map__fd(skel_->maps.interesting);
    for (const auto& sc : event::syscall_events()) {
        if (sc.nr < 0 || sc.nr >= KES_SYSCALL_TABLE_SIZE || !enabled(sc.event_id)) {
            continue;
        }
        uint32_t key = static_cast<uint32_t>(sc.nr);
        uint16_t value = sc.event_id;
        if (bpf_map_update_elem(fd, &key, &value, BPF_ANY) != 0) {
            return bpf_error(ErrorCode::kIo,
                             fmt::format("marking syscall {} interesting", sc.syscall_name), errno);
        }
    }
    return base::Ok{};
}

base::Status Probe::attach() {
    struct Attach {
        struct bpf_program* prog;
        struct bpf_link** link;
    };
    const Attach progs[] = {
        {skel_->progs.kes_sched_process_exit, &skel_->links.kes_sched_process_exit},
        {skel_->progs.kes_sys_exit, &skel_->links.kes_sys_exit},
    };
    for (const auto& p : progs) {
        struct bpf_link* link = bpf_program__attach(p.prog);
        if (link == nullptr) {
            return bpf_error(ErrorCode::kIo,
                             fmt::format("attaching {} failed", bpf_program__section_name(p.prog)),
                             errno);
        }
        *p.link = link; // the skeleton destroys it
    }
    attach_hooks();
    return base::Ok{};
}

void Probe::choose_hooks(const ProbeOptions& options) {
    hooks_.clear();
    for (const HookProgram& h : hook_programs()) {
        HookStatus st{h};
        st.asked = std::find(options.events.begin(), options.events.end(), h.event_id) !=
                   options.events.end();
        bool forced_missing =
            std::find(options.missing_tracepoints.begin(), options.missing_tracepoints.end(),
                      h.tracepoint) != options.missing_tracepoints.end();
        if (st.asked && (forced_missing || !kernel_has_tracepoint(h.tracepoint))) {
            st.state = HookStatus::State::kUnavailable;
            st.reason = fmt::format("the kernel has no tracepoint {}", h.tracepoint);
        }
        hooks_.push_back(std::move(st));
    }
}

base::Status Probe::set_hooks_autoload() {
    // The sections start with '?' (not loaded by default): only hooks asked for and available
    // are verified and loaded, so an absent tracepoint never fails the probe's load.
    for (const HookStatus& h : hooks_) {
        std::string name(h.hook.program);
        struct bpf_program* prog = bpf_object__find_program_by_name(skel_->obj, name.c_str());
        if (prog == nullptr) {
            return make_error(ErrorCode::kInternal,
                              fmt::format("the probe object has no program {}", name));
        }
        bool load = h.asked && h.state == HookStatus::State::kOff;
        if (int err = bpf_program__set_autoload(prog, load); err != 0) {
            return bpf_error(ErrorCode::kIo, fmt::format("setting autoload of {}", name), err);
        }
    }
    return base::Ok{};
}

void Probe::attach_hooks() {
    for (HookStatus& h : hooks_) {
        if (!h.asked || h.state != HookStatus::State::kOff) {
            continue;
        }
        std::string name(h.hook.program);
        struct bpf_program* prog = bpf_object__find_program_by_name(skel_->obj, name.c_str());
        struct bpf_link* link = prog != nullptr ? bpf_program__attach(prog) : nullptr;
        if (link == nullptr) {
            h.state = HookStatus::State::kUnavailable;
            h.reason = fmt::format("attaching tp_btf/{} failed: {}", h.hook.tracepoint,
                                   std::strerror(errno));
            continue;
        }
        hook_links_.push_back(link);
        h.state = HookStatus::State::kAttached;
        emits_[h.hook.event_id] = true;
        enabled_[h.hook.event_id] = true;
    }
    for (const HookStatus& h : hooks_) {
        if (h.state == HookStatus::State::kAttached) {
            KES_LOG_INFO("probe: optional hook {} attached (tp_btf/{})", h.hook.program,
                         h.hook.tracepoint);
        } else if (h.state == HookStatus::State::kUnavailable) {
            // Once per start and hook: the probe carries on without it (Probe::hooks()).
            KES_LOG_WARN("probe: optional hook {} ({} events) is off: {}", h.hook.program,
                         event::find_event(h.hook.event_id)->name, h.reason);
        }
    }
}

base::Result<DropCounters> Probe::counters() const {
    std::vector<kes_counters> per_cpu(ncpus_);
    uint32_t key = 0;
    if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.counters), &key, per_cpu.data()) != 0) {
        return bpf_error(ErrorCode::kIo, "reading map counters", errno);
    }
    DropCounters out;
    out.n_evts_cpu.reserve(per_cpu.size());
    out.n_drops_cpu.reserve(per_cpu.size());
    for (const auto& c : per_cpu) {
        out.n_evts_cpu.push_back(c.n_evts);
        out.n_drops_cpu.push_back(c.n_drops_buffer_total + c.n_drops_scratch_map + c.n_drops_bug);
        out.n_evts += c.n_evts;
        out.n_drops_buffer_total += c.n_drops_buffer_total;
        out.n_drops_buffer_clone_fork_exit += c.n_drops_buffer_clone_fork_exit;
        out.n_drops_buffer_execve_exit += c.n_drops_buffer_execve_exit;
        out.n_drops_buffer_connect_exit += c.n_drops_buffer_connect_exit;
        out.n_drops_buffer_open_exit += c.n_drops_buffer_open_exit;
        out.n_drops_buffer_dir_file_exit += c.n_drops_buffer_dir_file_exit;
        out.n_drops_buffer_other_interest_exit += c.n_drops_buffer_other_interest_exit;
        out.n_drops_buffer_close_exit += c.n_drops_buffer_close_exit;
        out.n_drops_buffer_proc_exit += c.n_drops_buffer_proc_exit;
        out.n_drops_scratch_map += c.n_drops_scratch_map;
        out.n_drops_truncated += c.n_drops_truncated;
        out.n_drops_bug += c.n_drops_bug;
    }
    return out;
}

base::Result<std::vector<SyscallCount>> Probe::syscall_counts() const {
    std::vector<uint64_t> per_cpu(ncpus_);
    int fd = bpf_map__fd(skel_->maps.syscall_counts);
    std::vector<SyscallCount> out;
    for (uint32_t nr = 0; nr < KES_SYSCALL_TABLE_SIZE; ++nr) {
        if (bpf_map_lookup_elem(fd, &nr, per_cpu.data()) != 0) {
            return bpf_error(ErrorCode::kIo, "reading map syscall_counts", errno);
        }
        uint64_t total = 0;
        for (uint64_t v : per_cpu) {
            total += v;
        }
        if (total != 0) {
            out.push_back(SyscallCount{nr, syscall_name(nr), total});
        }
    }
    return out;
}

base::Result<std::vector<ProgramStats>> Probe::program_stats() const {
    std::vector<ProgramStats> out;
    struct bpf_program* prog = nullptr;
    bpf_object__for_each_program(prog, skel_->obj) {
        struct bpf_prog_info info = {};
        uint32_t len = sizeof(info);
        int fd = bpf_program__fd(prog);
        if (fd < 0) {
            continue; // not loaded
        }
        if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) {
            return bpf_error(ErrorCode::kIo,
                             fmt::format("reading program info of {}", bpf_program__name(prog)),
                             errno);
        }
        out.push_back(ProgramStats{bpf_program__name(prog), bpf_program__section_name(prog),
                                   info.verified_insns, info.xlated_prog_len, info.recursion_misses,
                                   info.run_cnt, info.run_time_ns});
    }
    return out;
}

} // namespace kestrel::capture
