#pragma once
// stdout_output: each alert line plus '\n' on file descriptor 1. Unbuffered (Falco's default,
// and -U): one write per alert. buffered_outputs: lines collect into a buffer written when it
// reaches 64 KiB or when the sink's queue runs empty, so a burst is batched but an alert is
// never held back while Kestrel is idle (Falco's stdio buffering could hold one for minutes).

#include <cstdint>
#include <string>

#include "output/io.hpp"
#include "output/sink.hpp"

namespace kestrel::output {

// The part shared by the sinks that write lines to one descriptor (stdout, file).
class LineBuffer {
  public:
    explicit LineBuffer(bool buffered) : buffered_(buffered) {}
    // Appends `line` + '\n'; true when the caller should write now.
    bool add(std::string_view line) {
        bytes_.append(line);
        bytes_.push_back('\n');
        ++lines_;
        return !buffered_ || bytes_.size() >= kFlushBytes;
    }
    [[nodiscard]] std::string_view bytes() const { return bytes_; }
    [[nodiscard]] uint64_t lines() const { return lines_; }
    [[nodiscard]] bool empty() const { return lines_ == 0; }
    void clear() {
        bytes_.clear();
        lines_ = 0;
    }

  private:
    static constexpr size_t kFlushBytes = 64 * 1024;
    bool buffered_;
    std::string bytes_;
    uint64_t lines_ = 0;
};

// Counts the outcome of writing `lines` alerts: delivered, or failed once and every line
// dropped. Logs the first failure of a run of failures and the recovery, never every alert.
class WriteOutcome {
  public:
    void record(Sink& sink, const WriteResult& result, uint64_t lines, std::string_view what);

  private:
    bool failing_ = false;
};

class StdoutSink final : public Sink {
  public:
    explicit StdoutSink(bool buffered);
    [[nodiscard]] std::string_view name() const override { return "stdout"; }
    void deliver(const eval::Alert& alert, std::string_view line) override;
    void flush() override;

  private:
    LineBuffer buffer_;
    FdKind kind_;
    WriteOutcome outcome_;
};

} // namespace kestrel::output
