// eval_bench: load+compile time of the upstream rules files, and evaluation throughput (one core)
// of the stable ruleset over a synthetic mix of execve, openat (read/write) and connect events
// across many pids and paths. Prints the fraction of the rules each event meets through the
// event-type index, and heap allocations per evaluated event (expected: 0).
//
// The rules read a state::Tables loaded with every pid of the stream (under sshd -> bash
// ancestors, users root and u): proc.*/user.*/container.* fields and ancestor walks are real
// work. The events are not applied to the tables (no fd entries), so fd.* fields come from the
// events themselves.

#include <arpa/inet.h>
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "eval/ruleset.hpp"
#include "eval/tick_clock.hpp"
#include "event/builder.hpp"
#include "rules/loader.hpp"
#include "state/tables.hpp"

// Counts heap allocations (the unit tests' counter) so the benchmark can show the steady state
// allocates nothing.
#include "../../tests/unit/alloc_counter.hpp"

namespace {

using namespace kestrel;

const std::string kDir = std::string(KESTREL_SHARED_DIR) + "/corpus/rules/";

void load(rules::RulesLoader& loader, bool all_files) {
    loader.load_file(kDir + "falco_rules.yaml");
    if (all_files) {
        loader.load_file(kDir + "falco-incubating_rules.yaml");
        loader.load_file(kDir + "falco-sandbox_rules.yaml");
    }
}

void BM_LoadAndCompileAllFiles(benchmark::State& state) {
    size_t rules = 0;
    for (auto _ : state) {
        rules::RulesLoader loader;
        load(loader, true);
        auto rs = eval::Ruleset::compile(loader.ruleset(), {});
        rules = rs->rules().size();
        benchmark::DoNotOptimize(rules);
    }
    state.counters["rules"] = static_cast<double>(rules);
}
BENCHMARK(BM_LoadAndCompileAllFiles)->Unit(benchmark::kMillisecond);

void BM_CompileOnlyAllFiles(benchmark::State& state) {
    rules::RulesLoader loader;
    load(loader, true);
    for (auto _ : state) {
        auto rs = eval::Ruleset::compile(loader.ruleset(), {});
        benchmark::DoNotOptimize(rs->rules().size());
    }
}
BENCHMARK(BM_CompileOnlyAllFiles)->Unit(benchmark::kMillisecond);

uint32_t ip4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    return htonl((a << 24) | (b << 16) | (c << 8) | d);
}

// A realistic-ish mix: 40% openat read, 20% openat write, 25% execve, 15% connect.
std::vector<uint8_t> make_stream(size_t n) {
    static const char* kReadPaths[] = {
        "/etc/passwd",     "/etc/shadow",      "/usr/lib/libc.so.6",   "/proc/self/status",
        "/home/u/.bashrc", "/etc/ld.so.cache", "/var/lib/dpkg/status", "/root/.ssh/id_rsa"};
    static const char* kWritePaths[] = {"/tmp/build.o",  "/var/log/app.log",  "/etc/hosts",
                                        "/usr/bin/evil", "/home/u/notes.txt", "/dev/null"};
    static const char* kComms[] = {"bash", "cat",  "python3", "nginx", "sshd",
                                   "curl", "node", "java",    "sh",    "containerd"};
    std::mt19937 rng(42);
    std::vector<uint8_t> buf;
    buf.reserve(n * 200);
    for (size_t i = 0; i < n; ++i) {
        uint32_t pid = 1000 + rng() % 500;
        const char* comm = kComms[rng() % std::size(kComms)];
        uint32_t pick = rng() % 100;
        if (pick < 60) {
            bool write = pick >= 40;
            const char* path = write ? kWritePaths[rng() % std::size(kWritePaths)]
                                     : kReadPaths[rng() % std::size(kReadPaths)];
            uint32_t flags = write ? (KES_O_WRONLY | KES_O_CREAT | KES_O_TRUNC) : KES_O_RDONLY;
            int64_t fd = rng() % 10 == 0 ? -2 : 3 + rng() % 20;
            kestrel::event::RecordBuilder b(buf, KES_EVT_OPENAT);
            b.ts_ns(i).tid(pid).pid(pid).comm(comm);
            b.add_int64(fd)
                .add_int64(-100)
                .add_string(path)
                .add_uint32(flags)
                .add_uint32(0644)
                .add_uint32(0x803)
                .add_uint64(i);
            b.finish();
        } else if (pick < 85) {
            kestrel::event::RecordBuilder b(buf, KES_EVT_EXECVE);
            b.ts_ns(i).tid(pid).pid(pid).comm(comm);
            b.add_int64(0).add_string(std::string("/usr/bin/") + comm).add_string_list({"-c", "x"});
            b.finish();
        } else {
            kestrel::event::RecordBuilder b(buf, KES_EVT_CONNECT);
            b.ts_ns(i).tid(pid).pid(pid).comm(comm);
            uint32_t dip = rng() % 4 == 0 ? ip4(169, 254, 169, 254) : ip4(93, 184, rng() % 256, 34);
            uint16_t dport = rng() % 2 == 0 ? 443 : 80;
            b.add_int64(0)
                .add_socktuple_in(ip4(10, 0, 0, 5), 40000 + rng() % 20000, dip, dport)
                .add_int64(5)
                .add_sockaddr_in(dip, dport);
            b.finish();
        }
    }
    return buf;
}

std::vector<event::View> decode_all(const std::vector<uint8_t>& buf) {
    std::vector<event::View> out;
    std::span<const uint8_t> rest(buf);
    while (!rest.empty()) {
        auto v = event::decode(rest, nullptr);
        if (!v.ok()) {
            break;
        }
        out.push_back(*v);
        rest = rest.subspan(v->bytes().size());
    }
    return out;
}

// init(1) -> sshd(10) -> bash(20) -> each pid of the stream (1000..1499).
void load_state(state::Tables& tables) {
    std::vector<state::ThreadSnapshot> threads;
    auto add = [&](int64_t pid, int64_t ppid, const char* comm, uint32_t uid) {
        state::ThreadSnapshot t;
        t.tid = t.pid = t.vpid = t.vtid = t.sid = t.vpgid = pid;
        t.ptid = ppid;
        t.comm = comm;
        t.exe = std::string("/usr/bin/") + comm;
        t.exepath = t.exe;
        t.args = {"-c", "x"};
        t.cwd = "/home/u/";
        t.uid = uid;
        t.loginuid = 1000;
        threads.push_back(std::move(t));
    };
    add(1, 0, "systemd", 0);
    add(10, 1, "sshd", 0);
    add(20, 10, "bash", 1000);
    for (int64_t pid = 1000; pid < 1500; ++pid) {
        add(pid, 20, "worker", pid % 3 == 0 ? 0 : 1000);
    }
    tables.load(threads);
    tables.users().add_user({.uid = 0, .gid = 0, .name = "root", .home = "/root", .shell = ""});
    tables.users().add_user(
        {.uid = 1000, .gid = 1000, .name = "u", .home = "/home/u", .shell = ""});
}

void run_eval(benchmark::State& state, bool all_files, eval::RuleMatching matching,
              bool timed = false) {
    rules::RulesLoader loader;
    load(loader, all_files);
    state::Tables tables;
    load_state(tables);
    eval::RulesetOptions opts;
    opts.matching = matching;
    opts.state = &tables;
    opts.time_rules = timed;
    auto rs = eval::Ruleset::compile(loader.ruleset(), opts);
    auto buf = make_stream(8192);
    auto events = decode_all(buf);
    uint64_t matches = 0;
    // Warm up (first-use reservations), then count allocations in the measured loop only.
    for (const auto& v : events) {
        rs->evaluate(v);
    }
    auto base = rs->stats();
    uint64_t allocs_before = alloc_counter::allocations();
    for (auto _ : state) {
        for (const auto& v : events) {
            matches += rs->evaluate(v);
        }
    }
    uint64_t allocs = alloc_counter::allocations() - allocs_before;
    auto st = rs->stats();
    double evs = static_cast<double>(st.events - base.events);
    state.SetItemsProcessed(static_cast<int64_t>(evs));
    state.counters["rules"] = static_cast<double>(rs->rules().size());
    state.counters["index_fraction"] = static_cast<double>(st.rules_met - base.rules_met) / evs /
                                       static_cast<double>(rs->rules().size());
    state.counters["matches_per_event"] = static_cast<double>(matches) / evs;
    state.counters["allocs_per_event"] = static_cast<double>(allocs) / evs;
    state.counters["checks_per_event"] =
        static_cast<double>(rs->program().checks_evaluated()) / static_cast<double>(st.events);
    state.counters["unsupported_fields"] = static_cast<double>(rs->program().unsupported_fields());
    if (timed) {
        // The sampled estimate of the time spent in conditions, per event: compare with the
        // measured time per event (1 / items_per_second) to see what the rest costs.
        const double ns_per_tick = eval::TickClock::ns_per_tick();
        double ns = 0;
        for (const eval::Rule& rule : rs->rules()) {
            ns += static_cast<double>(rule.estimated_eval_ns(ns_per_tick));
        }
        state.counters["est_eval_ns_per_event"] = ns / static_cast<double>(st.events);
    }
}

void BM_EvaluateStableFirst(benchmark::State& state) {
    run_eval(state, false, eval::RuleMatching::kFirst);
}
BENCHMARK(BM_EvaluateStableFirst);

void BM_EvaluateStableAll(benchmark::State& state) {
    run_eval(state, false, eval::RuleMatching::kAll);
}
BENCHMARK(BM_EvaluateStableAll);

void BM_EvaluateAllFilesAll(benchmark::State& state) {
    run_eval(state, true, eval::RuleMatching::kAll);
}
BENCHMARK(BM_EvaluateAllFilesAll);

// The same with per-rule evaluation counts and sampled timing (RulesetOptions::time_rules, what
// the daemon turns on with metrics.rules_counters_enabled): the ratio of items_per_second to the
// untimed run above is its cost.
void BM_EvaluateStableFirstTimed(benchmark::State& state) {
    run_eval(state, false, eval::RuleMatching::kFirst, true);
}
BENCHMARK(BM_EvaluateStableFirstTimed);

void BM_EvaluateStableAllTimed(benchmark::State& state) {
    run_eval(state, false, eval::RuleMatching::kAll, true);
}
BENCHMARK(BM_EvaluateStableAllTimed);

void BM_EvaluateAllFilesAllTimed(benchmark::State& state) {
    run_eval(state, true, eval::RuleMatching::kAll, true);
}
BENCHMARK(BM_EvaluateAllFilesAllTimed);

} // namespace

int main(int argc, char** argv) {
    std::printf("note: events are evaluated against state tables loaded with the synthetic\n"
                "processes (proc.*, user.*, fd.* extract from them); unsupported_fields counts\n"
                "fields that still extract as absent (src/eval/README.md). items_per_second =\n"
                "events/s on one core; index_fraction = rules an event meets through the\n"
                "event-type index / rules.\n");
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
