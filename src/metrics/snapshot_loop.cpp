#include "metrics/snapshot_loop.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

#include "base/log.hpp"
#include "metrics/encode.hpp"

namespace kestrel::metrics {

base::Result<std::unique_ptr<SnapshotLoop>>
SnapshotLoop::start(Registry& registry, SnapshotSettings settings, Deliver deliver) {
    FILE* file = nullptr;
    if (!settings.output_file.empty()) {
        file = std::fopen(settings.output_file.c_str(), "a");
        if (file == nullptr) {
            return base::errno_error("cannot open metrics.output_file " + settings.output_file,
                                     errno);
        }
    }
    std::unique_ptr<SnapshotLoop> loop(
        new SnapshotLoop(registry, std::move(settings), std::move(deliver), file));
    loop->thread_ = std::thread([raw = loop.get()] { raw->run(); });
    return loop;
}

SnapshotLoop::SnapshotLoop(Registry& registry, SnapshotSettings settings, Deliver deliver,
                           FILE* file)
    : registry_(registry), settings_(std::move(settings)), deliver_(std::move(deliver)),
      file_(file) {}

SnapshotLoop::~SnapshotLoop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
    if (file_ != nullptr) {
        std::fclose(file_);
    }
}

uint64_t SnapshotLoop::samples() const {
    std::lock_guard lock(mutex_);
    return samples_;
}

void SnapshotLoop::run() {
    // Deadlines on a fixed grid from the start, so the interval does not drift by the time a
    // snapshot takes.
    auto interval = std::chrono::milliseconds(settings_.interval_ms);
    auto next = std::chrono::steady_clock::now() + interval;
    std::unique_lock lock(mutex_);
    while (!stop_) {
        if (wake_.wait_until(lock, next, [this] { return stop_; })) {
            break;
        }
        lock.unlock();
        publish();
        lock.lock();
        next += interval;
        auto now = std::chrono::steady_clock::now();
        if (next < now) {
            next = now + interval; // fell behind (suspended host): skip, do not burst
        }
    }
}

void SnapshotLoop::publish() {
    Snapshot snapshot = registry_.take_snapshot();
    bool include_empty = registry_.options().include_empty_values;
    uint64_t sample = 0;
    {
        std::lock_guard lock(mutex_);
        sample = samples_++;
    }
    if (settings_.output_rule && deliver_) {
        deliver_(InternalAlert::from_snapshot(snapshot, include_empty));
    }
    if (file_ != nullptr) {
        std::string line = metrics_file_line(snapshot, include_empty, sample);
        line += '\n';
        if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() ||
            std::fflush(file_) != 0) {
            KES_LOG_ERROR("cannot write metrics.output_file {}: {}", settings_.output_file,
                          std::strerror(errno));
        }
    }
}

} // namespace kestrel::metrics
