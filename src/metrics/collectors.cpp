#include "metrics/collectors.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

namespace kestrel::metrics {
namespace {

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream file(path);
    if (!file) {
        return std::nullopt;
    }
    std::stringstream buffer;
    buffer << file.rdbuf();
    return buffer.str();
}

std::string first_line(std::string_view text) {
    size_t end = text.find('\n');
    return std::string(end == std::string_view::npos ? text : text.substr(0, end));
}

uint64_t parse_u64(std::string_view text) {
    size_t start = text.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
        return 0;
    }
    text.remove_prefix(start);
    uint64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// The number after "Key:" in a /proc status-like file ("VmRSS:    60108 kB").
uint64_t keyed_value(std::string_view text, std::string_view key) {
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        std::string_view line =
            text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        if (line.starts_with(key)) {
            return parse_u64(line.substr(key.size()));
        }
        if (end == std::string_view::npos) {
            break;
        }
        pos = end + 1;
    }
    return 0;
}

double round1(double v) { return std::round(v * 10.0) / 10.0; }

// utime, stime and starttime (clock ticks) from /proc/<pid>/stat; the comm field may hold
// spaces and parentheses, so fields are counted after its closing ')'.
bool parse_proc_stat(std::string_view text, uint64_t* utime, uint64_t* stime, uint64_t* start) {
    size_t close = text.rfind(')');
    if (close == std::string_view::npos) {
        return false;
    }
    std::istringstream in(std::string(text.substr(close + 1)));
    std::string field;
    // After ')': field 3 (state) is the first; utime is field 14, stime 15, starttime 22.
    for (int index = 3; in >> field; ++index) {
        if (index == 14) {
            *utime = parse_u64(field);
        } else if (index == 15) {
            *stime = parse_u64(field);
        } else if (index == 22) {
            *start = parse_u64(field);
            return true;
        }
    }
    return false;
}

} // namespace

HostPaths HostPaths::live() {
    HostPaths paths;
    if (const char* override_path = std::getenv("FALCO_CGROUP_MEM_PATH")) {
        paths.cgroup_memory_override = override_path;
    }
    return paths;
}

std::string HostPaths::path(std::string_view relative) const {
    return root + std::string(relative);
}

uint64_t read_container_memory_bytes(const HostPaths& paths) {
    auto read_number = [](const std::string& file) -> std::optional<uint64_t> {
        auto text = read_text(file);
        if (!text || text->empty() || (*text)[0] < '0' || (*text)[0] > '9') {
            return std::nullopt;
        }
        return parse_u64(*text);
    };
    if (!paths.cgroup_memory_override.empty()) {
        return read_number(paths.cgroup_memory_override).value_or(0);
    }
    if (auto cgroups = read_text(paths.path("/proc/" + paths.self + "/cgroup"))) {
        std::istringstream in(*cgroups);
        std::string line;
        std::string v2_path;
        while (std::getline(in, line)) {
            // "4:memory:/docker/abc" (v1) or "0::/system.slice/x.service" (v2)
            size_t first = line.find(':');
            size_t second = line.find(':', first + 1);
            if (first == std::string::npos || second == std::string::npos) {
                continue;
            }
            std::string controllers = line.substr(first + 1, second - first - 1);
            std::string cgroup = line.substr(second + 1);
            if (cgroup == "/") {
                cgroup.clear();
            }
            std::istringstream list(controllers);
            std::string controller;
            while (std::getline(list, controller, ',')) {
                if (controller == "memory") {
                    if (auto v = read_number(paths.path("/sys/fs/cgroup/memory" + cgroup +
                                                        "/memory.usage_in_bytes"))) {
                        return *v;
                    }
                }
            }
            if (controllers.empty() && line.starts_with("0:")) {
                v2_path = cgroup;
            }
        }
        if (auto v = read_number(paths.path("/sys/fs/cgroup" + v2_path + "/memory.current"))) {
            return *v;
        }
        if (auto v =
                read_number(paths.path("/sys/fs/cgroup/unified" + v2_path + "/memory.current"))) {
            return *v;
        }
    }
    return read_number(paths.path("/sys/fs/cgroup/memory/memory.usage_in_bytes")).value_or(0);
}

ResourceUsage read_resource_usage(const HostPaths& paths) {
    ResourceUsage r;
    std::string self = "/proc/" + paths.self;
    if (auto status = read_text(paths.path(self + "/status"))) {
        r.memory_vsz_kb = static_cast<uint32_t>(keyed_value(*status, "VmSize:"));
        r.memory_rss_kb = static_cast<uint32_t>(keyed_value(*status, "VmRSS:"));
    }
    if (auto smaps = read_text(paths.path(self + "/smaps_rollup"))) {
        r.memory_pss_kb = static_cast<uint32_t>(keyed_value(*smaps, "Pss:"));
    }
    if (auto meminfo = read_text(paths.path("/proc/meminfo"))) {
        uint64_t total = keyed_value(*meminfo, "MemTotal:");
        uint64_t used = total;
        for (std::string_view key : {"MemFree:", "Buffers:", "Cached:"}) {
            uint64_t v = keyed_value(*meminfo, key);
            used = used > v ? used - v : 0;
        }
        r.host_memory_used_kb = static_cast<uint32_t>(used);
    }
    if (auto file_nr = read_text(paths.path("/proc/sys/fs/file-nr"))) {
        r.host_open_fds = parse_u64(*file_nr);
    }
    r.container_memory_used_bytes = read_container_memory_bytes(paths);

    long hz = paths.clock_ticks > 0 ? paths.clock_ticks : sysconf(_SC_CLK_TCK);
    if (hz <= 0) {
        hz = 100;
    }
    auto uptime = read_text(paths.path("/proc/uptime"));
    auto stat = read_text(paths.path(self + "/stat"));
    uint64_t utime = 0;
    uint64_t stime = 0;
    uint64_t start = 0;
    if (uptime && stat && parse_proc_stat(*stat, &utime, &stime, &start)) {
        double up = std::strtod(uptime->c_str(), nullptr);
        double elapsed = up - static_cast<double>(start) / static_cast<double>(hz);
        if (elapsed > 0) {
            double cpu = static_cast<double>(utime + stime) / static_cast<double>(hz);
            r.cpu_usage_perc = round1(100.0 * cpu / elapsed);
        }
    }
    if (auto host_stat = read_text(paths.path("/proc/stat"))) {
        std::istringstream in(*host_stat);
        std::string line;
        while (std::getline(in, line)) {
            if (line.starts_with("cpu ")) {
                std::istringstream cols(line.substr(4));
                uint64_t v[7] = {};
                for (uint64_t& x : v) {
                    cols >> x;
                }
                // user nice system idle iowait irq softirq, as libs sums them.
                uint64_t sum = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6];
                if (sum > 0) {
                    r.host_cpu_usage_perc = round1(100.0 - static_cast<double>(v[3]) * 100.0 /
                                                               static_cast<double>(sum));
                }
            } else if (line.starts_with("procs_running ")) {
                r.host_procs_running = static_cast<uint32_t>(parse_u64(line.substr(14)));
            }
        }
    }
    return r;
}

uint32_t count_cpu_list(std::string_view list) {
    uint32_t count = 0;
    while (!list.empty()) {
        size_t comma = list.find(',');
        std::string_view range = list.substr(0, comma);
        size_t dash = range.find('-');
        uint64_t lo = parse_u64(range.substr(0, dash));
        uint64_t hi = dash == std::string_view::npos ? lo : parse_u64(range.substr(dash + 1));
        if (hi >= lo && range.find_first_of("0123456789") != std::string_view::npos) {
            count += static_cast<uint32_t>(hi - lo + 1);
        }
        if (comma == std::string_view::npos) {
            break;
        }
        list.remove_prefix(comma + 1);
    }
    return count;
}

HostInfo read_host_info(const HostPaths& paths) {
    HostInfo h;
    if (auto text = read_text(paths.path("/proc/sys/kernel/hostname"))) {
        h.hostname = first_line(*text);
    }
    if (auto text = read_text(paths.path("/proc/sys/kernel/osrelease"))) {
        h.kernel_release = first_line(*text);
    }
    if (auto stat = read_text(paths.path("/proc/stat"))) {
        h.boot_ts_ns = keyed_value(*stat, "btime") * 1000000000ULL;
    }
    if (auto online = read_text(paths.path("/sys/devices/system/cpu/online"))) {
        h.num_cpus = count_cpu_list(first_line(*online));
    }
    return h;
}

std::string format_ipv6_like_libs(const uint8_t (&addr)[16]) {
    std::string out;
    for (int i = 0; i < 8; ++i) {
        unsigned group = (unsigned{addr[2 * i]} << 8) | addr[2 * i + 1];
        out += fmt::format("{}{:x}", i == 0 ? "" : ":", group);
    }
    return out;
}

std::vector<InterfaceAddresses> list_interfaces() {
    std::vector<InterfaceAddresses> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) {
        return out;
    }
    std::map<std::string, InterfaceAddresses> by_name;
    for (ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
        if (it->ifa_addr == nullptr || it->ifa_name == nullptr) {
            continue;
        }
        InterfaceAddresses& itf = by_name[it->ifa_name];
        itf.name = it->ifa_name;
        if (it->ifa_addr->sa_family == AF_INET) {
            char text[INET_ADDRSTRLEN] = {};
            const auto* sin = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
            if (inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text)) != nullptr) {
                itf.ipv4.emplace_back(text);
            }
        } else if (it->ifa_addr->sa_family == AF_INET6) {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(it->ifa_addr);
            uint8_t bytes[16];
            std::memcpy(bytes, &sin6->sin6_addr, sizeof(bytes));
            itf.ipv6.push_back(format_ipv6_like_libs(bytes));
        }
    }
    freeifaddrs(list);
    for (auto& [name, itf] : by_name) {
        if (!itf.ipv4.empty() || !itf.ipv6.empty()) {
            out.push_back(std::move(itf));
        }
    }
    return out;
}

} // namespace kestrel::metrics
