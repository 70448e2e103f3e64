#pragma once
// Live e2e harness: Kestrel running on this host with a ruleset and JSON output, and the trigger
// program (triggers/kestrel_trigger.c) that performs one behaviour per call. A test starts a
// session, waits for Kestrel's "watching the host" line, triggers, waits until the expected alert
// shows, stops Kestrel (which drains its rings: every event of the finished trigger is then
// evaluated) and checks the alerts that carry its unique token.

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kestrel_process.hpp"

namespace kestrel::e2e {

// A token unique to this test run, to find the trigger's alerts among the host's.
std::string unique_token(const std::string& tag);

// A scratch directory (mode 0755, so that other users can run what is copied there), removed
// with everything in it when the object goes.
class ScratchDir {
  public:
    explicit ScratchDir(const std::string& token);
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }
    // Copies the trigger program into the directory under `name` (mode 0755); returns its path.
    // A copy, not a symlink: the process's comm and exe path both carry the name, as with
    // event-generator's SpawnAs.
    [[nodiscard]] std::string trigger_as(const std::string& name) const;

  private:
    std::string path_;
};

// The trigger program's path in the build tree.
std::string trigger_path();

class LiveSession {
  public:
    // Starts `kestrel <args> -o json_output=true` and waits (bounded) for the ready line.
    explicit LiveSession(std::vector<std::string> args);

    [[nodiscard]] bool ready() const { return ready_; }
    [[nodiscard]] std::string stderr_text() const { return kestrel_->read_stderr(); }

    // Waits (bounded) until an alert of `rule` whose output contains `token` shows, then stops
    // Kestrel and returns every alert of `rule` that contains `token` (the count tests "once").
    std::vector<nlohmann::json> alerts_for(const std::string& rule, const std::string& token);
    // Every alert that contains `token`, whatever its rule, after stopping Kestrel.
    std::vector<nlohmann::json> stop_and_alerts(const std::string& token);
    // Kestrel's exit status (from stop()); -1 while it runs.
    [[nodiscard]] int exit_status() const { return exit_status_; }

  private:
    std::vector<nlohmann::json> matching(const std::string& rule, const std::string& token) const;

    std::unique_ptr<KestrelProcess> kestrel_;
    bool ready_ = false;
    int exit_status_ = -1;
};

// Runs argv to completion (stdin and stdout on /dev/null) and returns its exit code, or -1.
int run_trigger(const std::vector<std::string>& argv);

// A JSON output field as text ("" when absent or null).
std::string field(const nlohmann::json& alert, const std::string& name);

} // namespace kestrel::e2e
