#pragma once
// file_output: each alert line plus '\n' appended to `filename`. As in Falco, without keep_alive
// the file is opened and closed around every write (so an external rotation is followed at
// once); with keep_alive it stays open until SIGUSR1 (reopen: logrotate's postrotate).
// Opened O_NONBLOCK, so even a FIFO with no reader cannot hang the worker.

#include <string>

#include "base/result.hpp"
#include "output/stdout_sink.hpp"

namespace kestrel::output {

class FileSink final : public Sink {
  public:
    // Fails when the file cannot be opened for appending (the message names the file).
    static base::Result<std::unique_ptr<FileSink>> open(std::string path, bool keep_alive,
                                                        bool buffered);
    ~FileSink() override;
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;

    [[nodiscard]] std::string_view name() const override { return "file"; }
    void deliver(const eval::Alert& alert, std::string_view line) override;
    void flush() override;
    void reopen() override;

  private:
    FileSink(std::string path, bool keep_alive, bool buffered);
    int open_fd() const;
    void close_fd();

    std::string path_;
    bool keep_alive_;
    LineBuffer buffer_;
    int fd_ = -1;
    WriteOutcome outcome_;
};

} // namespace kestrel::output
