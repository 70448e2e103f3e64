// The daemon's internal messages through the real outputs (no probe needed): EngineMetrics with
// metrics.interval=100ms posts each `Falco internal: metrics snapshot` alert to every configured
// sink, here an http_output (a cpp-httplib receiver on 127.0.0.1), a keep-alive program_output
// appending to a file and a syslog_output on a private datagram socket. The drop alert takes
// the same path (tests/e2e/internal_alerts_test.cpp covers it live).
// Deadlines only guard against hangs.

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
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/engine_metrics.hpp"
#include "daemon/outputs.hpp"

namespace kestrel::daemon {
namespace {

namespace fs = std::filesystem;

template <typename F> bool eventually(F done) {
    for (int i = 0; i < 2000; ++i) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool is_snapshot(const std::string& text) {
    auto doc = nlohmann::json::parse(text, nullptr, false);
    return doc.is_object() && doc.value("rule", "") == "Falco internal: metrics snapshot" &&
           doc.value("source", "") == "internal" && doc.value("priority", "") == "Informational";
}

TEST(EngineMetricsTest, SnapshotAlertsReachHttpProgramAndSyslogOutputs) {
    std::string tmpl = (fs::temp_directory_path() / "kestrel-internal-outputs-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    const std::string dir = tmpl;

    // http_output's receiver.
    httplib::Server http;
    std::mutex mu;
    std::vector<std::string> bodies;
    http.Post("/alerts", [&](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mu);
        bodies.push_back(req.body);
        res.status = 200;
    });
    http.set_keep_alive_timeout(1); // stop() waits for the idle keep-alive connection
    const int port = http.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port, 0);
    std::thread http_thread([&] { http.listen_after_bind(); });
    // syslog_output's socket.
    const std::string sock_path = dir + "/log.sock";
    int sock = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    sock_path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
    ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    std::vector<std::string> datagrams;
    auto receive = [&] {
        char buf[65536];
        ssize_t n = 0;
        while ((n = ::recv(sock, buf, sizeof(buf), 0)) > 0) {
            datagrams.emplace_back(buf, static_cast<size_t>(n));
        }
    };

    Config config;
    config.json_output = true;
    config.metrics.enabled = true;
    config.metrics.interval_ms = 100;
    config.metrics.output_rule = true;
    config.outputs.stdout_enabled = false;
    config.outputs.syslog_enabled = true;
    config.outputs.syslog_socket = sock_path;
    config.outputs.program_enabled = true;
    config.outputs.program_keep_alive = true;
    config.outputs.program = "cat >> " + dir + "/program.out";
    config.outputs.http_enabled = true;
    config.outputs.http.url = "http://127.0.0.1:" + std::to_string(port) + "/alerts";
    config.outputs.http.json_output = true;
    config.outputs.http.spool_dir = dir + "/spool";
    eval::OutputOptions format;
    format.json_output = true;
    auto outputs = start_outputs(config, RunOptions{}, format);
    ASSERT_TRUE(outputs.ok()) << outputs.error().to_string();
    {
        EngineMetrics metrics(config, nullptr);
        metrics.watch_outputs(**outputs);
        ASSERT_TRUE(metrics.start().ok());
        const bool arrived = eventually([&] {
            receive();
            std::lock_guard lock(mu);
            return !bodies.empty() && !datagrams.empty() &&
                   slurp(dir + "/program.out").find('\n') != std::string::npos;
        });
        metrics.stop();
        EXPECT_TRUE(arrived);
        EXPECT_GE(metrics.internal_outputs().posted(), 1u);
        EXPECT_EQ(metrics.internal_outputs().dropped(), 0u);
    }
    stop_outputs(**outputs);
    receive();
    http.stop();
    http_thread.join();
    ::close(sock);

    ASSERT_FALSE(bodies.empty());
    EXPECT_TRUE(is_snapshot(bodies.front())) << bodies.front();
    std::string program_line = slurp(dir + "/program.out");
    program_line = program_line.substr(0, program_line.find('\n'));
    EXPECT_TRUE(is_snapshot(program_line)) << program_line;
    ASSERT_FALSE(datagrams.empty());
    // Facility user (1), severity Informational (6): <14>; the JSON line after "ident[pid]: ".
    EXPECT_EQ(datagrams.front().substr(0, 4), "<14>") << datagrams.front().substr(0, 80);
    const size_t colon = datagrams.front().find("]: ");
    ASSERT_NE(colon, std::string::npos);
    EXPECT_TRUE(is_snapshot(datagrams.front().substr(colon + 3)));
    // Internal messages are not events: the outputs' event latency histograms leave them out.
    for (size_t i = 0; i < (*outputs)->sink_count(); ++i) {
        EXPECT_EQ((*outputs)->sink(i).latency().snapshot().count, 0u);
        EXPECT_GE((*outputs)->sink(i).counters().delivered.load(), 1u);
    }
    fs::remove_all(dir);
}

} // namespace
} // namespace kestrel::daemon
