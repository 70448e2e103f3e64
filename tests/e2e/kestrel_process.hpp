#pragma once
// Runs the kestrel binary as a child process for end-to-end tests, collecting its stdout.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace kestrel::e2e {

class KestrelProcess {
  public:
    // Starts `<build>/kestrel args...` with stdout and stderr captured into temporary files.
    explicit KestrelProcess(const std::vector<std::string>& args);
    ~KestrelProcess();
    KestrelProcess(const KestrelProcess&) = delete;
    KestrelProcess& operator=(const KestrelProcess&) = delete;

    [[nodiscard]] bool started() const { return pid_ > 0; }
    // The process id (to send it signals: SIGUSR1, SIGTERM).
    [[nodiscard]] pid_t pid() const { return pid_; }
    // Everything written to stdout so far.
    [[nodiscard]] std::string read_stdout() const;
    [[nodiscard]] std::string read_stderr() const;
    // Sends SIGINT and waits; returns the exit status (as from waitpid) or -1.
    int stop();
    // Waits for the process to exit by itself; returns its exit code (128+signal if killed).
    int wait_exit();

  private:
    pid_t pid_ = -1;
    std::string stdout_path_;
    std::string stderr_path_;
};

// What a kestrel run that exits by itself left behind.
struct Outcome {
    int exit_code = -1; // 128+signal when killed
    std::string out;
    std::string err;
};

// Runs kestrel with `args` to completion (commands that exit by themselves: -V, -L, -e ...).
Outcome run_kestrel(const std::vector<std::string>& args);

// Runs a program to completion and returns its pid (for matching events), or -1.
pid_t run_program(const std::vector<std::string>& argv);

// A whole file ("" if it cannot be read).
std::string read_file(const std::string& path);

// `text` cut at each newline (no trailing empty line).
std::vector<std::string> split_lines(const std::string& text);

// Polls until `done()` holds, for up to 30 s (receivers and outputs work asynchronously): a hang
// guard, not a timing assertion.
template <typename F> bool poll_until(F done) {
    for (int i = 0; i < 3000; ++i) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

} // namespace kestrel::e2e
