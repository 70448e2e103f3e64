// HttpSink against a real HTTP(S) server on loopback: Falco's body and headers, compress_uploads,
// echo, connection reuse, retries, the spool through an outage (nothing lost, order kept, spool
// emptied), across a restart of the sink, its bound, shutdown, TLS verification and mTLS.
// The test thread plays the sink's worker: it calls deliver() one alert at a time.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "eval/alert.hpp"
#include "http_test_server.hpp"
#include "output/http_sink.hpp"

namespace kestrel::output {
namespace {

namespace fs = std::filesystem;
using testing::Post;
using testing::TestServer;
using testing::TlsFiles;

constexpr uint64_t kWall = 1717160711123456789ULL; // 2024-05-31T13:05:11.123456789Z

eval::Alert make_alert(int i) {
    static const auto rule =
        std::make_shared<eval::AlertRule>(eval::AlertRule{.name = "Test rule",
                                                          .source = "syscall",
                                                          .priority = rules::Priority::kWarning,
                                                          .tags = {"host", "test"},
                                                          .hostname = "node-1"});
    eval::Alert a;
    a.rule = rule;
    a.wall_ns = kWall + static_cast<uint64_t>(i);
    a.data = "alert " + std::to_string(i) + " proc.name=cat";
    a.message_len = static_cast<uint32_t>(a.data.size());
    return a;
}

// The line the daemon hands the sink: Falco's JSON (or text) rendering of the alert.
std::string line_of(const eval::Alert& a, bool json = true) {
    eval::OutputOptions o;
    o.json_output = json;
    o.hostname = "node-1";
    std::string out;
    if (json) {
        eval::append_alert_json(a, o, out);
    } else {
        eval::append_alert_text(a, o, out);
    }
    return out;
}

// Waits for a condition another thread (the sink's drainer, the server) makes true. The limit
// only turns a hang into a failure; nothing here measures speed.
template <typename Pred> bool eventually(Pred pred) {
    for (int i = 0; i < 6000; ++i) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pred();
}

class HttpSinkTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "kestrel-http-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        root_ = tmpl;
        spool_dir_ = root_ + "/spool";
    }
    void TearDown() override { fs::remove_all(root_); }

    HttpOptions options(const std::string& url) const {
        HttpOptions o;
        o.url = url;
        o.json_output = true;
        o.max_retries = 2;
        o.retry_backoff_ms = 5;
        o.retry_max_backoff_ms = 50;
        o.spool_dir = spool_dir_;
        return o;
    }

    static std::unique_ptr<HttpSink> make(HttpOptions o) {
        auto r = HttpSink::create(std::move(o));
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
        return r.ok() ? std::move(r).value() : nullptr;
    }

    [[nodiscard]] size_t spool_files() const {
        size_t n = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(spool_dir_)) {
            ++n;
        }
        return n;
    }

    // A loopback port nobody listens on (a server bound it, then went away).
    static int dead_port() {
        TestServer s;
        EXPECT_TRUE(s.start());
        const int port = s.port();
        s.stop();
        return port;
    }

    std::string root_;
    std::string spool_dir_;
};

TEST_F(HttpSinkTest, PostsFalcosJsonWithFalcosHeaders) {
    TestServer server;
    ASSERT_TRUE(server.start());
    auto sink = make(options(server.url()));
    ASSERT_TRUE(sink);
    EXPECT_EQ(sink->name(), "http");
    const auto alert = make_alert(1);
    const std::string line = line_of(alert);
    sink->deliver(alert, line);

    const auto posts = server.posts();
    ASSERT_EQ(posts.size(), 1U);
    EXPECT_EQ(posts[0].body, line);
    EXPECT_EQ(posts[0].content_type, "application/json");
    EXPECT_EQ(posts[0].user_agent, "falcosecurity/falco");
    EXPECT_EQ(posts[0].content_encoding, "");
    const auto json = nlohmann::json::parse(posts[0].body);
    EXPECT_EQ(json["rule"], "Test rule");
    EXPECT_EQ(json["priority"], "Warning");
    EXPECT_EQ(json["hostname"], "node-1");
    EXPECT_EQ(json["time"], "2024-05-31T13:05:11.123456790Z");
    EXPECT_EQ(json["tags"], nlohmann::json::array({"host", "test"}));

    EXPECT_EQ(sink->counters().delivered.load(), 1U);
    EXPECT_EQ(sink->counters().failed.load(), 0U);
    EXPECT_EQ(sink->counters().retried.load(), 0U);
    EXPECT_EQ(sink->counters().dropped.load(), 0U);
    EXPECT_EQ(spool_files(), 0U);
}

TEST_F(HttpSinkTest, TextOutputIsTextPlainAndTheUserAgentIsConfigurable) {
    TestServer server;
    ASSERT_TRUE(server.start());
    HttpOptions o = options("'" + server.url() + "'"); // quoted, as Falco allows
    o.json_output = false;
    o.user_agent = "kestrel-test/1";
    auto sink = make(o);
    ASSERT_TRUE(sink);
    const auto alert = make_alert(2);
    const std::string line = line_of(alert, false);
    sink->deliver(alert, line);
    const auto posts = server.posts();
    ASSERT_EQ(posts.size(), 1U);
    EXPECT_EQ(posts[0].body, line);
    EXPECT_EQ(posts[0].content_type, "text/plain");
    EXPECT_EQ(posts[0].user_agent, "kestrel-test/1");
}

// Falco's compress_uploads sets libcurl's CURLOPT_TRANSFER_ENCODING: the request asks for a
// compressed response (TE: gzip) and the body stays plain, so every receiver that worked with
// Falco's setting (falcosidekick included) keeps working.
TEST_F(HttpSinkTest, CompressUploadsAsksForACompressedResponseLikeFalco) {
    TestServer server;
    ASSERT_TRUE(server.start());
    HttpOptions o = options(server.url());
    o.compress_uploads = true;
    auto sink = make(o);
    ASSERT_TRUE(sink);
    const auto alert = make_alert(3);
    const std::string line = line_of(alert);
    sink->deliver(alert, line);
    const auto posts = server.posts();
    ASSERT_EQ(posts.size(), 1U);
    EXPECT_NE(posts[0].te.find("gzip"), std::string::npos) << posts[0].te;
    EXPECT_EQ(posts[0].content_encoding, "");
    EXPECT_EQ(posts[0].body, line);
    EXPECT_EQ(posts[0].content_length, std::to_string(line.size()));
}

TEST_F(HttpSinkTest, EchoPrintsTheResponseOnlyWhenAsked) {
    TestServer server;
    ASSERT_TRUE(server.start());
    const auto alert = make_alert(4);
    {
        auto sink = make(options(server.url()));
        ::testing::internal::CaptureStdout();
        sink->deliver(alert, line_of(alert));
        EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
    }
    HttpOptions o = options(server.url());
    o.echo = true;
    auto sink = make(o);
    ::testing::internal::CaptureStdout();
    sink->deliver(alert, line_of(alert));
    EXPECT_EQ(::testing::internal::GetCapturedStdout(), "{\"ack\":true}");
}

TEST_F(HttpSinkTest, KeepAliveReusesOneConnection) {
    TestServer server;
    ASSERT_TRUE(server.start());
    HttpOptions o = options(server.url());
    o.keep_alive = true;
    auto sink = make(o);
    for (int i = 0; i < 5; ++i) {
        const auto alert = make_alert(i);
        sink->deliver(alert, line_of(alert));
    }
    const auto posts = server.posts();
    ASSERT_EQ(posts.size(), 5U);
    for (const Post& p : posts) {
        EXPECT_EQ(p.remote_port, posts[0].remote_port);
    }
}

TEST_F(HttpSinkTest, BodyRejectedByTheServerIsDroppedAndCountedNotSpooled) {
    TestServer server;
    ASSERT_TRUE(server.start());
    server.respond_with(400);
    auto sink = make(options(server.url()));
    const auto a = make_alert(1);
    sink->deliver(a, line_of(a));
    EXPECT_EQ(server.posts().size(), 1U); // no retry: the same body would be refused again
    EXPECT_EQ(sink->counters().failed.load(), 1U);
    EXPECT_EQ(sink->counters().dropped.load(), 1U);
    EXPECT_EQ(sink->spooled(), 0U);
    server.respond_with(200);
    const auto b = make_alert(2);
    sink->deliver(b, line_of(b));
    EXPECT_EQ(sink->counters().delivered.load(), 1U);
}

TEST_F(HttpSinkTest, ServerErrorIsRetriedWithBackoffThenSpooledThenResent) {
    TestServer server;
    ASSERT_TRUE(server.start());
    server.respond_with(503);
    auto sink = make(options(server.url()));
    const auto a = make_alert(1);
    sink->deliver(a, line_of(a));
    // 1 attempt + max_retries (2), then the spool; the drainer keeps probing afterwards.
    EXPECT_GE(sink->counters().failed.load(), 3U);
    EXPECT_EQ(sink->counters().retried.load(), 1U);
    EXPECT_EQ(sink->counters().delivered.load(), 0U);
    server.respond_with(200);
    ASSERT_TRUE(eventually([&] { return sink->spooled() == 0; }));
    EXPECT_EQ(sink->counters().delivered.load(), 1U);
    EXPECT_EQ(sink->counters().retried.load(), 1U); // the same alert, not counted twice
    const auto posts = server.posts();
    ASSERT_GE(posts.size(), 4U);
    EXPECT_EQ(posts.back().body, line_of(a));
    EXPECT_EQ(spool_files(), 0U);
}

// The outage test: the endpoint goes away in the middle of a stream of alerts and comes
// back on the same port. Every alert arrives exactly once, in order; the spool empties.
TEST_F(HttpSinkTest, OutageLosesNothingKeepsOrderAndEmptiesTheSpool) {
    TestServer server;
    ASSERT_TRUE(server.start());
    const int port = server.port();
    auto sink = make(options(server.url()));
    std::vector<std::string> sent;
    auto send = [&](int from, int to) {
        for (int i = from; i < to; ++i) {
            const auto a = make_alert(i);
            sent.push_back(line_of(a));
            sink->deliver(a, sent.back());
        }
    };
    send(0, 20);
    server.stop();
    send(20, 60);
    EXPECT_EQ(sink->spooled(), 40U);
    EXPECT_GT(spool_files(), 0U);
    ASSERT_TRUE(server.start(port));
    send(60, 100); // they queue behind the spooled ones until the drainer catches up
    ASSERT_TRUE(eventually([&] { return server.posts().size() >= 100 && sink->spooled() == 0; }));

    EXPECT_EQ(server.bodies(), sent);
    EXPECT_EQ(sink->counters().delivered.load(), 100U);
    EXPECT_EQ(sink->counters().dropped.load(), 0U);
    EXPECT_GE(sink->counters().failed.load(), 3U);
    EXPECT_GE(sink->counters().retried.load(), 40U); // 20..59 at least went through the spool
    EXPECT_EQ(spool_files(), 0U);
}

TEST_F(HttpSinkTest, SpoolSurvivesASinkRestartAndGoesFirst) {
    const int port = dead_port();
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/alerts";
    std::vector<std::string> sent;
    {
        auto sink = make(options(url));
        for (int i = 0; i < 5; ++i) {
            const auto a = make_alert(i);
            sent.push_back(line_of(a));
            sink->deliver(a, sent.back());
        }
        EXPECT_EQ(sink->spooled(), 5U);
        sink->request_stop(); // shutdown: what is spooled stays for the next start
    }
    EXPECT_GT(spool_files(), 0U);
    TestServer server;
    ASSERT_TRUE(server.start(port));
    auto sink = make(options(url));
    const auto a = make_alert(5);
    sent.push_back(line_of(a));
    sink->deliver(a, sent.back());
    ASSERT_TRUE(eventually([&] { return server.posts().size() >= 6 && sink->spooled() == 0; }));
    EXPECT_EQ(server.bodies(), sent);
    EXPECT_EQ(spool_files(), 0U);
}

TEST_F(HttpSinkTest, ClosingWhileTheEndpointAnswersFinishesTheSpool) {
    TestServer server;
    ASSERT_TRUE(server.start());
    std::vector<std::string> left;
    {
        // What a previous run left behind.
        auto spool = Spool::open({.dir = spool_dir_, .max_bytes = 1 << 20});
        ASSERT_TRUE(spool.ok());
        for (int i = 0; i < 50; ++i) {
            left.push_back(line_of(make_alert(i)));
            ASSERT_EQ((*spool)->append(left.back()), Spool::AppendResult::kOk);
        }
    }
    make(options(server.url())).reset(); // closed at once: the drainer still has work
    EXPECT_EQ(server.bodies(), left);
    EXPECT_EQ(spool_files(), 0U);
}

TEST_F(HttpSinkTest, SpoolOverflowDropsAndCounts) {
    const int port = dead_port();
    HttpOptions o = options("http://127.0.0.1:" + std::to_string(port) + "/alerts");
    const auto a0 = make_alert(0);
    o.spool_max_bytes = 3 * (8 + line_of(a0).size()); // three records
    o.max_retries = 0;
    o.retry_backoff_ms = 60000; // the drainer stays quiet during the test
    auto sink = make(o);
    for (int i = 0; i < 10; ++i) {
        const auto a = make_alert(i);
        sink->deliver(a, line_of(a));
    }
    EXPECT_EQ(sink->spooled(), 3U);
    EXPECT_EQ(sink->counters().dropped.load(), 7U);
    EXPECT_EQ(sink->counters().delivered.load(), 0U);
}

TEST_F(HttpSinkTest, DeliverReturnsOnStopAndKeepsTheAlertInTheSpool) {
    const int port = dead_port();
    HttpOptions o = options("http://127.0.0.1:" + std::to_string(port) + "/alerts");
    o.max_retries = 100;
    o.retry_backoff_ms = 60000; // a deliver() stuck in backoff for a long time
    o.retry_max_backoff_ms = 60000;
    auto sink = make(o);
    const auto a = make_alert(1);
    std::thread worker([&] { sink->deliver(a, line_of(a)); });
    ASSERT_TRUE(eventually([&] { return sink->counters().failed.load() >= 1; }));
    sink->request_stop();
    worker.join(); // returns without waiting out the backoff
    EXPECT_EQ(sink->spooled(), 1U);
    // After stop, alerts go straight to the spool, no network attempt.
    const uint64_t failed = sink->counters().failed.load();
    const auto b = make_alert(2);
    sink->deliver(b, line_of(b));
    EXPECT_EQ(sink->spooled(), 2U);
    EXPECT_EQ(sink->counters().failed.load(), failed);
}

TEST_F(HttpSinkTest, ConfigurationErrorsNameTheKey) {
    HttpOptions o = options("");
    auto r = HttpSink::create(o);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().to_string().find("http_output.url"), std::string::npos);

    o = options("http://127.0.0.1:1/alerts");
    o.mtls = true;
    o.client_cert = root_ + "/missing.crt";
    r = HttpSink::create(o);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().to_string().find("http_output.client_cert"), std::string::npos);

    o = options("http://127.0.0.1:1/alerts");
    std::ofstream(root_ + "/file") << "x";
    o.spool_dir = root_ + "/file/spool";
    r = HttpSink::create(o);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().to_string().find("http_output.spool_dir"), std::string::npos);
}

class HttpSinkTlsTest : public HttpSinkTest {
  protected:
    void SetUp() override {
        HttpSinkTest::SetUp();
        fs::create_directories(root_ + "/tls");
        tls_ = testing::make_certs(root_ + "/tls");
        ASSERT_FALSE(tls_.ca_cert.empty()) << "openssl failed: see " << root_ << "/tls/openssl.log";
    }
    TlsFiles tls_;
};

TEST_F(HttpSinkTlsTest, VerifiesTheServerAgainstCaCert) {
    TestServer server(&tls_);
    ASSERT_TRUE(server.start());
    HttpOptions o = options(server.url());
    o.ca_cert = tls_.ca_cert;
    auto sink = make(o);
    const auto a = make_alert(1);
    sink->deliver(a, line_of(a));
    ASSERT_EQ(server.bodies(), std::vector<std::string>{line_of(a)});
    EXPECT_EQ(sink->counters().delivered.load(), 1U);
}

TEST_F(HttpSinkTlsTest, UnknownCaFailsUnlessInsecure) {
    TestServer server(&tls_);
    ASSERT_TRUE(server.start());
    fs::create_directories(root_ + "/empty-ca-dir");
    HttpOptions o = options(server.url());
    o.ca_path = root_ + "/empty-ca-dir"; // the test CA is in no trust store: verification fails
    o.max_retries = 0;
    o.retry_backoff_ms = 60000;
    auto sink = make(o);
    const auto a = make_alert(1);
    sink->deliver(a, line_of(a));
    EXPECT_TRUE(server.posts().empty());
    EXPECT_EQ(sink->counters().failed.load(), 1U);
    EXPECT_EQ(sink->spooled(), 1U);
    sink.reset();
    fs::remove_all(spool_dir_);

    o.insecure = true;
    auto insecure = make(o);
    insecure->deliver(a, line_of(a));
    EXPECT_EQ(server.posts().size(), 1U);
    EXPECT_EQ(insecure->counters().delivered.load(), 1U);
}

TEST_F(HttpSinkTlsTest, ClientCertificateAcceptedWhenPresentedRejectedAndSpooledWhenNot) {
    TestServer server(&tls_, /*require_client_cert=*/true);
    ASSERT_TRUE(server.start());
    HttpOptions o = options(server.url());
    o.ca_cert = tls_.ca_cert;
    o.max_retries = 0;
    o.retry_backoff_ms = 60000; // the drainer's first probe comes after the checks
    o.retry_max_backoff_ms = 60000;
    {
        // Without the client certificate the handshake is refused: failed, then spooled.
        auto sink = make(o);
        const auto a = make_alert(1);
        sink->deliver(a, line_of(a));
        EXPECT_TRUE(server.posts().empty());
        EXPECT_EQ(sink->counters().failed.load(), 1U);
        EXPECT_EQ(sink->counters().delivered.load(), 0U);
        EXPECT_EQ(sink->spooled(), 1U);
        sink->request_stop();
    }
    // With it (mtls), the spooled alert goes first, then the new one.
    o.mtls = true;
    o.client_cert = tls_.client_cert;
    o.client_key = tls_.client_key;
    o.retry_backoff_ms = 5;
    o.retry_max_backoff_ms = 50;
    auto sink = make(o);
    const auto b = make_alert(2);
    sink->deliver(b, line_of(b));
    ASSERT_TRUE(eventually([&] { return server.posts().size() >= 2 && sink->spooled() == 0; }));
    EXPECT_EQ(server.bodies(), (std::vector<std::string>{line_of(make_alert(1)), line_of(b)}));
    EXPECT_EQ(sink->counters().delivered.load(), 2U);
    EXPECT_EQ(spool_files(), 0U);
}

} // namespace
} // namespace kestrel::output
