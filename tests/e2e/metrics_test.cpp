// Metrics end to end: the real kestrel, live on this host, with metrics.interval=1s. Each
// snapshot appears both as the `Falco internal: metrics snapshot` alert on stdout and as a line
// of metrics.output_file, with the fields of the enabled toggles and none of the disabled ones.

#include <gtest/gtest.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "kestrel_process.hpp"

namespace kestrel::e2e {
namespace {

struct MetricsRun {
    std::vector<nlohmann::json> file_lines;
    std::vector<nlohmann::json> alerts;
    Outcome outcome;
};

MetricsRun run_with_metrics(const std::vector<std::string>& extra) {
    std::string path =
        ::testing::TempDir() + "/kestrel_e2e_metrics_" + std::to_string(getpid()) + ".jsonl";
    std::remove(path.c_str());
    std::vector<std::string> args = {"-M", "8",
                                     "-o", "json_output=true",
                                     "-o", "metrics.enabled=true",
                                     "-o", "metrics.interval=1s",
                                     "-o", "metrics.output_file=" + path};
    args.insert(args.end(), extra.begin(), extra.end());
    MetricsRun run;
    // Some activity for the kernel counters to count, even on an idle host: a shell opening a
    // file ten times a second for the whole run.
    std::FILE* load = ::popen("for i in $(seq 90); do cat /etc/hostname; sleep 0.1; done", "r");
    run.outcome = run_kestrel(args);
    if (load != nullptr) {
        char sink[4096];
        while (std::fread(sink, 1, sizeof(sink), load) > 0) {
        }
        ::pclose(load);
    }
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        run.file_lines.push_back(nlohmann::json::parse(line));
    }
    std::istringstream out(run.outcome.out);
    while (std::getline(out, line)) {
        auto doc = nlohmann::json::parse(line, nullptr, false);
        if (doc.is_object() && doc.value("rule", "") == "Falco internal: metrics snapshot") {
            run.alerts.push_back(doc);
        }
    }
    std::remove(path.c_str());
    return run;
}

std::set<std::string> keys(const nlohmann::json& fields) {
    std::set<std::string> out;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        out.insert(it.key());
    }
    return out;
}

bool has_prefix(const std::set<std::string>& names, std::string_view prefix) {
    for (const auto& n : names) {
        if (n.starts_with(prefix)) {
            return true;
        }
    }
    return false;
}

TEST(MetricsE2E, LiveSnapshotsWithDefaultToggles) {
    MetricsRun run = run_with_metrics({});
    ASSERT_EQ(run.outcome.exit_code, 0) << run.outcome.err;
    ASSERT_GE(run.file_lines.size(), 2u) << run.outcome.err;
    ASSERT_GE(run.alerts.size(), 2u);
    const auto& alert = run.alerts.back();
    EXPECT_EQ(alert["priority"], "Informational");
    EXPECT_EQ(alert["source"], "internal");
    EXPECT_EQ(alert["output"], "Falco metrics snapshot");
    EXPECT_EQ(run.file_lines[0]["sample"], 0);
    EXPECT_EQ(run.file_lines[1]["sample"], 1);
    auto names = keys(run.file_lines.back()["output_fields"]);
    for (const char* field : {"evt.time",
                              "evt.hostname",
                              "evt.source",
                              "falco.version",
                              "falco.start_ts",
                              "falco.duration_sec",
                              "falco.kernel_release",
                              "falco.host_boot_ts",
                              "falco.host_num_cpus",
                              "falco.outputs_queue_num_drops",
                              "falco.reload_ts",
                              "falco.num_evts",
                              "falco.num_evts_prev",
                              "scap.engine_name",
                              "scap.n_evts",
                              "scap.n_evts_prev",
                              "scap.n_drops",
                              "scap.n_drops_prev",
                              "scap.evts_rate_sec",
                              "scap.evts_drop_rate_sec",
                              "scap.n_drops_perc",
                              "falco.rules.matches_total",
                              "falco.cpu_usage_perc",
                              "falco.memory_rss_mb",
                              "falco.memory_vsz_mb",
                              "falco.memory_pss_mb",
                              "falco.host_memory_used_mb",
                              "falco.host_open_fds",
                              "falco.n_threads",
                              "falco.n_fds",
                              "falco.n_added_threads"}) {
        EXPECT_TRUE(names.contains(field)) << field;
    }
    EXPECT_TRUE(has_prefix(names, "scap.syscall_counts."));
    // Kestrel's per-rule evaluation counts and time, with rules_counters_enabled (the default).
    EXPECT_TRUE(has_prefix(names, "kestrel.rules."));
    const auto& fields = run.file_lines.back()["output_fields"];
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (it.key().starts_with("kestrel.rules.") && it.key().ends_with(".evaluations")) {
            EXPECT_GT(it.value().get<uint64_t>(), 0u) << it.key(); // zeros are left out
        }
    }
    // Live events flow: the kernel counted some between the two last snapshots.
    EXPECT_GT(run.file_lines.back()["output_fields"]["scap.n_evts"].get<uint64_t>(), 0u);
    EXPECT_TRUE(names.contains("falco.evts_rate_sec") || names.contains("scap.evts_rate_sec"));
    EXPECT_FALSE(has_prefix(names, "scap.n_evts_cpu_"));
}

TEST(MetricsE2E, DisabledTogglesLeaveTheirFieldsOut) {
    MetricsRun run = run_with_metrics(
        {"-o", "metrics.output_rule=false", "-o", "metrics.resource_utilization_enabled=false",
         "-o", "metrics.state_counters_enabled=false", "-o", "metrics.rules_counters_enabled=false",
         "-o", "metrics.kernel_event_counters_per_cpu_enabled=true", "-o",
         "metrics.convert_memory_to_mb=false", "-o", "metrics.include_empty_values=true"});
    ASSERT_EQ(run.outcome.exit_code, 0) << run.outcome.err;
    ASSERT_GE(run.file_lines.size(), 1u);
    EXPECT_TRUE(run.alerts.empty()) << "output_rule=false";
    auto names = keys(run.file_lines.back()["output_fields"]);
    EXPECT_FALSE(names.contains("falco.cpu_usage_perc"));
    EXPECT_FALSE(has_prefix(names, "falco.memory_"));
    EXPECT_FALSE(names.contains("falco.n_threads"));
    EXPECT_FALSE(has_prefix(names, "falco.rules."));
    EXPECT_FALSE(has_prefix(names, "kestrel.rules.")); // they go with rules_counters_enabled
    EXPECT_TRUE(names.contains("scap.n_evts_cpu_0"));
    EXPECT_TRUE(names.contains("scap.n_drops_cpu_0"));
    // include_empty_values: the zero drop categories are there.
    EXPECT_TRUE(names.contains("scap.n_drops_buffer_proc_exit"));
    EXPECT_TRUE(names.contains("scap.n_drops_scratch_map"));
}

TEST(MetricsE2E, ConvertMemoryOffGivesKibibytes) {
    MetricsRun run = run_with_metrics({"-o", "metrics.convert_memory_to_mb=false"});
    ASSERT_EQ(run.outcome.exit_code, 0) << run.outcome.err;
    ASSERT_GE(run.file_lines.size(), 1u);
    const auto& fields = run.file_lines.back()["output_fields"];
    ASSERT_TRUE(fields.contains("falco.memory_rss_kb"));
    EXPECT_TRUE(fields["falco.memory_rss_kb"].is_number_unsigned());
    EXPECT_FALSE(fields.contains("falco.memory_rss_mb"));
}

TEST(MetricsE2E, BadIntervalIsRejectedWithFalcosMessage) {
    Outcome o =
        run_kestrel({"-o", "metrics.enabled=true", "-o", "metrics.interval=50ms", "-M", "1"});
    EXPECT_NE(o.exit_code, 0);
    EXPECT_NE(o.err.find("Metrics interval must have a minimum value of 100ms"), std::string::npos)
        << o.err;
}

} // namespace
} // namespace kestrel::e2e

namespace kestrel::e2e {
namespace {

// A 1 MiB ring shared by every CPU and an open/close storm from two threads: the kernel drops
// events, and they show up per category in the drop alert and in the snapshot.
TEST(MetricsE2E, SyscallStormDropsReachAlertAndSnapshot) {
    std::string path =
        ::testing::TempDir() + "/kestrel_e2e_drops_" + std::to_string(getpid()) + ".jsonl";
    std::remove(path.c_str());
    KestrelProcess kestrel({"-o", "json_output=true",
                            "-o", "engine.modern_ebpf.buf_size_preset=1",
                            "-o", "engine.modern_ebpf.cpus_for_each_buffer=0",
                            "-o", "syscall_event_drops.threshold=0",
                            "-o", "syscall_event_drops.actions=[alert]",
                            "-o", "syscall_event_drops.rate=1",
                            "-o", "metrics.enabled=true",
                            "-o", "metrics.interval=1s",
                            "-o", "metrics.output_rule=false",
                            "-o", "metrics.output_file=" + path});
    ASSERT_TRUE(kestrel.started());
    for (int i = 0;
         i < 600 && kestrel.read_stderr().find("live: watching the host") == std::string::npos;
         ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_NE(kestrel.read_stderr().find("live: watching the host"), std::string::npos)
        << kestrel.read_stderr();
    auto storm = [] {
        auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        while (std::chrono::steady_clock::now() < end) {
            for (int i = 0; i < 1000; ++i) {
                int fd = ::open("/etc/hostname", O_RDONLY);
                ::close(fd);
            }
        }
    };
    std::thread a(storm);
    std::thread b(storm);
    a.join();
    b.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // one more snapshot
    kestrel.stop();

    // The drop alert: Falco's rule, priority and fields.
    nlohmann::json alert;
    std::istringstream out(kestrel.read_stdout());
    std::string line;
    while (std::getline(out, line)) {
        auto doc = nlohmann::json::parse(line, nullptr, false);
        if (doc.is_object() && doc.value("rule", "") == "Falco internal: syscall event drop") {
            alert = doc;
            break;
        }
    }
    ASSERT_TRUE(alert.is_object()) << kestrel.read_stdout().substr(0, 2000);
    EXPECT_EQ(alert["priority"], "Debug");
    EXPECT_EQ(alert["source"], "internal");
    const auto& f = alert["output_fields"];
    EXPECT_EQ(f["ebpf_enabled"], "1");
    uint64_t drops = std::stoull(f["n_drops"].get<std::string>());
    EXPECT_GT(drops, 0u);
    EXPECT_GT(std::stoull(f["n_drops_buffer_open_exit"].get<std::string>()) +
                  std::stoull(f["n_drops_buffer_close_exit"].get<std::string>()),
              0u);
    EXPECT_EQ(alert["output"], "Falco internal: syscall event drop. " + std::to_string(drops) +
                                   " system calls dropped in last second.");

    // The last snapshot counts them too, under the same categories.
    std::ifstream in(path);
    nlohmann::json last;
    while (std::getline(in, line)) {
        last = nlohmann::json::parse(line);
    }
    ASSERT_TRUE(last.is_object());
    const auto& fields = last["output_fields"];
    EXPECT_GT(fields.value("scap.n_drops", uint64_t{0}), 0u);
    EXPECT_GT(fields.value("scap.n_drops_buffer_total", uint64_t{0}), 0u);
    EXPECT_GT(fields.value("scap.n_drops_buffer_open_exit", uint64_t{0}), 0u);
    EXPECT_GE(fields.value("scap.n_evts", uint64_t{0}), fields.value("scap.n_drops", uint64_t{0}));
    std::remove(path.c_str());
}

} // namespace
} // namespace kestrel::e2e
