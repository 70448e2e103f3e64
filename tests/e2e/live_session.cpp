#include "live_session.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

namespace kestrel::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Bounds on waits: they only guard against a hang, a healthy run finishes far sooner.
constexpr int kReadyPolls = 600; // x 50 ms
constexpr int kAlertPolls = 400; // x 50 ms
constexpr auto kPoll = std::chrono::milliseconds(50);
constexpr const char* kReadyLine = "live: watching the host";

std::vector<json> parse_alerts(const std::string& text) {
    std::vector<json> alerts;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (!parsed.is_discarded() && parsed.is_object() && parsed.contains("rule")) {
            alerts.push_back(std::move(parsed));
        }
    }
    return alerts;
}

bool carries(const json& alert, const std::string& token) {
    return alert.value("output", std::string()).find(token) != std::string::npos;
}

} // namespace

std::string unique_token(const std::string& tag) {
    static int counter = 0;
    return "kestrel-e2e-" + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

ScratchDir::ScratchDir(const std::string& token) : path_("/tmp/" + token) {
    fs::create_directories(path_);
    fs::permissions(path_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
}

ScratchDir::~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::string ScratchDir::trigger_as(const std::string& name) const {
    std::string target = path_ + "/" + name;
    fs::copy_file(trigger_path(), target, fs::copy_options::overwrite_existing);
    fs::permissions(target, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);
    return target;
}

std::string trigger_path() { return KESTREL_TRIGGER_PATH; }

LiveSession::LiveSession(std::vector<std::string> args) {
    args.push_back("-o");
    args.push_back("json_output=true");
    // No listening port: other Kestrels (other tests, a user's) may hold the default one.
    args.push_back("-o");
    args.push_back("webserver.enabled=false");
    kestrel_ = std::make_unique<KestrelProcess>(args);
    for (int i = 0; i < kReadyPolls && kestrel_->started(); ++i) {
        if (kestrel_->read_stderr().find(kReadyLine) != std::string::npos) {
            ready_ = true;
            return;
        }
        std::this_thread::sleep_for(kPoll);
    }
}

std::vector<json> LiveSession::matching(const std::string& rule, const std::string& token) const {
    std::vector<json> out;
    for (json& alert : parse_alerts(kestrel_->read_stdout())) {
        if (alert.value("rule", std::string()) == rule && carries(alert, token)) {
            out.push_back(std::move(alert));
        }
    }
    return out;
}

std::vector<json> LiveSession::alerts_for(const std::string& rule, const std::string& token) {
    for (int i = 0; i < kAlertPolls && exit_status_ < 0; ++i) {
        if (!matching(rule, token).empty()) {
            break;
        }
        std::this_thread::sleep_for(kPoll);
    }
    if (exit_status_ < 0) {
        exit_status_ = kestrel_->stop();
    }
    return matching(rule, token);
}

std::vector<json> LiveSession::stop_and_alerts(const std::string& token) {
    if (exit_status_ < 0) {
        exit_status_ = kestrel_->stop();
    }
    std::vector<json> out;
    for (json& alert : parse_alerts(kestrel_->read_stdout())) {
        if (carries(alert, token)) {
            out.push_back(std::move(alert));
        }
    }
    return out;
}

int run_trigger(const std::vector<std::string>& argv) {
    std::vector<std::string> copy = argv;
    std::vector<char*> raw;
    for (std::string& arg : copy) {
        raw.push_back(arg.data());
    }
    raw.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        int null_fd = open("/dev/null", O_RDWR);
        dup2(null_fd, STDIN_FILENO);
        dup2(null_fd, STDOUT_FILENO);
        execvp(raw[0], raw.data());
        _exit(127);
    }
    if (pid < 0) {
        return -1;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string field(const json& alert, const std::string& name) {
    auto fields = alert.find("output_fields");
    if (fields == alert.end() || !fields->contains(name)) {
        return "";
    }
    const json& value = (*fields)[name];
    if (value.is_string()) {
        return value.get<std::string>();
    }
    return value.is_null() ? "" : value.dump();
}

} // namespace kestrel::e2e
