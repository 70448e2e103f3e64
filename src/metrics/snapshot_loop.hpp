#pragma once
// SnapshotLoop: the metrics thread. Every `metrics.interval` it takes a snapshot from the
// Registry and publishes it as Falco does: the `Falco internal: metrics snapshot` alert when
// `output_rule` is on (handed to `deliver`), and one JSON line appended to `output_file`
// ({"output_fields":{...},"sample":N}, flushed per line). The first snapshot is taken one
// interval after start, like Falco's timer.
//
// Owning thread: its own. start() and the destructor on the daemon's main thread.

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.hpp"
#include "metrics/internal_alert.hpp"
#include "metrics/registry.hpp"

namespace kestrel::metrics {

struct SnapshotSettings {
    uint64_t interval_ms = 3600000;
    bool output_rule = true;
    std::string output_file; // empty: none
};

class SnapshotLoop {
  public:
    using Deliver = std::function<void(InternalAlert&&)>;

    // Opens output_file for appending (an error names it) and starts the thread.
    static base::Result<std::unique_ptr<SnapshotLoop>>
    start(Registry& registry, SnapshotSettings settings, Deliver deliver);
    SnapshotLoop(const SnapshotLoop&) = delete;
    SnapshotLoop& operator=(const SnapshotLoop&) = delete;
    ~SnapshotLoop(); // stops and joins

    // Snapshots published so far.
    [[nodiscard]] uint64_t samples() const;

  private:
    SnapshotLoop(Registry& registry, SnapshotSettings settings, Deliver deliver, FILE* file);
    void run();
    void publish();

    Registry& registry_;
    SnapshotSettings settings_;
    Deliver deliver_;
    FILE* file_ = nullptr;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    uint64_t samples_ = 0;
    std::thread thread_;
};

} // namespace kestrel::metrics
