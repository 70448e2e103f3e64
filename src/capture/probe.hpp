#pragma once
// Probe: the loaded and attached eBPF probe (bpf/kestrel.bpf.c), RAII over the libbpf skeleton
// and the ring buffers it writes to. Destroying it detaches the programs and frees every map.
//
// Owning thread: the one that reads events (the rings are read through RingReader, built from
// ring_fds()); counters() and program_stats() may be called from any thread.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "capture/hooks.hpp"

struct kestrel_bpf; // the generated skeleton (kestrel.skel.h)
struct bpf_link;

namespace kestrel::capture {

struct ProbeOptions {
    // CPUs sharing one ring buffer (Falco's `cpus_for_each_buffer`); 0 = one ring for all CPUs.
    unsigned cpus_for_each_buffer = 2;
    // Size of each ring (Falco's `buf_size_preset`): 1 = 1 MiB, 2 = 2 MiB, 3 = 4 MiB, 4 = 8 MiB
    // ... 10 = 512 MiB.
    unsigned buf_size_preset = 4;
    // Records of this tgid (Kestrel itself) are dropped in the kernel. 0 = the calling process.
    uint32_t excluded_tgid = 0;
    // A ring wakes the reader once this fraction of it is pending (1/N of the ring size).
    unsigned wakeup_divisor = 4;
    // Event ids to emit (Falco's base_syscalls / the rules' event types, computed by the
    // caller); empty = every event the probe has a program for, except the optional hooks
    // (page_fault, switch, signaldeliver: capture/hooks.hpp), which are on only when listed.
    // Events without a program are ignored here: see Probe::emits().
    std::vector<uint16_t> events;
    // Tracepoints to treat as absent from the kernel, whatever its BTF says: the tests force
    // the hooks' feature probe to fail with it.
    std::vector<std::string> missing_tracepoints;
    // Count every syscall of the host by number (Probe::syscall_counts()).
    bool count_syscalls = true;
    // Bytes of I/O data kept per sendto/sendmsg/recvfrom/recvmsg (Falco's
    // `falco_libs.snaplen`, default 80); the probe caps it at 2048.
    uint32_t snaplen = 80;
};

// The probe's loss counters, summed over CPUs (bpf/kestrel_stats.h documents each one).
struct DropCounters {
    uint64_t n_evts = 0;
    uint64_t n_drops_buffer_total = 0;
    uint64_t n_drops_buffer_clone_fork_exit = 0;
    uint64_t n_drops_buffer_execve_exit = 0;
    uint64_t n_drops_buffer_connect_exit = 0;
    uint64_t n_drops_buffer_open_exit = 0;
    uint64_t n_drops_buffer_dir_file_exit = 0;
    uint64_t n_drops_buffer_other_interest_exit = 0;
    uint64_t n_drops_buffer_close_exit = 0;
    uint64_t n_drops_buffer_proc_exit = 0;
    uint64_t n_drops_scratch_map = 0;
    uint64_t n_drops_truncated = 0; // parameters cut (the event itself was sent)
    uint64_t n_drops_bug = 0;
    // Per possible CPU (Falco's kernel_event_counters_per_cpu): events, and events lost.
    std::vector<uint64_t> n_evts_cpu;
    std::vector<uint64_t> n_drops_cpu;

    // Events lost (Falco's n_drops): buffer + scratch + bug. Truncations are not losses.
    [[nodiscard]] uint64_t n_drops() const {
        return n_drops_buffer_total + n_drops_scratch_map + n_drops_bug;
    }
};

struct ProgramStats {
    std::string name;            // e.g. "kes_sys_exit"
    std::string section;         // e.g. "tp_btf/sys_exit"
    uint32_t verified_insns = 0; // instructions the verifier processed
    uint32_t xlated_bytes = 0;   // program size after verification
    // Runs the kernel skipped because the program was already running on that CPU (a task
    // preempted inside it on a preemptible kernel): events lost without reaching our counters.
    uint64_t recursion_misses = 0;
    // Kernel BPF statistics (bpf_prog_info), counted only while kernel.bpf_stats_enabled is on
    // (metrics' libbpf_stats_enabled turns it on).
    uint64_t run_cnt = 0;
    uint64_t run_time_ns = 0;
};

// Invocations of one syscall, summed over CPUs.
struct SyscallCount {
    uint32_t nr = 0;
    std::string_view name; // "getppid"; "syscall_<nr>" names are not invented: empty if unknown
    uint64_t count = 0;
};

// The x86_64 name of a syscall number (from the kernel's uapi table at build time), or empty.
std::string_view syscall_name(uint32_t nr);

// Ring buffer size in bytes for a buf_size_preset, or an error for an unknown preset.
base::Result<size_t> ring_size_for_preset(unsigned preset);

class Probe {
  public:
    // Opens, configures, loads and attaches the probe. Errors name the step and the object
    // ("attaching tp_btf/sys_exit failed: Operation not permitted"), with the tail of the
    // verifier log when loading fails.
    static base::Result<std::unique_ptr<Probe>> start(const ProbeOptions& options);

    ~Probe();
    Probe(const Probe&) = delete;
    Probe& operator=(const Probe&) = delete;

    // One fd per ring, ring i serving CPUs [i * cpus_for_each_buffer, ...).
    [[nodiscard]] std::span<const base::UniqueFd> ring_fds() const { return rings_; }
    [[nodiscard]] size_t ring_size() const { return ring_size_; }
    [[nodiscard]] unsigned possible_cpus() const { return ncpus_; }

    // Whether the probe has a program for this event (the schema knows more events than the
    // probe emits), and whether it was asked to emit it (ProbeOptions::events).
    [[nodiscard]] bool emits(uint16_t event_id) const;
    [[nodiscard]] bool enabled(uint16_t event_id) const;
    // The optional hooks and what became of each (off, attached, or unavailable and why).
    [[nodiscard]] std::span<const HookStatus> hooks() const { return hooks_; }

    [[nodiscard]] base::Result<DropCounters> counters() const;
    // Every syscall number seen at least once since the probe started (ProbeOptions::
    // count_syscalls), by number.
    [[nodiscard]] base::Result<std::vector<SyscallCount>> syscall_counts() const;
    [[nodiscard]] base::Result<std::vector<ProgramStats>> program_stats() const;

  private:
    Probe() = default;
    base::Status open_and_load(const ProbeOptions& options);
    base::Status create_rings();
    base::Status insert_rings();
    base::Status install_exit_programs();
    base::Status fill_interesting(const std::vector<uint16_t>& events);
    base::Status attach();
    void choose_hooks(const ProbeOptions& options);
    base::Status set_hooks_autoload();
    void attach_hooks();

    kestrel_bpf* skel_ = nullptr;
    std::vector<base::UniqueFd> rings_;
    size_t ring_size_ = 0;
    unsigned ncpus_ = 0;
    unsigned nrings_ = 0;
    std::vector<bool> emits_;   // by event id: a kes_x_<event> program is installed
    std::vector<bool> enabled_; // by event id: its syscalls are marked interesting
    std::vector<HookStatus> hooks_;
    std::vector<bpf_link*> hook_links_; // destroyed before the skeleton
};

} // namespace kestrel::capture
