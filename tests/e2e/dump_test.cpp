// `kestrel --dump` live: `cat /etc/hostname` shows up as an openat with the right pid, the
// resolved path and a valid fd; every line is one JSON event.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <sstream>
#include <thread>

#include "kestrel_process.hpp"

namespace kestrel::e2e {
namespace {

using nlohmann::json;

std::vector<json> parse_lines(const std::string& text, size_t* malformed) {
    std::vector<json> events;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded()) {
            ++*malformed;
            continue;
        }
        events.push_back(std::move(parsed));
    }
    return events;
}

const json* find_open_of(const std::vector<json>& events, pid_t pid, const std::string& path) {
    for (const json& event : events) {
        if (event.value("evt.type", "") == "openat" && event.value("pid", -1) == pid &&
            event["params"].value("name", "") == path) {
            return &event;
        }
    }
    return nullptr;
}

TEST(Dump, CatEtcHostnameIsAnOpenatWithPidPathAndFd) {
    KestrelProcess kestrel({"--dump", "-o", "engine.modern_ebpf.cpus_for_each_buffer=1"});
    ASSERT_TRUE(kestrel.started());

    // The probe needs a moment to load and attach; repeat the trigger until it is seen. The
    // bound only guards against a hang: a healthy run sees the first or second cat.
    pid_t seen_pid = -1;
    const json* seen = nullptr;
    std::vector<json> events;
    size_t malformed = 0;
    for (int attempt = 0; attempt < 100 && seen == nullptr; ++attempt) {
        pid_t cat = run_program({"cat", "/etc/hostname"});
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        malformed = 0;
        events = parse_lines(kestrel.read_stdout(), &malformed);
        seen = find_open_of(events, cat, "/etc/hostname");
        seen_pid = cat;
    }
    std::string stderr_text = kestrel.read_stderr();
    ASSERT_NE(seen, nullptr) << "no openat of /etc/hostname seen; kestrel stderr:\n" << stderr_text;
    EXPECT_EQ(malformed, 0u);
    const json& event = *seen;
    EXPECT_EQ(event["tid"], seen_pid);
    EXPECT_EQ(event["comm"], "cat");
    EXPECT_GE(event["params"]["fd"].get<int64_t>(), 0);
    EXPECT_TRUE(event.contains("time"));
    EXPECT_TRUE(event.contains("cpu"));

    // Kestrel's own syscalls never appear: it writes its output and reads the rings itself.
    int status = kestrel.stop();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
    events = parse_lines(kestrel.read_stdout(), &malformed);
    for (const json& e : events) {
        EXPECT_NE(e.value("comm", ""), "kestrel") << e.dump();
    }
}

} // namespace
} // namespace kestrel::e2e
