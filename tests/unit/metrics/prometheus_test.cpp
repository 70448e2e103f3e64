#include "metrics/encode.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "metrics/registry.hpp"
#include "sample_inputs.hpp"

namespace kestrel::metrics {
namespace {

// The exposition parsed back: per family its HELP/TYPE counts and type, and every sample.
struct Parsed {
    struct Family {
        int help = 0;
        int type_lines = 0;
        std::string type;
        bool samples_before_header = false;
    };
    std::map<std::string, Family> families;
    std::multimap<std::string, std::pair<std::string, std::string>> samples; // name -> labels, v
    std::vector<std::string> errors;
};

std::string family_of(const std::string& sample_name, const Parsed& p) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        std::string s(suffix);
        if (sample_name.size() > s.size() && sample_name.ends_with(s)) {
            std::string base = sample_name.substr(0, sample_name.size() - s.size());
            if (auto it = p.families.find(base);
                it != p.families.end() && it->second.type == "histogram") {
                return base;
            }
        }
    }
    return sample_name;
}

Parsed parse(const std::string& text) {
    Parsed p;
    std::istringstream in(text);
    std::string line;
    static const std::regex kSample(
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (\S+)$)");
    while (std::getline(in, line)) {
        if (line.starts_with("# HELP ")) {
            std::string name = line.substr(7, line.find(' ', 7) - 7);
            p.families[name].help++;
        } else if (line.starts_with("# TYPE ")) {
            std::istringstream fields(line.substr(7));
            std::string name;
            std::string type;
            fields >> name >> type;
            p.families[name].type_lines++;
            p.families[name].type = type;
        } else {
            std::smatch m;
            if (!std::regex_match(line, m, kSample)) {
                p.errors.push_back(line);
                continue;
            }
            std::string family = family_of(m[1], p);
            if (!p.families.contains(family)) {
                p.families[family].samples_before_header = true;
            }
            p.samples.emplace(m[1], std::make_pair(m[3].str(), m[4].str()));
        }
    }
    return p;
}

std::string sample_text() {
    Collection c;
    testing::fill_sample(c);
    c.rules.push_back(
        {"Terminal shell in \"container\"", 5, "syscall", {"shell", "mitre.exec"}, 3});
    c.rules_matches_total = 3;
    c.syscalls = {{"openat", 120}, {"execve", 4}};
    c.sinks = {{"stdout", 3, 0, 0, 0}};
    c.alert_latency = {LatencyHistogram{"stdout", {0.001, 0.01}, {1, 2, 0}, 0.012},
                       LatencyHistogram{"file", {0.001, 0.01}, {0, 0, 1}, 2.5}};
    Options o;
    o.kernel_event_counters_per_cpu = true;
    return prometheus_text(build_snapshot(c.inputs(), o, nullptr));
}

TEST(Prometheus, OneHelpAndTypePerFamilyAndEverySampleDeclared) {
    std::string text = sample_text();
    Parsed p = parse(text);
    EXPECT_TRUE(p.errors.empty()) << p.errors.front();
    for (const auto& [name, f] : p.families) {
        EXPECT_EQ(f.help, 1) << name;
        EXPECT_EQ(f.type_lines, 1) << name;
        EXPECT_FALSE(f.samples_before_header) << name;
    }
    // The labelled families Falco repeats headers for.
    EXPECT_EQ(p.samples.count("falcosecurity_scap_n_drops_buffer_total"), 14u);
    EXPECT_EQ(p.families["falcosecurity_scap_n_drops_buffer_total"].type, "counter");
    EXPECT_EQ(p.samples.count("falcosecurity_scap_n_evts_cpu_total"), 2u);
    EXPECT_EQ(p.families["falcosecurity_falco_alert_latency_seconds"].type, "histogram");
}

TEST(Prometheus, LabelsSortedAndEscaped) {
    std::string text = sample_text();
    EXPECT_NE(text.find("falcosecurity_scap_n_drops_buffer_total{dir=\"exit\",drop=\"open\"} 0\n"),
              std::string::npos);
    EXPECT_NE(text.find("falcosecurity_falco_rules_matches_total{priority=\"5\","
                        "rule_name=\"Terminal shell in \\\"container\\\"\",source=\"syscall\","
                        "tag_mitre_exec=\"true\",tag_shell=\"true\"} 3\n"),
              std::string::npos)
        << text;
    // Rules that never matched are not exported (Falco: count > 0 only).
    EXPECT_EQ(text.find("Read sensitive file untrusted"), std::string::npos);
    EXPECT_NE(text.find("falcosecurity_falco_version_info{version=\"0.44.1\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("falcosecurity_scap_engine_name_info{engine_name=\"modern_bpf\","
                        "evt_source=\"syscall\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("falcosecurity_scap_syscall_counts_total{syscall=\"openat\"} 120\n"),
              std::string::npos);
    EXPECT_NE(text.find("falcosecurity_falco_alert_latency_seconds_bucket{output=\"stdout\","
                        "le=\"0.01\"} 3\n"),
              std::string::npos);
    EXPECT_NE(text.find("falcosecurity_falco_alert_latency_seconds_count{output=\"stdout\"} 3\n"),
              std::string::npos);
    EXPECT_NE(text.find("falcosecurity_falco_alert_latency_seconds_bucket{output=\"file\","
                        "le=\"+Inf\"} 1\n"),
              std::string::npos);
}

TEST(Prometheus, UnitsConvertedLikeFalco) {
    std::string text = sample_text();
    EXPECT_NE(text.find("falcosecurity_falco_cpu_usage_ratio 0.94\n"), std::string::npos) << text;
    EXPECT_NE(text.find("falcosecurity_falco_memory_rss_bytes 61550592\n"), std::string::npos);
    EXPECT_NE(text.find("falcosecurity_falco_container_memory_used_bytes 242745344\n"),
              std::string::npos);
    EXPECT_NE(text.find("# TYPE falcosecurity_scap_n_threads_total gauge\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE falcosecurity_falco_duration_seconds_total counter\n"),
              std::string::npos);
    EXPECT_NE(text.find("falcosecurity_scap_sys_exit_avg_time_nanoseconds 424\n"),
              std::string::npos);
}

// Every family of Falco 0.44.1's real exposition exists in Kestrel's, except the ones named
// after one of Falco's BPF programs.
TEST(Prometheus, EveryFalcoFamilyExists) {
    std::ifstream file(std::string(KESTREL_SHARED_DIR) + "/reference/falco-metrics-sample.prom");
    ASSERT_TRUE(file.good());
    std::stringstream buffer;
    buffer << file.rdbuf();
    Parsed falco = parse(buffer.str());
    Parsed ours = parse(sample_text());
    static const std::regex kProgramSpecific(
        R"(^falcosecurity_scap_.*_(run_cnt_total|run_time_nanoseconds_total|avg_time_nanoseconds)$)");
    int checked = 0;
    for (const auto& [name, f] : falco.families) {
        if (std::regex_match(name, kProgramSpecific)) {
            continue;
        }
        ++checked;
        ASSERT_TRUE(ours.families.contains(name)) << name;
        EXPECT_EQ(ours.families[name].type, f.type) << name;
    }
    EXPECT_GT(checked, 60);
}

TEST(Prometheus, RegistryServesText) {
    int calls = 0;
    Registry registry(Options{}, [&calls](Collection& c, Registry::Purpose) {
        ++calls;
        testing::fill_sample(c);
    });
    std::string text = registry.prometheus_text();
    EXPECT_EQ(calls, 1);
    EXPECT_NE(text.find("falcosecurity_scap_n_evts_total 21\n"), std::string::npos);
}

} // namespace
} // namespace kestrel::metrics
