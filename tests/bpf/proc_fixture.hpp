#pragma once
// A fixture for process-tree workloads: unlike ProbeTest::run_child, which keeps the records of
// one process and stops at its procexit, run_tree keeps every record of the host (but this
// process's) until the forked child has been reaped. A workload that forks, spawns threads or
// execs from a thread then finds the records of all its processes, and the procexit of a
// de_thread'ed leader (same tid as the child) does not end the collection early.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <set>
#include <vector>

#include "probe_fixture.hpp"

namespace kestrel::capture {
namespace {

struct TreeRun {
    pid_t pid = 0;
    int status = 0;
    Report report;
    std::vector<Record> records; // every record of other processes, in delivery order
    size_t self_records = 0;

    // The records of the given process ids (tgid), in timestamp order.
    [[nodiscard]] std::vector<event::View> of(const std::set<int64_t>& tgids) const {
        std::vector<event::View> out;
        for (const auto& rec : records) {
            auto v = event::decode(rec, nullptr);
            if (v.ok() && tgids.count(v->pid()) != 0) {
                out.push_back(*v);
            }
        }
        std::stable_sort(out.begin(), out.end(), [](const event::View& a, const event::View& b) {
            return a.ts_ns() < b.ts_ns();
        });
        return out;
    }
    [[nodiscard]] std::vector<event::View> of(const std::set<int64_t>& tgids, uint16_t type) const {
        auto all = of(tgids);
        std::vector<event::View> out;
        for (const auto& v : all) {
            if (v.type() == type) {
                out.push_back(v);
            }
        }
        return out;
    }
};

class ProcTest : public ProbeTest {
  protected:
    static TreeRun run_tree(const std::function<int(Report&)>& body) {
        TreeRun run;
        int report_fd = -1;
        const pid_t pid = fork_child(body, &report_fd);
        if (pid == 0) {
            return run;
        }
        run.pid = pid;
        auto keep = [&](std::span<const uint8_t> rec) {
            auto view = event::decode(rec, nullptr);
            if (!view.ok()) {
                ADD_FAILURE() << "undecodable record: " << view.error().to_string();
                return;
            }
            if (view->pid() == static_cast<uint32_t>(::getpid())) {
                ++run.self_records;
                return;
            }
            run.records.emplace_back(rec.begin(), rec.end());
        };
        // sched_process_exit runs before the parent can reap the child, so once waitpid
        // returns, every record of the tree is in the rings: one more drain takes the rest.
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        bool reaped = false;
        while (!reaped && std::chrono::steady_clock::now() < deadline) {
            size_t n = reader_->drain(keep);
            reaped = ::waitpid(pid, &run.status, WNOHANG) == pid;
            if (n == 0 && !reaped) {
                (void)reader_->wait(1);
            }
        }
        EXPECT_TRUE(reaped) << "child " << pid << " did not exit";
        reader_->drain(keep);
        run.report = read_report(report_fd);
        return run;
    }
};

} // namespace
} // namespace kestrel::capture
