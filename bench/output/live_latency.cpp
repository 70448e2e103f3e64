// Syscall -> stdout latency of a live alert (issue "alert delivery": p50/p99 on an idle and on a
// loaded host). Starts `kestrel` live with its built-in rules and JSON output on a pipe, then
// opens /etc/shadow every `interval_ms` (the "Sensitive file read by an unexpected program"
// rule fires on each), and for every alert line read from the pipe takes the wall clock minus
// the alert's event time (its `time` field, the syscall's exit). Prints p50/p90/p99/max over the
// alerts. Run it once idle and once under load (bench/output/live_latency.sh does both).
// Prints figures; asserts nothing. Needs root.
//
// usage: live_latency KESTREL [count=300] [interval_ms=10]

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

int64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// "2026-11-21T15:29:48.123456789Z" -> ns since the epoch (UTC); -1 when malformed.
int64_t parse_time(const std::string& s) {
    std::tm tm{};
    long nanos = 0;
    const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (rest == nullptr) {
        return -1;
    }
    if (*rest == '.') {
        char* end = nullptr;
        std::string digits(rest + 1, std::strspn(rest + 1, "0123456789"));
        digits.resize(9, '0');
        nanos = std::strtol(digits.c_str(), &end, 10);
    }
    return int64_t{timegm(&tm)} * 1'000'000'000 + nanos;
}

// Reads one line from fd into `line` (false at EOF or after timeout_ms without data).
bool read_line(int fd, std::string& buf, std::string& line, int timeout_ms) {
    while (true) {
        size_t nl = buf.find('\n');
        if (nl != std::string::npos) {
            line = buf.substr(0, nl);
            buf.erase(0, nl + 1);
            return true;
        }
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, timeout_ms) <= 0) {
            return false;
        }
        char chunk[65536];
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n <= 0) {
            return false;
        }
        buf.append(chunk, static_cast<size_t>(n));
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s KESTREL [count] [interval_ms]\n", argv[0]);
        return 2;
    }
    const int count = argc > 2 ? std::atoi(argv[2]) : 300;
    const int interval_ms = argc > 3 ? std::atoi(argv[3]) : 10;

    int out[2];
    int err[2];
    if (pipe(out) != 0 || pipe(err) != 0) {
        std::perror("pipe");
        return 1;
    }
    pid_t kestrel = fork();
    if (kestrel == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        execl(argv[1], argv[1], "-o", "json_output=true", "-o", "webserver.enabled=false", "-o",
              "syslog_output.enabled=false", "-U", static_cast<char*>(nullptr));
        _exit(127);
    }
    close(out[1]);
    close(err[1]);

    // Ready once it logs that it watches the host.
    std::string ebuf;
    std::string line;
    bool ready = false;
    while (!ready && read_line(err[0], ebuf, line, 60000)) {
        ready = line.find("live: watching the host") != std::string::npos;
    }
    if (!ready) {
        std::fprintf(stderr, "kestrel did not start\n");
        kill(kestrel, SIGTERM);
        return 1;
    }
    // Stderr keeps flowing (log lines): drain it in the background so Kestrel never blocks.
    std::thread drain_err([fd = err[0]] {
        char chunk[4096];
        while (read(fd, chunk, sizeof(chunk)) > 0) {
        }
    });

    std::vector<int64_t> latencies;
    std::string obuf;
    for (int i = 0; i < count; ++i) {
        int fd = open("/etc/shadow", O_RDONLY);
        if (fd >= 0) {
            close(fd);
        }
        // Collect what arrived (each alert once), then wait for the next trigger.
        int64_t deadline = now_ns() + int64_t{interval_ms} * 1'000'000;
        while (now_ns() < deadline) {
            int wait_ms = static_cast<int>((deadline - now_ns()) / 1'000'000);
            if (!read_line(out[0], obuf, line, std::max(wait_ms, 0))) {
                break;
            }
            int64_t arrived = now_ns();
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_object() && j.contains("time") && j["time"].is_string()) {
                int64_t t = parse_time(j["time"].get<std::string>());
                if (t > 0) {
                    latencies.push_back(arrived - t);
                }
            }
        }
    }
    // Late ones.
    while (read_line(out[0], obuf, line, 500)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object() && j.contains("time")) {
            latencies.push_back(now_ns() - parse_time(j["time"].get<std::string>()));
        }
    }
    kill(kestrel, SIGTERM);
    int status = 0;
    waitpid(kestrel, &status, 0);
    drain_err.join();

    if (latencies.empty()) {
        std::printf("no alerts received\n");
        return 1;
    }
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double q) {
        size_t i = static_cast<size_t>(q * static_cast<double>(latencies.size() - 1));
        return static_cast<double>(latencies[i]) / 1000.0;
    };
    std::printf("%zu alerts for %d triggers: syscall->stdout p50 %.0f us, p90 %.0f us, p99 %.0f "
                "us, max %.0f us\n",
                latencies.size(), count, pct(0.5), pct(0.9), pct(0.99),
                static_cast<double>(latencies.back()) / 1000.0);
    return 0;
}
