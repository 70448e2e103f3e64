#pragma once
// program_output: alerts on the standard input of `sh -c <program>` (Falco's popen(program,
// "w")), the program's stdout and stderr shared with Kestrel's.
//
// * keep_alive: one long-running process reads one alert line after another. A process that
//   died is restarted before the next alert (counted in restarts(), the alert in `retried`);
//   SIGUSR1 respawns it, as in Falco.
// * otherwise: one process per alert, which gets the line and end-of-file and is waited for
//   before the next alert, as Falco's pclose() does.
//
// The program runs in its own process group; closing Kestrel gives it end-of-file, then
// SIGTERM, then SIGKILL (a program ignoring its input cannot hold Kestrel up). Every wait is in
// short slices that honour stop_requested().

#include <atomic>
#include <cstdint>
#include <string>
#include <sys/types.h>

#include "output/stdout_sink.hpp"

namespace kestrel::output {

class ProgramSink final : public Sink {
  public:
    ProgramSink(std::string program, bool keep_alive, bool buffered);
    ~ProgramSink() override;
    ProgramSink(const ProgramSink&) = delete;
    ProgramSink& operator=(const ProgramSink&) = delete;

    [[nodiscard]] std::string_view name() const override { return "program"; }
    void deliver(const eval::Alert& alert, std::string_view line) override;
    void flush() override;
    void reopen() override;

    // Keep-alive processes that had died and were started again.
    [[nodiscard]] uint64_t restarts() const { return restarts_.load(std::memory_order_relaxed); }

  private:
    struct Child {
        pid_t pid = -1;
        int stdin_fd = -1;
        int pidfd = -1;
    };
    bool spawn(Child& child);
    // Closes the child's stdin, waits up to `grace` for it to exit, then SIGTERM, then SIGKILL.
    void finish(Child& child, int grace_ms);
    // Waits for exit up to `ms` (-1: until stop_requested()). True when it exited (reaped).
    bool wait_exit(Child& child, int ms);
    bool alive(Child& child);
    void deliver_one_shot(std::string_view line);
    void write_keep_alive();

    std::string program_;
    std::string what_; // for messages
    bool keep_alive_;
    LineBuffer buffer_;
    Child child_; // keep_alive only
    WriteOutcome outcome_;
    std::atomic<uint64_t> restarts_{0};
};

} // namespace kestrel::output
