#pragma once
// The bpf tier's fixture: the real probe loaded once per test binary, in this process, which is
// therefore "Kestrel" and excluded in the kernel. Every workload runs in a forked child
// (run_child), which reports what it saw (fds, ports, inode numbers) through a pipe; events are
// collected until the child's procexit arrives. Shared by every tests/bpf/*_test.cpp.

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "capture/probe.hpp"
#include "capture/ring_reader.hpp"
#include "event/view.hpp"
#include "gen/kestrel_events.h"

namespace kestrel::capture {
namespace {

using Record = std::vector<uint8_t>;

// What a child tells the parent: up to 8 numbers.
struct Report {
    int64_t v[8] = {};
};

struct ChildRun {
    pid_t pid = 0;
    int status = 0;
    Report report;
    std::vector<Record> events;   // records whose pid (tgid) is the child's, in delivery order
    std::vector<uint64_t> all_ts; // every record delivered while collecting, in order
    size_t self_records = 0;      // records of this (Kestrel) process: must stay 0
    std::vector<Record> exits;    // every procexit delivered while collecting (any process)
};

uint32_t falco_dev(dev_t dev) {
    uint32_t major = ::major(dev);
    uint32_t minor = ::minor(dev);
    return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

// Falco's `cgroups` for a task in our cgroups, from /proc/self/cgroup: "<subsys>=<path>\0" for
// cpuset, cpu, cpuacct, io, memory (v1 lines name io "blkio"; unlisted ones use the v2 path).
std::string expected_cgroups() {
    std::FILE* f = std::fopen("/proc/self/cgroup", "r");
    if (f == nullptr) {
        return {};
    }
    std::vector<std::pair<std::string, std::string>> lines; // controllers, path
    std::string v2_path = "/";
    char line[4096];
    while (std::fgets(line, sizeof(line), f) != nullptr) {
        std::string l(line);
        while (!l.empty() && l.back() == '\n') {
            l.pop_back();
        }
        size_t a = l.find(':');
        size_t b = l.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) {
            continue;
        }
        std::string controllers = l.substr(a + 1, b - a - 1);
        std::string path = l.substr(b + 1);
        if (controllers.empty()) {
            v2_path = path;
        } else {
            lines.emplace_back("," + controllers + ",", path);
        }
    }
    std::fclose(f);
    std::string out;
    const std::pair<const char*, const char*> subsys[] = {{"cpuset", "cpuset"},
                                                          {"cpu", "cpu"},
                                                          {"cpuacct", "cpuacct"},
                                                          {"io", "blkio"},
                                                          {"memory", "memory"}};
    for (const auto& [name, v1_name] : subsys) {
        std::string path = v2_path;
        for (const auto& [controllers, p] : lines) {
            if (controllers.find(std::string(",") + v1_name + ",") != std::string::npos ||
                controllers.find(std::string(",") + name + ",") != std::string::npos) {
                path = p;
            }
        }
        out += std::string(name) + "=" + path + std::string(1, '\0');
    }
    return out;
}

std::string bytes_of(std::span<const uint8_t> s) {
    return {reinterpret_cast<const char*>(s.data()), s.size()};
}

class ProbeTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        ProbeOptions opts;
        opts.cpus_for_each_buffer = 1; // one ring per CPU: the merge is exercised
        opts.buf_size_preset = 3;      // 4 MiB
        start_probe(opts);
    }

    // Starts the suite's probe and reader (a suite with other options calls it from its own
    // SetUpTestSuite), and prints each program's verifier figures.
    static void start_probe(const ProbeOptions& opts) {
        auto probe = Probe::start(opts);
        if (!probe.ok()) {
            start_error_ = probe.error().to_string();
            return;
        }
        probe_ = std::move(probe).value();
        auto reader = RingReader::create(probe_->ring_fds(), probe_->ring_size());
        if (!reader.ok()) {
            start_error_ = reader.error().to_string();
            return;
        }
        reader_ = std::make_unique<RingReader>(std::move(reader).value());
        auto stats = probe_->program_stats();
        if (stats.ok()) {
            for (const auto& p : *stats) {
                std::printf("[probe] %-24s %-28s verified_insns=%u xlated=%u bytes\n",
                            p.name.c_str(), p.section.c_str(), p.verified_insns, p.xlated_bytes);
            }
        }
    }
    static void TearDownTestSuite() {
        if (probe_) {
            auto c = probe_->counters();
            if (c.ok()) {
                std::printf("[probe] n_evts=%llu n_drops=%llu truncated=%llu\n",
                            static_cast<unsigned long long>(c->n_evts),
                            static_cast<unsigned long long>(c->n_drops()),
                            static_cast<unsigned long long>(c->n_drops_truncated));
            }
            auto stats = probe_->program_stats();
            if (stats.ok()) {
                for (const auto& p : *stats) {
                    std::printf("[probe] %s recursion_misses=%llu\n", p.name.c_str(),
                                static_cast<unsigned long long>(p.recursion_misses));
                }
            }
        }
        reader_.reset();
        probe_.reset();
    }

    void SetUp() override {
        // Never skip: a probe that cannot load is a failure of this tier.
        ASSERT_TRUE(probe_ != nullptr) << "the probe did not start: " << start_error_;
        ASSERT_TRUE(reader_ != nullptr) << start_error_;
        // Forget what happened before this test.
        reader_->drain([](std::span<const uint8_t>) {});
    }

    // Forks a child running `body(report)`; the child exits with body's return value. Returns
    // its pid (0 if the report pipe could not be made) and the pipe's read end in *report_fd.
    static pid_t fork_child(const std::function<int(Report&)>& body, int* report_fd) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            ADD_FAILURE() << "pipe2: " << std::strerror(errno);
            return 0;
        }
        std::fflush(nullptr);
        pid_t pid = ::fork();
        if (pid == 0) {
            ::close(fds[0]);
            Report report;
            int code = body(report);
            (void)!::write(fds[1], &report, sizeof(report));
            ::_exit(code);
        }
        ::close(fds[1]);
        *report_fd = fds[0];
        return pid;
    }

    // What the reaped child reported; an empty Report if it exec'd (the pipe closed on exec).
    // Closes the pipe.
    static Report read_report(int report_fd) {
        Report report;
        ssize_t got = ::read(report_fd, &report, sizeof(report));
        ::close(report_fd);
        return got == static_cast<ssize_t>(sizeof(report)) ? report : Report{};
    }

    // Runs `body` in a child (fork_child) and collects the records of its process.
    static ChildRun run_child(const std::function<int(Report&)>& body) {
        ChildRun run;
        int report_fd = -1;
        run.pid = fork_child(body, &report_fd);
        if (run.pid == 0) {
            return run;
        }
        // Drain while the child runs (a busy child could otherwise fill the rings), until its
        // procexit; then its report is waiting in the pipe.
        collect(run);
        ::waitpid(run.pid, &run.status, 0);
        run.report = read_report(report_fd);
        return run;
    }

    // Drains the rings until the child's procexit shows up (or 20 s pass).
    static void collect(ChildRun& run) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        bool done = false;
        while (!done && std::chrono::steady_clock::now() < deadline) {
            size_t n = reader_->drain([&](std::span<const uint8_t> rec) {
                auto view = event::decode(rec, nullptr);
                if (!view.ok()) {
                    ADD_FAILURE() << "undecodable record: " << view.error().to_string();
                    return;
                }
                run.all_ts.push_back(view->ts_ns());
                if (view->pid() == static_cast<uint32_t>(::getpid())) {
                    ++run.self_records;
                }
                if (view->type() == KES_EVT_PROCEXIT) {
                    run.exits.emplace_back(rec.begin(), rec.end());
                }
                if (view->pid() != static_cast<uint32_t>(run.pid)) {
                    return;
                }
                run.events.emplace_back(rec.begin(), rec.end());
                if (view->type() == KES_EVT_PROCEXIT &&
                    view->tid() == static_cast<uint32_t>(run.pid)) {
                    done = true;
                }
            });
            if (n == 0 && !done) {
                (void)reader_->wait(1);
            }
        }
        EXPECT_TRUE(done) << "no procexit for child " << run.pid;
    }

    // The events of `type` of a run, decoded (views point into run.events).
    static std::vector<event::View> of_type(const ChildRun& run, uint16_t type) {
        std::vector<event::View> out;
        for (const auto& rec : run.events) {
            auto v = event::decode(rec, nullptr);
            if (v.ok() && v->type() == type) {
                out.push_back(*v);
            }
        }
        return out;
    }

    static const event::View* find_name(const std::vector<event::View>& views, size_t name_idx,
                                        std::string_view name) {
        for (const auto& v : views) {
            if (v.param_string(name_idx) == name) {
                return &v;
            }
        }
        return nullptr;
    }

    static std::string temp_dir() {
        char tmpl[] = "/tmp/kestrel-bpf-XXXXXX";
        char* d = ::mkdtemp(tmpl);
        EXPECT_NE(d, nullptr);
        char real[PATH_MAX];
        EXPECT_NE(::realpath(d, real), nullptr);
        return real;
    }

    static inline std::unique_ptr<Probe> probe_;
    static inline std::unique_ptr<RingReader> reader_;
    static inline std::string start_error_;
};

} // namespace
} // namespace kestrel::capture
