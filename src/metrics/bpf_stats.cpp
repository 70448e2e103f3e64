#include "metrics/bpf_stats.hpp"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "base/log.hpp"

namespace kestrel::metrics {
namespace {

std::string read_first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

bool write_value(const std::string& path, const std::string& value) {
    std::ofstream out(path);
    out << value << '\n';
    out.flush();
    return static_cast<bool>(out);
}

} // namespace

base::Result<std::unique_ptr<BpfStats>> BpfStats::enable(std::string sysctl_path,
                                                         bool use_bpf_command) {
    std::unique_ptr<BpfStats> stats(new BpfStats());
    stats->sysctl_path_ = std::move(sysctl_path);
    std::string before = read_first_line(stats->sysctl_path_);
    if (before == "1") {
        stats->method_ = "already";
        return stats;
    }
    if (!before.empty() && write_value(stats->sysctl_path_, "1")) {
        stats->restore_ = before;
        stats->method_ = "sysctl";
        return stats;
    }
    int sysctl_errno = errno;
    if (use_bpf_command) {
        union bpf_attr attr;
        std::memset(&attr, 0, sizeof(attr));
        attr.enable_stats.type = BPF_STATS_RUN_TIME;
        long fd = syscall(__NR_bpf, BPF_ENABLE_STATS, &attr, sizeof(attr));
        if (fd >= 0) {
            stats->fd_ = base::UniqueFd(static_cast<int>(fd));
            stats->method_ = "bpf_enable_stats";
            return stats;
        }
    }
    return base::errno_error("cannot enable BPF statistics through " + stats->sysctl_path_,
                             before.empty() ? ENOENT : sysctl_errno);
}

BpfStats::~BpfStats() {
    if (!restore_.empty() && !write_value(sysctl_path_, restore_)) {
        KES_LOG_WARN("cannot restore {} to {}", sysctl_path_, restore_);
    }
}

} // namespace kestrel::metrics
