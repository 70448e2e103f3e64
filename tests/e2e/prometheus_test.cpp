// Kestrel's web endpoints end to end, judged by a real Prometheus (Debian's `prometheus`,
// started by the test on loopback) and by `promtool check metrics`:
//  * Prometheus scrapes the web server over TLS, verifying a certificate the test made;
//  * Kestrel live (modern_ebpf): /healthz, /versions, /metrics, then Prometheus scrapes it every
//    second and its query API shows falcosecurity_scap_n_evts_total increasing and the rule
//    counter carrying Falco's labels; the exposition passes promtool; every metric the shipped
//    Grafana dashboard queries exists in it.
// Deadlines only guard against hangs; nothing asserts how fast anything is.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "kestrel_process.hpp"
#include "prometheus_server.hpp"
#include "web/server.hpp"

namespace kestrel::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kRuleName = "Kestrel metrics e2e open";

std::string temp_dir(const char* tag) {
    std::string pattern = std::string("/tmp/kestrel-e2e-") + tag + "-XXXXXX";
    return mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
}

// promtool's verdict on an exposition: its exit code and what it printed.
struct PromtoolResult {
    int exit_code = -1;
    std::string output;
};

PromtoolResult promtool_check(const std::string& exposition, const std::string& dir) {
    std::string input = dir + "/metrics.prom";
    std::string output = dir + "/promtool.out";
    std::ofstream(input) << exposition;
    std::string command = "promtool check metrics < " + input + " > " + output + " 2>&1";
    int status = std::system(command.c_str());
    PromtoolResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(output);
    std::stringstream text;
    text << in.rdbuf();
    result.output = text.str();
    return result;
}

// What promtool 2.42's lint says of Falco's own names (src/web/README.md, "promtool"): those
// names are the contract dashboards are built on, so they stay, and `check metrics` there has
// no switch to turn a lint rule off. Each entry: the family (a regex: the libbpf-stats
// families carry a BPF program's name) and promtool's exact finding.
struct FalcoNameFinding {
    std::regex family;
    std::string finding;
};

const std::vector<FalcoNameFinding>& falco_name_findings() {
    static const std::string kUnit = R"(use base unit "seconds" instead of "nanoseconds")";
    static const std::string kTotal = R"(non-counter metrics should not have "_total" suffix)";
    static const std::vector<FalcoNameFinding> findings = {
        {std::regex("falcosecurity_falco_(start|reload|host_boot)_timestamp_nanoseconds"), kUnit},
        {std::regex("falcosecurity_scap_[a-z0-9_]+_avg_time_nanoseconds"), kUnit},
        {std::regex("falcosecurity_scap_[a-z0-9_]+_run_time_nanoseconds_total"), kUnit},
        {std::regex("falcosecurity_scap_n_(threads|fds)_total"), kTotal},
        {std::regex("falcosecurity_falco_host_(num_cpus|open_fds|procs_running)_total"), kTotal},
    };
    return findings;
}

bool is_falco_name_finding(const std::string& family, const std::string& finding) {
    for (const FalcoNameFinding& f : falco_name_findings()) {
        if (finding == f.finding && std::regex_match(family, f.family)) {
            return true;
        }
    }
    return false;
}

// The exposition without the families in `drop` (their HELP, TYPE and samples).
std::string without_families(const std::string& exposition, const std::set<std::string>& drop) {
    std::string out;
    std::istringstream lines(exposition);
    std::string line;
    while (std::getline(lines, line)) {
        std::string name;
        if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
            name = line.substr(7, line.find(' ', 7) - 7);
        } else {
            name = line.substr(0, line.find_first_of("{ "));
        }
        if (!drop.contains(name)) {
            out += line;
            out += '\n';
        }
    }
    return out;
}

// `promtool check metrics` on the exposition: it parses (exit 1 would be a format error) and
// its only findings are Falco's names above; without those families it exits 0, silent. So
// everything Kestrel names itself passes, and each of Falco's names is accounted for.
void expect_promtool_accepts(const std::string& exposition, const std::string& dir) {
    PromtoolResult full = promtool_check(exposition, dir);
    ASSERT_TRUE(full.exit_code == 0 || full.exit_code == 3) << "exit " << full.exit_code << "\n"
                                                            << full.output;
    std::set<std::string> falco_names;
    std::istringstream lines(full.output);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty()) {
            continue;
        }
        const std::string family = line.substr(0, line.find(' '));
        const std::string finding = line.substr(line.find(' ') + 1);
        EXPECT_TRUE(is_falco_name_finding(family, finding)) << "promtool: " << line;
        falco_names.insert(family);
    }
    PromtoolResult rest = promtool_check(without_families(exposition, falco_names), dir);
    EXPECT_EQ(rest.exit_code, 0) << rest.output;
    EXPECT_EQ(rest.output, "");
}

// Family names declared in an exposition (# TYPE lines).
std::set<std::string> declared_families(const std::string& exposition) {
    std::set<std::string> families;
    std::istringstream lines(exposition);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("# TYPE ", 0) == 0) {
            std::istringstream words(line.substr(7));
            std::string name;
            words >> name;
            families.insert(name);
        }
    }
    return families;
}

// Every falcosecurity_* and kestrel_* metric named in the dashboard's queries, histogram
// suffixes removed.
std::set<std::string> dashboard_metric_names(const json& node) {
    std::set<std::string> names;
    if (node.is_object()) {
        for (const auto& [key, value] : node.items()) {
            if (key == "expr" && value.is_string()) {
                static const std::regex metric(R"((falcosecurity|kestrel)_[a-zA-Z0-9_]+)");
                std::string expr = value;
                for (std::sregex_iterator it(expr.begin(), expr.end(), metric), end; it != end;
                     ++it) {
                    std::string name = it->str();
                    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
                        std::string s = suffix;
                        if (name.size() > s.size() &&
                            name.compare(name.size() - s.size(), s.size(), s) == 0) {
                            name.resize(name.size() - s.size());
                        }
                    }
                    names.insert(name);
                }
            } else {
                auto inner = dashboard_metric_names(value);
                names.insert(inner.begin(), inner.end());
            }
        }
    } else if (node.is_array()) {
        for (const auto& item : node) {
            auto inner = dashboard_metric_names(item);
            names.insert(inner.begin(), inner.end());
        }
    }
    return names;
}

double sample_value(const json& series) { return std::stod(series["value"][1].get<std::string>()); }

// Every `expr` of the dashboard, Grafana's variables replaced by what they stand for.
void collect_exprs(const json& node, std::vector<std::string>* out) {
    if (node.is_object()) {
        for (const auto& [key, value] : node.items()) {
            if (key == "expr" && value.is_string()) {
                std::string expr = value;
                expr = std::regex_replace(expr, std::regex(R"(\$__rate_interval)"), "1m");
                expr = std::regex_replace(expr, std::regex(R"(\$instance)"), ".*");
                out->push_back(expr);
            } else {
                collect_exprs(value, out);
            }
        }
    } else if (node.is_array()) {
        for (const auto& item : node) {
            collect_exprs(item, out);
        }
    }
}

json load_dashboard() {
    std::ifstream file(std::string(KESTREL_SOURCE_DIR) + "/deploy/grafana/kestrel-dashboard.json");
    return file.good() ? json::parse(file) : json();
}

TEST(Dashboard, EveryQueryIsValidPromQL) {
    std::vector<std::string> exprs;
    collect_exprs(load_dashboard(), &exprs);
    ASSERT_GT(exprs.size(), 10u);
    std::string dir = temp_dir("dashboard");
    ASSERT_FALSE(dir.empty());
    // promtool parses recording rules' expressions: one rule per dashboard query.
    std::ofstream rules(dir + "/rules.yml");
    rules << "groups:\n  - name: dashboard\n    rules:\n";
    for (size_t i = 0; i < exprs.size(); ++i) {
        rules << "      - record: kestrel_dashboard_query_" << i << "\n"
              << "        expr: " << json(exprs[i]).dump() << "\n";
    }
    rules.close();
    std::string command = "promtool check rules " + dir + "/rules.yml > " + dir + "/out 2>&1";
    int status = std::system(command.c_str());
    std::ifstream out(dir + "/out");
    std::stringstream text;
    text << out.rdbuf();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text.str();
    EXPECT_NE(text.str().find("SUCCESS: " + std::to_string(exprs.size()) + " rules found"),
              std::string::npos)
        << text.str();
    std::filesystem::remove_all(dir);
}

// --- Prometheus against the web server alone, over TLS -------------------------------------

// A self-signed certificate for 127.0.0.1 in `dir`: cert.pem alone (the CA to verify with) and
// falco.pem with the key and the certificate (webserver.ssl_certificate). False on failure.
bool make_certificate(const std::string& dir) {
    std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                          "-addext subjectAltName=IP:127.0.0.1 -keyout " +
                          dir + "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1 && cat " + dir +
                          "/key.pem " + dir + "/cert.pem > " + dir + "/falco.pem";
    return std::system(command.c_str()) == 0;
}

TEST(Prometheus, ScrapesTheWebServerOverTlsWithAVerifiedCertificate) {
    std::string dir = temp_dir("prom-tls");
    ASSERT_FALSE(dir.empty());
    ASSERT_TRUE(make_certificate(dir));
    std::string cert = dir + "/cert.pem";
    std::string pem = dir + "/falco.pem";

    std::atomic<uint64_t> scrapes{0};
    web::Options options;
    options.listen_port = 0;
    options.threadiness = 1;
    options.ssl_enabled = true;
    options.ssl_certificate = pem;
    web::Handlers handlers;
    handlers.health = [] { return web::Health{true, ""}; };
    handlers.metrics = [&scrapes](bool*) {
        return "# HELP kestrel_test_scrapes_total scrapes served\n"
               "# TYPE kestrel_test_scrapes_total counter\n"
               "kestrel_test_scrapes_total " +
               std::to_string(++scrapes) + "\n";
    };
    auto server = web::Server::start(options, handlers);
    ASSERT_TRUE(server.ok()) << server.error().to_string();

    {
        PrometheusServer prometheus(
            {{"127.0.0.1:" + std::to_string((*server)->port()), "https", cert}});
        ASSERT_TRUE(prometheus.wait_ready()) << prometheus.log();
        double seen = 0;
        for (int i = 0; i < 600 && seen < 3; ++i) {
            auto result = prometheus.query("kestrel_test_scrapes_total");
            if (result && !result->empty()) {
                seen = sample_value((*result)[0]);
            }
            std::this_thread::sleep_for(100ms);
        }
        EXPECT_GE(seen, 3) << prometheus.log();
        auto up = prometheus.query("up");
        ASSERT_TRUE(up && !up->empty());
        EXPECT_EQ((*up)[0]["value"][1], "1");
    }
    (*server)->stop();
    std::filesystem::remove_all(dir);
}

// --- Kestrel live --------------------------------------------------------------------------

class KestrelLive : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = temp_dir("prom-live");
        ASSERT_FALSE(dir_.empty());
        marker_prefix_ = dir_ + "/marker-";
        rules_ = dir_ + "/rules.yaml";
        std::ofstream(rules_) << "- rule: " << kRuleName << "\n"
                              << "  desc: the e2e test opens its own marker files\n"
                              << "  condition: evt.type in (open, openat, openat2) and "
                                 "fd.name startswith "
                              << marker_prefix_ << "\n"
                              << "  output: marker opened (file=%fd.name)\n"
                              << "  priority: WARNING\n"
                              << "  tags: [filesystem, kestrel_e2e]\n";
        kestrel_ = std::make_unique<KestrelProcess>(std::vector<std::string>{
            "-r", rules_, "-o", "engine.kind=modern_ebpf", "-o",
            "engine.modern_ebpf.cpus_for_each_buffer=1", "-o", "json_output=true", "-o",
            "metrics.enabled=true", "-o", "webserver.enabled=true", "-o",
            "webserver.prometheus_metrics_enabled=true", "-o", "webserver.listen_port=0"});
        ASSERT_TRUE(kestrel_->started());
        // The web server logs its port; the live loop logs when it watches the host.
        static const std::regex listening(R"(webserver: listening on http://127\.0\.0\.1:(\d+))");
        for (int i = 0; i < 600 && (port_ == 0 || !ready_); ++i) {
            std::string err = kestrel_->read_stderr();
            std::smatch m;
            if (port_ == 0 && std::regex_search(err, m, listening)) {
                port_ = std::stoi(m[1]);
            }
            ready_ = err.find("live: watching the host") != std::string::npos;
            std::this_thread::sleep_for(100ms);
        }
        ASSERT_NE(port_, 0) << kestrel_->read_stderr();
        ASSERT_TRUE(ready_) << kestrel_->read_stderr();
    }

    void TearDown() override {
        if (kestrel_) {
            kestrel_->stop();
        }
        if (!dir_.empty()) {
            std::filesystem::remove_all(dir_);
        }
    }

    // Opens a marker file (the rule's trigger); the test process is not Kestrel, so it is seen.
    void trigger() {
        std::string path = marker_prefix_ + std::to_string(triggers_++);
        int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd >= 0) {
            close(fd);
        }
    }

    httplib::Result get(const char* path) {
        httplib::Client client("127.0.0.1", port_);
        return client.Get(path);
    }

    std::string dir_;
    std::string marker_prefix_;
    std::string rules_;
    std::unique_ptr<KestrelProcess> kestrel_;
    int port_ = 0;
    bool ready_ = false;
    int triggers_ = 0;
};

TEST_F(KestrelLive, HealthzVersionsAndMetricsEndpoints) {
    // Healthy once the engine runs (the server starts first and says 503 until then).
    int status = 0;
    for (int i = 0; i < 300 && status != 200; ++i) {
        auto res = get("/healthz");
        status = res ? res->status : 0;
        if (status == 200) {
            EXPECT_EQ(res->body, R"({"status": "ok"})");
            EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
        } else {
            std::this_thread::sleep_for(100ms);
        }
    }
    ASSERT_EQ(status, 200) << kestrel_->read_stderr();

    auto versions = get("/versions");
    ASSERT_TRUE(versions);
    EXPECT_EQ(versions->status, 200);
    json doc = json::parse(versions->body);
    EXPECT_EQ(doc["falco_version"], "0.44.1");
    EXPECT_TRUE(doc.contains("engine_version"));
    EXPECT_TRUE(doc.contains("libs_version"));

    auto metrics = get("/metrics");
    ASSERT_TRUE(metrics);
    ASSERT_EQ(metrics->status, 200) << metrics->body;
    EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4");
    EXPECT_NE(metrics->body.find("\nfalcosecurity_scap_n_evts_total "), std::string::npos);
    EXPECT_NE(metrics->body.find("falcosecurity_scap_engine_name_info{engine_name=\"modern_bpf\""),
              std::string::npos);
    expect_promtool_accepts(metrics->body, dir_);
}

TEST_F(KestrelLive, PrometheusSeesEventsIncreaseAndLabelledRuleMatches) {
    PrometheusServer prometheus({{"127.0.0.1:" + std::to_string(port_)}});
    ASSERT_TRUE(prometheus.wait_ready()) << prometheus.log();

    double first_evts = -1;
    double last_evts = -1;
    json rule_series;
    for (int i = 0; i < 1200 && (last_evts <= first_evts || rule_series.is_null()); ++i) {
        trigger();
        if (auto evts = prometheus.query("falcosecurity_scap_n_evts_total");
            evts && !evts->empty()) {
            double value = sample_value((*evts)[0]);
            if (first_evts < 0) {
                first_evts = value;
            }
            last_evts = value;
        }
        if (auto rules = prometheus.query(std::string("falcosecurity_falco_rules_matches_total{"
                                                      "rule_name=\"") +
                                          kRuleName + "\"}");
            rules && !rules->empty()) {
            rule_series = (*rules)[0];
        }
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_GE(first_evts, 0) << "Prometheus never stored falcosecurity_scap_n_evts_total\n"
                             << prometheus.log() << kestrel_->read_stderr();
    EXPECT_GT(last_evts, first_evts);
    ASSERT_FALSE(rule_series.is_null()) << "no rule counter in Prometheus\n"
                                        << kestrel_->read_stderr();
    // Falco's labels: rule_name, priority as its number (Warning = 4), source, tag_<tag>.
    const json& labels = rule_series["metric"];
    EXPECT_EQ(labels["rule_name"], kRuleName);
    EXPECT_EQ(labels["priority"], "4");
    EXPECT_EQ(labels["source"], "syscall");
    EXPECT_EQ(labels["tag_filesystem"], "true");
    EXPECT_EQ(labels["tag_kestrel_e2e"], "true");
    EXPECT_GE(sample_value(rule_series), 1);

    auto up = prometheus.query("up");
    ASSERT_TRUE(up && !up->empty());
    EXPECT_EQ((*up)[0]["value"][1], "1");
}

TEST_F(KestrelLive, EveryMetricTheGrafanaDashboardQueriesExists) {
    json dashboard = load_dashboard();
    std::set<std::string> wanted = dashboard_metric_names(dashboard);
    ASSERT_GT(wanted.size(), 10u);

    // Rule counters exist once a rule matched: trigger until the exposition has them all.
    std::set<std::string> missing = wanted;
    std::string body;
    for (int i = 0; i < 300 && !missing.empty(); ++i) {
        trigger();
        auto res = get("/metrics");
        if (res && res->status == 200) {
            body = res->body;
            std::set<std::string> have = declared_families(body);
            missing.clear();
            for (const std::string& name : wanted) {
                if (have.count(name) == 0) {
                    missing.insert(name);
                }
            }
        }
        std::this_thread::sleep_for(100ms);
    }
    for (const std::string& name : missing) {
        ADD_FAILURE() << "the dashboard queries " << name << ", absent from Kestrel's /metrics";
    }
}

TEST(KestrelTls, ServesItsEndpointsOverHttpsFromTheConfiguredPem) {
    std::string dir = temp_dir("prom-kestrel-tls");
    ASSERT_FALSE(dir.empty());
    ASSERT_TRUE(make_certificate(dir));
    std::string rules = dir + "/rules.yaml";
    std::ofstream(rules) << "- rule: never\n  desc: d\n  condition: evt.type=openat and "
                            "fd.name=/nonexistent/kestrel\n  output: o\n  priority: DEBUG\n";
    int port = 0;
    {
        KestrelProcess kestrel({"-r", rules, "-o", "engine.kind=modern_ebpf", "-o",
                                "engine.modern_ebpf.cpus_for_each_buffer=1", "-o",
                                "metrics.enabled=true", "-o",
                                "webserver.prometheus_metrics_enabled=true", "-o",
                                "webserver.listen_port=0", "-o", "webserver.ssl_enabled=true", "-o",
                                "webserver.ssl_certificate=" + dir + "/falco.pem"});
        ASSERT_TRUE(kestrel.started());
        static const std::regex listening(R"(webserver: listening on https://127\.0\.0\.1:(\d+))");
        for (int i = 0; i < 600 && port == 0; ++i) {
            std::smatch m;
            std::string err = kestrel.read_stderr();
            if (std::regex_search(err, m, listening)) {
                port = std::stoi(m[1]);
            } else {
                std::this_thread::sleep_for(100ms);
            }
        }
        ASSERT_NE(port, 0) << kestrel.read_stderr();
        httplib::SSLClient client("127.0.0.1", port);
        client.set_ca_cert_path((dir + "/cert.pem").c_str());
        client.enable_server_certificate_verification(true);
        int status = 0;
        for (int i = 0; i < 300 && status != 200; ++i) {
            auto res = client.Get("/healthz");
            status = res ? res->status : 0;
            if (status != 200) {
                std::this_thread::sleep_for(100ms);
            }
        }
        EXPECT_EQ(status, 200) << kestrel.read_stderr();
        auto metrics = client.Get("/metrics");
        ASSERT_TRUE(metrics);
        EXPECT_EQ(metrics->status, 200);
        EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4");
    }
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace kestrel::e2e
