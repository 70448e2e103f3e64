#pragma once
// BpfStats: `metrics.libbpf_stats_enabled` needs the kernel to measure each BPF program's run
// count and time (kernel.bpf_stats_enabled, off by default because it costs two clock reads
// per program run). Held for as long as the metrics want the figures; undone on destruction.
//
// First choice, as Falco users expect (libs reads this sysctl to decide whether the figures
// exist): write 1 to /proc/sys/kernel/bpf_stats_enabled and write the previous value back on
// destruction. A SIGKILL leaves it on (each BPF program run then costs two clock reads more).
// Fallback where /proc/sys is read-only (containers): the BPF_ENABLE_STATS command (Linux 5.8),
// whose fd keeps the statistics on while open; the sysctl keeps reading 0 then.

#include <memory>
#include <string>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace kestrel::metrics {

class BpfStats {
  public:
    // `sysctl_path` is injectable for tests; `use_bpf_command` false disables the fallback.
    static base::Result<std::unique_ptr<BpfStats>>
    enable(std::string sysctl_path = "/proc/sys/kernel/bpf_stats_enabled",
           bool use_bpf_command = true);

    BpfStats(const BpfStats&) = delete;
    BpfStats& operator=(const BpfStats&) = delete;
    ~BpfStats();

    // How the statistics were turned on: "bpf_enable_stats", "sysctl", or "already" (the
    // sysctl was 1 before: nothing to undo).
    [[nodiscard]] const std::string& method() const { return method_; }

  private:
    BpfStats() = default;
    base::UniqueFd fd_;
    std::string sysctl_path_;
    std::string restore_; // value to write back; empty: nothing
    std::string method_;
};

} // namespace kestrel::metrics
