// The HTTP sink behind the real alert queue (output::Outputs: hot-path queue, dispatcher, the
// sink's worker rendering Falco's JSON): an outage in the middle of a stream loses nothing and
// keeps order; a shutdown during an outage leaves the undelivered alerts in the spool, and the
// next start sends them first.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "http_test_server.hpp"
#include "output/http_sink.hpp"
#include "output/outputs.hpp"
#include "test_alerts.hpp"

namespace kestrel::output {
namespace {

namespace fs = std::filesystem;
using testing::TestServer;

constexpr uint64_t kWall = 1717160711123456789ULL;

template <typename Pred> bool eventually(Pred pred) {
    for (int i = 0; i < 6000; ++i) { // a hang becomes a failure; no speed is measured
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pred();
}

class HttpOutputsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "kestrel-http-outputs-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        root_ = tmpl;
    }
    void TearDown() override { fs::remove_all(root_); }

    std::unique_ptr<Outputs> start(const std::string& url, uint32_t backoff_ms = 5) {
        HttpOptions o;
        o.url = url;
        o.json_output = true;
        o.max_retries = 2;
        o.retry_backoff_ms = backoff_ms;
        o.retry_max_backoff_ms = std::max<uint32_t>(backoff_ms, 50);
        o.spool_dir = root_ + "/spool";
        auto sink = HttpSink::create(o);
        EXPECT_TRUE(sink.ok()) << (sink.ok() ? "" : sink.error().to_string());
        std::vector<std::unique_ptr<Sink>> sinks;
        sinks.push_back(std::move(*sink));
        OutputsOptions options;
        options.capacity = 1024;
        options.format.json_output = true;
        options.format.hostname = "node-1";
        options.drain_budget = std::chrono::milliseconds(200);
        return std::make_unique<Outputs>(std::move(sinks), options);
    }

    static const HttpSink& http(const Outputs& outputs) {
        return dynamic_cast<const HttpSink&>(outputs.sink(0));
    }

    // The hot path's side: claim a slot, render the alert into it, commit.
    void raise(Outputs& outputs, int from, int to) {
        for (int i = from; i < to; ++i) {
            eval::Alert* slot = outputs.claim();
            ASSERT_NE(slot, nullptr);
            testing::fill_alert(*slot, rule_, "alert " + std::to_string(i),
                                kWall + static_cast<uint64_t>(i));
            outputs.commit();
        }
    }

    // The alert numbers the receiver got, in arrival order.
    static std::vector<int> numbers(const TestServer& server) {
        std::vector<int> out;
        for (const std::string& body : server.bodies()) {
            const auto json = nlohmann::json::parse(body);
            EXPECT_EQ(json["rule"], "test rule");
            const std::string output = json["output"];
            out.push_back(std::stoi(output.substr(output.rfind(' ') + 1)));
        }
        return out;
    }

    static std::vector<int> range(int n) {
        std::vector<int> v(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
            v[static_cast<size_t>(i)] = i;
        }
        return v;
    }

    std::string root_;
    std::shared_ptr<const eval::AlertRule> rule_ = testing::test_rule(rules::Priority::kWarning);
};

TEST_F(HttpOutputsTest, OutageInTheMiddleOfAStreamLosesNothingAndKeepsOrder) {
    TestServer server;
    ASSERT_TRUE(server.start());
    const int port = server.port();
    auto outputs = start(server.url());
    raise(*outputs, 0, 30);
    ASSERT_TRUE(eventually([&] { return server.posts().size() == 30; }));
    server.stop();
    raise(*outputs, 30, 70);
    ASSERT_TRUE(eventually([&] { return http(*outputs).spooled() == 40; }));
    ASSERT_TRUE(server.start(port));
    raise(*outputs, 70, 100);
    ASSERT_TRUE(
        eventually([&] { return server.posts().size() >= 100 && http(*outputs).spooled() == 0; }));
    const ShutdownReport report = outputs->shutdown();
    EXPECT_TRUE(report.drained);

    EXPECT_EQ(numbers(server), range(100));
    const SinkCounters& c = http(*outputs).counters();
    EXPECT_EQ(c.delivered.load(), 100U);
    EXPECT_EQ(c.dropped.load(), 0U);
    EXPECT_GE(c.retried.load(), 40U);
    EXPECT_EQ(outputs->queue_drops(), 0U);
    EXPECT_TRUE(fs::is_empty(root_ + "/spool"));
}

TEST_F(HttpOutputsTest, ShutdownDuringAnOutageKeepsTheAlertsForTheNextStart) {
    TestServer server;
    ASSERT_TRUE(server.start());
    const int port = server.port();
    const std::string url = server.url();
    server.stop();
    {
        // A long backoff: the first alert's retries outlast the drain budget, so shutdown has
        // to stop the sink; deliver() then returns at once and keeps everything in the spool.
        auto outputs = start(url, 60000);
        raise(*outputs, 0, 20);
        ASSERT_TRUE(eventually([&] { return http(*outputs).counters().failed.load() >= 1; }));
        const ShutdownReport report = outputs->shutdown();
        EXPECT_EQ(report.abandoned_sinks, 0U);
        const HttpSink& sink = http(*outputs);
        // Whatever the worker had not handed over yet is counted as dropped by it.
        EXPECT_EQ(sink.spooled() + sink.counters().dropped.load(), 20U);
        EXPECT_GE(sink.spooled(), 1U);
        EXPECT_EQ(sink.counters().delivered.load(), 0U);
    }
    ASSERT_TRUE(server.start(port));
    auto outputs = start(url);
    raise(*outputs, 100, 105);
    ASSERT_TRUE(eventually([&] {
        return http(*outputs).spooled() == 0 && http(*outputs).counters().delivered.load() >= 5;
    }));
    outputs->shutdown();
    const std::vector<int> got = numbers(server);
    ASSERT_GE(got.size(), 6U);
    // The spooled ones first (0, 1, ... in order), then the new ones.
    for (size_t i = 0; i + 5 < got.size(); ++i) {
        EXPECT_EQ(got[i], static_cast<int>(i));
    }
    EXPECT_EQ(std::vector<int>(got.end() - 5, got.end()),
              (std::vector<int>{100, 101, 102, 103, 104}));
    EXPECT_TRUE(fs::is_empty(root_ + "/spool"));
}

} // namespace
} // namespace kestrel::output
