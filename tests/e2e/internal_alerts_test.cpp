// Falco's internal messages reach every output, as rule alerts do (falco_outputs::handle_msg
// pushes them to the same queue): the real kestrel, live, with metrics.interval=1s and
// syscall_event_drops.simulate_drops (one drop added per check: a drop alert every second
// without stressing the host). The `Falco internal: metrics snapshot` and `Falco internal:
// syscall event drop` alerts arrive at a cpp-httplib receiver (http_output), in the file a
// keep-alive program appends to (program_output), as datagrams on a private syslog socket
// with their own severity (syslog_output), and on stdout. `priority: warning` is set on
// purpose: like Falco, it selects rules, it does not silence the Debug drop alert.
// Deadlines only guard against hangs; nothing asserts how fast anything is.

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "kestrel_process.hpp"

namespace kestrel::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kSnapshotRule = "Falco internal: metrics snapshot";
constexpr std::string_view kDropRule = "Falco internal: syscall event drop";

// The first JSON document among `texts` whose rule is `rule` (null if none).
json find_rule(const std::vector<std::string>& texts, std::string_view rule) {
    for (const std::string& text : texts) {
        json doc = json::parse(text, nullptr, false);
        if (doc.is_object() && doc.value("rule", "") == rule) {
            return doc;
        }
    }
    return nullptr;
}

// Records every POST body on 127.0.0.1 (any free port).
class HttpReceiver {
  public:
    HttpReceiver() {
        server_.Post("/alerts", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mu_);
            bodies_.push_back(req.body);
            content_types_.push_back(req.get_header_value("Content-Type"));
            res.status = 200;
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running()) {
            std::this_thread::yield();
        }
    }
    ~HttpReceiver() {
        server_.stop();
        thread_.join();
    }
    [[nodiscard]] int port() const { return port_; }
    std::vector<std::string> bodies() const {
        std::lock_guard lock(mu_);
        return bodies_;
    }
    std::vector<std::string> content_types() const {
        std::lock_guard lock(mu_);
        return content_types_;
    }

  private:
    httplib::Server server_;
    std::thread thread_;
    int port_ = -1;
    mutable std::mutex mu_;
    std::vector<std::string> bodies_;
    std::vector<std::string> content_types_;
};

// A datagram socket standing in for /dev/log: keeps every message it receives.
class SyslogReceiver {
  public:
    explicit SyslogReceiver(std::string path) : path_(std::move(path)) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        path_.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
        bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
        timeval tv{0, 100000}; // the reader checks for stop every 100 ms
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        thread_ = std::thread([this] {
            std::string buf(65536, '\0');
            while (!stop_.load()) {
                ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
                if (n > 0) {
                    std::lock_guard lock(mu_);
                    messages_.emplace_back(buf.data(), static_cast<size_t>(n));
                }
            }
        });
    }
    ~SyslogReceiver() {
        stop_.store(true);
        thread_.join();
        ::close(fd_);
    }
    [[nodiscard]] bool bound() const { return bound_; }
    std::vector<std::string> messages() const {
        std::lock_guard lock(mu_);
        return messages_;
    }
    // The message carrying `rule`, or "".
    std::string find(std::string_view rule) const {
        for (const std::string& m : messages()) {
            if (m.find(rule) != std::string::npos) {
                return m;
            }
        }
        return {};
    }

  private:
    std::string path_;
    int fd_ = -1;
    bool bound_ = false;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mu_;
    std::vector<std::string> messages_;
};

// The part of a syslog datagram after "ident[pid]: ": the alert line.
std::string syslog_payload(const std::string& message) {
    size_t colon = message.find("]: ");
    return colon == std::string::npos ? std::string() : message.substr(colon + 3);
}

TEST(InternalAlertsE2E, SnapshotAndDropAlertsReachEveryOutput) {
    std::string tmpl = (fs::temp_directory_path() / "kestrel-e2e-internal-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    const std::string dir = tmpl;
    const std::string rules = dir + "/rules.yaml";
    std::ofstream(rules) << "- rule: never\n"
                            "  desc: matches nothing, only internal messages are expected\n"
                            "  condition: evt.type = open and proc.name = kestrel-no-such-proc\n"
                            "  output: \"never %proc.name\"\n"
                            "  priority: WARNING\n";
    const std::string program_out = dir + "/program.out";
    HttpReceiver http;
    SyslogReceiver syslog(dir + "/log.sock");
    ASSERT_TRUE(syslog.bound());

    KestrelProcess kestrel(
        {"-r", rules,
         "-o", "priority=warning",
         "-o", "json_output=true",
         "-o", "webserver.enabled=false",
         "-o", "metrics.enabled=true",
         "-o", "metrics.interval=1s",
         "-o", "metrics.output_rule=true",
         "-o", "syscall_event_drops.simulate_drops=true",
         "-o", "syscall_event_drops.actions=[alert]",
         "-o", "syscall_event_drops.rate=1",
         "-o", "http_output.enabled=true",
         "-o", "http_output.url=http://127.0.0.1:" + std::to_string(http.port()) + "/alerts",
         "-o", "http_output.spool_dir=" + dir + "/spool",
         "-o", "program_output.enabled=true",
         "-o", "program_output.keep_alive=true",
         "-o", "program_output.program=cat >> " + program_out,
         "-o", "syslog_output.enabled=true",
         "-o", "syslog_output.socket_path=" + dir + "/log.sock"});
    ASSERT_TRUE(kestrel.started());
    ASSERT_TRUE(poll_until([&] {
        return kestrel.read_stderr().find("live: watching the host") != std::string::npos;
    })) << kestrel.read_stderr();

    auto everywhere = [&] {
        std::vector<std::string> program_lines = split_lines(read_file(program_out));
        std::vector<std::string> bodies = http.bodies();
        return !find_rule(bodies, kSnapshotRule).is_null() &&
               !find_rule(bodies, kDropRule).is_null() &&
               !find_rule(program_lines, kSnapshotRule).is_null() &&
               !find_rule(program_lines, kDropRule).is_null() &&
               !syslog.find(kSnapshotRule).empty() && !syslog.find(kDropRule).empty();
    };
    const bool arrived = poll_until(everywhere);
    ASSERT_EQ(kestrel.stop(), 0) << kestrel.read_stderr();
    ASSERT_TRUE(arrived) << kestrel.read_stderr();

    // http_output: Falco's internal JSON, posted as application/json.
    std::vector<std::string> bodies = http.bodies();
    json snapshot = find_rule(bodies, kSnapshotRule);
    EXPECT_EQ(snapshot["source"], "internal");
    EXPECT_EQ(snapshot["priority"], "Informational");
    EXPECT_EQ(snapshot["output"], "Falco metrics snapshot");
    EXPECT_FALSE(snapshot.contains("tags"));
    EXPECT_TRUE(snapshot["output_fields"].contains("falco.num_evts"));
    EXPECT_TRUE(snapshot["output_fields"].contains("scap.engine_name"));
    json drop = find_rule(bodies, kDropRule);
    EXPECT_EQ(drop["source"], "internal");
    EXPECT_EQ(drop["priority"], "Debug");
    EXPECT_EQ(drop["output_fields"]["ebpf_enabled"], "1");
    EXPECT_GE(std::stoull(drop["output_fields"]["n_drops"].get<std::string>()), 1u);
    for (const std::string& type : http.content_types()) {
        EXPECT_EQ(type, "application/json");
    }

    // program_output: the same lines on the program's stdin.
    std::vector<std::string> program_lines = split_lines(read_file(program_out));
    EXPECT_EQ(find_rule(program_lines, kSnapshotRule)["priority"], "Informational");
    EXPECT_EQ(find_rule(program_lines, kDropRule)["priority"], "Debug");

    // syslog_output: facility user (1), severity = the message's priority: <14> Informational,
    // <15> Debug; the payload is the same JSON line.
    std::string snapshot_msg = syslog.find(kSnapshotRule);
    std::string drop_msg = syslog.find(kDropRule);
    EXPECT_EQ(snapshot_msg.substr(0, 4), "<14>") << snapshot_msg.substr(0, 80);
    EXPECT_EQ(drop_msg.substr(0, 4), "<15>") << drop_msg.substr(0, 80);
    EXPECT_EQ(json::parse(syslog_payload(drop_msg), nullptr, false).value("source", ""),
              "internal");

    // stdout (enabled by default) has them too, and the outputs delivered every one.
    std::vector<std::string> out_lines = split_lines(kestrel.read_stdout());
    EXPECT_FALSE(find_rule(out_lines, kSnapshotRule).is_null());
    EXPECT_FALSE(find_rule(out_lines, kDropRule).is_null());
    EXPECT_NE(kestrel.read_stderr().find("0 dropped with the queue full"), std::string::npos)
        << kestrel.read_stderr();
    fs::remove_all(dir);
}

} // namespace
} // namespace kestrel::e2e
