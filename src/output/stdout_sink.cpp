#include "output/stdout_sink.hpp"

#include <unistd.h>

#include <cstring>

#include "base/log.hpp"

namespace kestrel::output {

void WriteOutcome::record(Sink& sink, const WriteResult& result, uint64_t lines,
                          std::string_view what) {
    SinkCounters& c = sink.counters();
    if (result.status == WriteStatus::kOk) {
        c.delivered.fetch_add(lines, std::memory_order_relaxed);
        if (failing_) {
            KES_LOG_INFO("output {}: writing to {} works again", sink.name(), what);
            failing_ = false;
        }
        return;
    }
    c.failed.fetch_add(1, std::memory_order_relaxed);
    c.dropped.fetch_add(lines, std::memory_order_relaxed);
    if (result.status == WriteStatus::kError && !failing_) {
        KES_LOG_WARN("output {}: cannot write to {}: {}; alerts are dropped (counted) until it "
                     "works again",
                     sink.name(), what, std::strerror(result.error));
        failing_ = true;
    }
}

StdoutSink::StdoutSink(bool buffered)
    : buffer_(buffered), kind_(classify_blocking_fd(STDOUT_FILENO)) {
    ignore_sigpipe();
}

void StdoutSink::deliver(const eval::Alert& /*alert*/, std::string_view line) {
    if (buffer_.add(line)) {
        flush();
    }
}

void StdoutSink::flush() {
    if (buffer_.empty()) {
        return;
    }
    WriteResult result = write_all(STDOUT_FILENO, buffer_.bytes(), kind_, *this);
    outcome_.record(*this, result, buffer_.lines(), "stdout");
    buffer_.clear();
}

} // namespace kestrel::output
