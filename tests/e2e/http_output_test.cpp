// http_output end to end: `kestrel -e <capture>` with a rule matching every event posts each
// alert (Falco's JSON, as the same run prints it on stdout) to a cpp-httplib receiver on
// 127.0.0.1. The receiver goes away in the middle of the stream (it answers 503 from the outage
// point, then is stopped) and comes back on the same port once Kestrel has spooled: every alert
// arrives exactly once, in order, and the spool directory ends up empty.

#include <gtest/gtest.h>
#include <httplib.h>
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

#include "kestrel_process.hpp"

namespace kestrel::e2e {
namespace {

namespace fs = std::filesystem;

const std::string kCapture = std::string(KESTREL_SHARED_DIR) + "/corpus/scap/libs/curl_google.scap";
const std::string kEmpty = std::string(KESTREL_SHARED_DIR) + "/corpus/scap/falco/empty.scap";

// Records POST bodies until the outage point, then answers 503 without recording (as an
// endpoint failing under load would) until it is stopped.
class Receiver {
  public:
    explicit Receiver(size_t outage_after) : outage_after_(outage_after) {}
    ~Receiver() { stop(); }

    bool start(int port) {
        server_ = std::make_unique<httplib::Server>();
        server_->set_tcp_nodelay(true);
        server_->Post("/alerts", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mu_);
            if (outage_after_ != 0 && bodies_.size() >= outage_after_) {
                outage_.store(true);
                res.status = 503;
                return;
            }
            bodies_.push_back(req.body);
            content_types_.push_back(req.get_header_value("Content-Type"));
            res.status = 200;
        });
        port_ = port == 0 ? server_->bind_to_any_port("127.0.0.1")
                          : (server_->bind_to_port("127.0.0.1", port) ? port : -1);
        if (port_ <= 0) {
            return false;
        }
        thread_ = std::thread([this] { server_->listen_after_bind(); });
        while (!server_->is_running()) { // stop() is a no-op before the accept loop runs
            std::this_thread::yield();
        }
        return true;
    }
    void stop() {
        if (server_) {
            server_->stop();
            thread_.join();
            server_.reset();
        }
    }
    // Back from the outage: everything is accepted again.
    void end_outage() {
        std::lock_guard lock(mu_);
        outage_after_ = 0;
    }

    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] bool in_outage() const { return outage_.load(); }
    std::vector<std::string> bodies() const {
        std::lock_guard lock(mu_);
        return bodies_;
    }
    std::vector<std::string> content_types() const {
        std::lock_guard lock(mu_);
        return content_types_;
    }

  private:
    size_t outage_after_;
    std::atomic<bool> outage_{false};
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    int port_ = 0;
    mutable std::mutex mu_;
    std::vector<std::string> bodies_;
    std::vector<std::string> content_types_;
};

std::string write_rule(const std::string& dir) {
    const std::string path = dir + "/every_event.yaml";
    std::ofstream(path) << R"yaml(- rule: every_event
  desc: every event of the capture, so that the stream is long
  condition: evt.num > 0
  output: "event %evt.num %evt.type (command=%proc.cmdline)"
  priority: NOTICE
)yaml";
    return path;
}

// True once the process has exited (a zombie until wait_exit() reaps it), without reaping it.
bool kestrel_exited(const KestrelProcess& process) {
    std::ifstream stat("/proc/" + std::to_string(process.pid()) + "/stat");
    std::string pid;
    std::string comm;
    std::string state;
    stat >> pid >> comm >> state;
    return !stat || state == "Z";
}

bool spool_has_files(const std::string& dir) {
    std::error_code ec;
    return fs::is_directory(dir, ec) && !fs::is_empty(dir, ec);
}

class HttpOutputE2E : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "kestrel-e2e-http-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        root_ = tmpl;
        spool_ = root_ + "/spool";
        rule_ = write_rule(root_);
    }
    void TearDown() override { fs::remove_all(root_); }

    std::vector<std::string> args(const std::string& capture, int port) const {
        return {"-e", capture,
                "-r", rule_,
                "-o", "json_output=true",
                "-o", "stdout_output.enabled=false",
                "-o", "syslog_output.enabled=false",
                "-o", "http_output.enabled=true",
                "-o", "http_output.url=http://127.0.0.1:" + std::to_string(port) + "/alerts",
                "-o", "http_output.spool_dir=" + spool_,
                "-o", "http_output.retry_backoff_ms=50",
                "-o", "http_output.retry_max_backoff_ms=200"};
    }

    // The alerts as Kestrel renders them for this capture: the same run printing on stdout.
    std::vector<std::string> expected() const {
        Outcome ref =
            run_kestrel({"-e", kCapture, "-r", rule_, "-o", "json_output=true", "-o",
                         "stdout_output.enabled=true", "-o", "syslog_output.enabled=false"});
        EXPECT_EQ(ref.exit_code, 0) << ref.err;
        return split_lines(ref.out);
    }

    std::string root_;
    std::string spool_;
    std::string rule_;
};

TEST_F(HttpOutputE2E, EveryAlertPostedAsFalcoJson) {
    const std::vector<std::string> want = expected();
    ASSERT_GT(want.size(), 100U);
    Receiver rx(0);
    ASSERT_TRUE(rx.start(0));
    Outcome run = run_kestrel(args(kCapture, rx.port()));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(rx.bodies(), want);
    for (const std::string& ct : rx.content_types()) {
        ASSERT_EQ(ct, "application/json");
    }
    EXPECT_FALSE(spool_has_files(spool_));
}

TEST_F(HttpOutputE2E, OutageDuringAReplayLosesNothingAndEmptiesTheSpool) {
    const std::vector<std::string> want = expected();
    ASSERT_GT(want.size(), 100U);
    Receiver rx(50); // the endpoint fails from the 51st alert on
    ASSERT_TRUE(rx.start(0));
    const int port = rx.port();

    KestrelProcess kestrel(args(kCapture, port));
    ASSERT_TRUE(kestrel.started());
    // The outage: once the endpoint fails, it goes away entirely until Kestrel has spooled.
    while (!rx.in_outage() && !kestrel_exited(kestrel)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(rx.in_outage()) << kestrel.read_stderr();
    rx.stop();
    while (!spool_has_files(spool_) && !kestrel_exited(kestrel)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    Receiver back(0);
    ASSERT_TRUE(back.start(port));
    ASSERT_EQ(kestrel.wait_exit(), 0) << kestrel.read_stderr();

    std::vector<std::string> got = rx.bodies();
    if (spool_has_files(spool_)) {
        // Kestrel ended before it could re-send everything: the next start sends the rest first
        // (a capture without alerts, so only the spool goes out).
        Outcome next = run_kestrel(args(kEmpty, port));
        ASSERT_EQ(next.exit_code, 0) << next.err;
    }
    for (const std::string& body : back.bodies()) {
        got.push_back(body);
    }
    ASSERT_EQ(got.size(), want.size()) << kestrel.read_stderr();
    EXPECT_EQ(got, want);
    EXPECT_FALSE(spool_has_files(spool_));
    // The summary line counts the alerts that needed the spool.
    EXPECT_NE(kestrel.read_stderr().find("output http:"), std::string::npos);
}

} // namespace
} // namespace kestrel::e2e
