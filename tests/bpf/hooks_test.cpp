// The optional hooks (bpf/hooks/: page_fault, switch, signaldeliver) on the real kernel: off in
// a probe that was not asked for them, on when their events are asked for, each parameter
// checked against what a forked child did; and the feature probe's fallback when a tracepoint
// is missing (forced through ProbeOptions::missing_tracepoints).

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "../../bpf/hooks/hook_flags.h"
#include "capture/hooks.hpp"
#include "probe_fixture.hpp"

namespace kestrel::capture {
namespace {

constexpr uint16_t kHookEvents[] = {KES_EVT_PAGE_FAULT, KES_EVT_SWITCH, KES_EVT_SIGNALDELIVER};
constexpr size_t kPages = 16;

bool program_loaded(const Probe& probe, std::string_view name) {
    auto stats = probe.program_stats();
    EXPECT_TRUE(stats.ok());
    return stats.ok() && std::any_of(stats->begin(), stats->end(),
                                     [&](const ProgramStats& p) { return p.name == name; });
}

// Maps kPages fresh anonymous pages and writes one byte into each: one user page fault per
// page. Reports the mapping's address.
int touch_fresh_pages(Report& r) {
    long page = ::sysconf(_SC_PAGESIZE);
    auto* p = static_cast<volatile char*>(
        ::mmap(nullptr, kPages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (p == MAP_FAILED) {
        return 1;
    }
    for (size_t i = 0; i < kPages; ++i) {
        p[i * page] = 1;
    }
    r.v[0] = reinterpret_cast<int64_t>(p);
    r.v[1] = page;
    return 0;
}

int sleep_a_few_times(Report&) {
    for (int i = 0; i < 5; ++i) {
        timespec ts{0, 1000 * 1000};
        ::nanosleep(&ts, nullptr);
    }
    return 0;
}

volatile sig_atomic_t g_usr1 = 0;
volatile sig_atomic_t g_chld = 0;

// A grandchild sends SIGUSR1 to the child and exits (SIGCHLD); the child handles both.
// Reports the grandchild's pid.
int signalled_by_a_child(Report& r) {
    struct sigaction sa = {};
    sa.sa_handler = [](int sig) { (sig == SIGUSR1 ? g_usr1 : g_chld) = 1; };
    ::sigaction(SIGUSR1, &sa, nullptr);
    ::sigaction(SIGCHLD, &sa, nullptr);
    sigset_t block;
    sigset_t old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &block, &old);
    pid_t gc = ::fork();
    if (gc == 0) {
        ::kill(::getppid(), SIGUSR1);
        ::_exit(0);
    }
    while (!g_usr1 || !g_chld) {
        ::sigsuspend(&old);
    }
    ::waitpid(gc, nullptr, 0);
    r.v[0] = gc;
    return 0;
}

TEST_F(ProbeTest, HooksAreOffUnlessAsked) {
    for (const HookStatus& h : probe_->hooks()) {
        EXPECT_FALSE(h.asked) << h.hook.program;
        EXPECT_EQ(h.state, HookStatus::State::kOff) << h.hook.program;
        EXPECT_FALSE(program_loaded(*probe_, h.hook.program)) << h.hook.program;
    }
    for (uint16_t id : kHookEvents) {
        EXPECT_FALSE(probe_->emits(id)) << id;
        EXPECT_FALSE(probe_->enabled(id)) << id;
    }
    for (auto* body : {touch_fresh_pages, sleep_a_few_times, signalled_by_a_child}) {
        ChildRun run = run_child(body);
        ASSERT_EQ(run.status, 0);
        for (uint16_t id : kHookEvents) {
            EXPECT_TRUE(of_type(run, id).empty()) << id;
        }
    }
}

TEST(HookFeatureProbe, TracepointsOfThisKernel) {
    EXPECT_TRUE(kernel_has_tracepoint("sched_switch"));
    EXPECT_TRUE(kernel_has_tracepoint("signal_deliver"));
    EXPECT_TRUE(kernel_has_tracepoint("page_fault_user")); // x86_64
    EXPECT_FALSE(kernel_has_tracepoint("kestrel_no_such_tracepoint"));
    EXPECT_TRUE(is_hook_event(KES_EVT_SWITCH));
    EXPECT_FALSE(is_hook_event(KES_EVT_PROCEXIT));
}

// A probe asked for every hook: the fixture's probe, started with the hooks' events (and
// procexit, which ends each run).
class HooksTest : public ProbeTest {
  protected:
    static void SetUpTestSuite() {
        ProbeOptions opts;
        opts.cpus_for_each_buffer = 1;
        opts.buf_size_preset = 5; // 16 MiB: every context switch and page fault of the host
        opts.events = {KES_EVT_PROCEXIT, KES_EVT_PAGE_FAULT, KES_EVT_SWITCH, KES_EVT_SIGNALDELIVER};
        start_probe(opts);
    }
};

TEST_F(HooksTest, EveryHookAttached) {
    for (const HookStatus& h : probe_->hooks()) {
        EXPECT_TRUE(h.asked) << h.hook.program;
        EXPECT_EQ(h.state, HookStatus::State::kAttached) << h.hook.program << ": " << h.reason;
        EXPECT_TRUE(program_loaded(*probe_, h.hook.program)) << h.hook.program;
    }
    for (uint16_t id : kHookEvents) {
        EXPECT_TRUE(probe_->emits(id)) << id;
        EXPECT_TRUE(probe_->enabled(id)) << id;
    }
    // Only what was asked for: no syscall is emitted.
    EXPECT_FALSE(probe_->enabled(KES_EVT_OPENAT));
}

TEST_F(HooksTest, PageFaultsOfFreshPages) {
    ChildRun run = run_child(touch_fresh_pages);
    ASSERT_EQ(run.status, 0);
    EXPECT_EQ(run.self_records, 0u);
    auto base = static_cast<uint64_t>(run.report.v[0]);
    auto page = static_cast<uint64_t>(run.report.v[1]);
    ASSERT_NE(base, 0u);
    std::set<uint64_t> pages;
    for (const auto& e : of_type(run, KES_EVT_PAGE_FAULT)) {
        uint64_t addr = e.param_uint(KES_P_PAGE_FAULT_ADDR);
        if (addr < base || addr >= base + kPages * page) {
            continue; // the child's other faults (stack, libc pages)
        }
        EXPECT_EQ(e.tid(), static_cast<uint32_t>(run.pid));
        EXPECT_EQ((addr - base) % page, 0u) << "a write to the first byte of the page";
        // Writes from user mode to pages not yet present.
        EXPECT_EQ(e.param_uint(KES_P_PAGE_FAULT_ERROR),
                  static_cast<uint64_t>(KES_PF_PAGE_NOT_PRESENT | KES_PF_WRITE_ACCESS |
                                        KES_PF_USER_FAULT));
        // The faulting instruction is in the child's code (user space), not in the kernel.
        uint64_t ip = e.param_uint(KES_P_PAGE_FAULT_IP);
        EXPECT_NE(ip, 0u);
        EXPECT_LT(ip, uint64_t{1} << 47);
        pages.insert(addr);
    }
    EXPECT_EQ(pages.size(), kPages);
}

TEST_F(HooksTest, SwitchWhenTheChildSleeps) {
    ChildRun run = run_child(sleep_a_few_times);
    ASSERT_EQ(run.status, 0);
    auto switches = of_type(run, KES_EVT_SWITCH);
    size_t with_mm = 0;
    for (const auto& e : switches) {
        EXPECT_EQ(e.tid(), static_cast<uint32_t>(run.pid));
        EXPECT_NE(e.param_int64(KES_P_SWITCH_NEXT), run.pid);
        EXPECT_GE(e.param_int64(KES_P_SWITCH_NEXT), 0);
        // A forked child has touched pages.
        EXPECT_GT(e.param_uint(KES_P_SWITCH_PGFT_MIN), 0u);
        EXPECT_TRUE(e.has_param(KES_P_SWITCH_VM_SWAP));
        // Its address space, except on the way out: once exit_mm() ran the task has no mm
        // and the memory fields read 0, as Falco's.
        if (e.param_uint(KES_P_SWITCH_VM_SIZE) > 0) {
            EXPECT_GT(e.param_uint(KES_P_SWITCH_VM_RSS), 0u);
            ++with_mm;
        } else {
            EXPECT_EQ(e.param_uint(KES_P_SWITCH_VM_RSS), 0u);
        }
    }
    // Each nanosleep switches the child out (at least the five sleeps, with its mm).
    EXPECT_GE(with_mm, 5u);
}

TEST_F(HooksTest, SignalDeliverNamesSenderAndReceiver) {
    ChildRun run = run_child(signalled_by_a_child);
    ASSERT_EQ(run.status, 0);
    int64_t gc = run.report.v[0];
    ASSERT_GT(gc, 0);
    const event::View* usr1 = nullptr;
    const event::View* chld = nullptr;
    auto delivered = of_type(run, KES_EVT_SIGNALDELIVER);
    for (const auto& e : delivered) {
        if (e.param_uint(KES_P_SIGNALDELIVER_SIG) == SIGUSR1) {
            usr1 = &e;
        } else if (e.param_uint(KES_P_SIGNALDELIVER_SIG) == SIGCHLD) {
            chld = &e;
        }
    }
    ASSERT_NE(usr1, nullptr);
    EXPECT_EQ(usr1->tid(), static_cast<uint32_t>(run.pid));
    EXPECT_EQ(usr1->param_int64(KES_P_SIGNALDELIVER_SPID), gc); // kill(): SI_USER, si_pid
    EXPECT_EQ(usr1->param_int64(KES_P_SIGNALDELIVER_DPID), run.pid);
    ASSERT_NE(chld, nullptr);
    EXPECT_EQ(chld->param_int64(KES_P_SIGNALDELIVER_SPID), gc); // the child that exited
    EXPECT_EQ(chld->param_int64(KES_P_SIGNALDELIVER_DPID), run.pid);
}

// The feature probe's fallback: a hook whose tracepoint is missing is left off with its reason,
// the probe starts anyway, and the other hooks asked for work.
TEST(HookFallback, MissingTracepointLeavesOnlyThatHookOff) {
    ProbeOptions opts;
    opts.buf_size_preset = 1;
    opts.events = {KES_EVT_PROCEXIT, KES_EVT_SIGNALDELIVER, KES_EVT_SWITCH};
    opts.missing_tracepoints = {"signal_deliver"};
    auto probe = Probe::start(opts);
    ASSERT_TRUE(probe.ok()) << probe.error().to_string();
    for (const HookStatus& h : (*probe)->hooks()) {
        if (h.hook.event_id == KES_EVT_SIGNALDELIVER) {
            EXPECT_EQ(h.state, HookStatus::State::kUnavailable);
            EXPECT_NE(h.reason.find("signal_deliver"), std::string::npos) << h.reason;
            EXPECT_FALSE(program_loaded(**probe, h.hook.program));
        } else if (h.hook.event_id == KES_EVT_SWITCH) {
            EXPECT_EQ(h.state, HookStatus::State::kAttached) << h.reason;
        } else {
            EXPECT_EQ(h.state, HookStatus::State::kOff) << h.hook.program;
            EXPECT_FALSE(h.asked);
        }
    }
    EXPECT_FALSE((*probe)->emits(KES_EVT_SIGNALDELIVER));
    EXPECT_FALSE((*probe)->enabled(KES_EVT_SIGNALDELIVER));
    EXPECT_TRUE((*probe)->enabled(KES_EVT_SWITCH));
    EXPECT_TRUE((*probe)->enabled(KES_EVT_PROCEXIT));
}

// A full ring drops hook records like any other, counted in n_drops_buffer_total only: Falco's
// drivers give these events no drop category. Nothing drains the 1 MiB rings here, and one page
// faulted in 40000 times overflows them.
TEST(HookDrops, CountedInTheTotalOnly) {
    ProbeOptions opts;
    opts.buf_size_preset = 1;
    opts.cpus_for_each_buffer = 0; // one ring
    opts.events = {KES_EVT_PAGE_FAULT};
    auto probe = Probe::start(opts);
    ASSERT_TRUE(probe.ok()) << probe.error().to_string();
    pid_t pid = ::fork();
    if (pid == 0) {
        long page = ::sysconf(_SC_PAGESIZE);
        auto* p = static_cast<volatile char*>(
            ::mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        for (int i = 0; i < 40000; ++i) {
            p[0] = 1;
            ::madvise(const_cast<char*>(p), page, MADV_DONTNEED);
        }
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_EQ(status, 0);
    auto c = (*probe)->counters();
    ASSERT_TRUE(c.ok());
    // procexit is always emitted (its drops are the only categorized ones possible here).
    EXPECT_GT(c->n_drops_buffer_total, c->n_drops_buffer_proc_exit);
    EXPECT_EQ(c->n_drops_buffer_clone_fork_exit + c->n_drops_buffer_execve_exit +
                  c->n_drops_buffer_connect_exit + c->n_drops_buffer_open_exit +
                  c->n_drops_buffer_dir_file_exit + c->n_drops_buffer_other_interest_exit +
                  c->n_drops_buffer_close_exit,
              0u);
    EXPECT_EQ(c->n_drops(), c->n_drops_buffer_total);
}

} // namespace
} // namespace kestrel::capture
