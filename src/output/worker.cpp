#include "output/worker.hpp"

#include <chrono>

#include "base/log.hpp"
#include "base/time.hpp"

namespace kestrel::output {
namespace {

// An idle worker still looks at its flags this often (reopen, drain): never an alert's delay,
// since a committed alert wakes it at once.
constexpr std::chrono::milliseconds kIdleWake{100};

} // namespace

SinkWorker::SinkWorker(std::unique_ptr<Sink> sink, size_t capacity,
                       const eval::OutputOptions& format)
    : sink_(std::move(sink)), ring_(capacity), format_(format) {}

SinkWorker::~SinkWorker() {
    if (thread_.joinable()) {
        begin_drain();
        thread_.join();
    }
}

void SinkWorker::start() {
    thread_ = std::thread([this] { run(); });
}

void SinkWorker::offer(const QueuedAlert& alert) {
    QueuedAlert* slot = ring_.claim();
    if (slot == nullptr) {
        sink_->counters().dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    slot->alert = alert.alert; // copy-assignment keeps the slot's capacity
    slot->enqueued_ns = alert.enqueued_ns;
    slot->prerendered = alert.prerendered;
    slot->line = alert.line;
    ring_.commit();
}

void SinkWorker::request_reopen() {
    reopen_.store(true, std::memory_order_release);
    ring_.notifier().notify();
}

void SinkWorker::begin_drain() {
    draining_.store(true, std::memory_order_release);
    ring_.notifier().notify();
}

bool SinkWorker::join_or_leak() {
    if (!thread_.joinable()) {
        return true;
    }
    if (exited()) {
        thread_.join();
        return true;
    }
    KES_LOG_ERROR("output {}: still blocked after its stop request; leaving it behind ({} alerts "
                  "in its queue counted as dropped)",
                  sink_->name(), ring_.size());
    leaked_.store(true, std::memory_order_release);
    sink_->counters().dropped.fetch_add(ring_.size(), std::memory_order_relaxed);
    thread_.detach(); // the owner must now leak this worker: the thread still uses it
    return false;
}

void SinkWorker::deliver(QueuedAlert& item) {
    if (item.prerendered) {
        sink_->deliver(item.alert, item.line);
        return;
    }
    line_.clear();
    if (format_.json_output) {
        eval::append_alert_json(item.alert, format_, line_);
    } else {
        eval::append_alert_text(item.alert, format_, line_);
    }
    sink_->deliver(item.alert, line_);
    const uint64_t wall = base::wall_clock_ns();
    const uint64_t mono = base::monotonic_ns();
    sink_->latency().record(wall > item.alert.wall_ns ? wall - item.alert.wall_ns : 0);
    sink_->queue_latency().record(mono > item.enqueued_ns ? mono - item.enqueued_ns : 0);
}

void SinkWorker::run() {
    bool dirty = false;
    for (;;) {
        const uint32_t epoch = ring_.notifier().epoch();
        if (sink_->stop_requested()) {
            break;
        }
        if (reopen_.exchange(false, std::memory_order_acq_rel)) {
            if (dirty) {
                sink_->flush();
                dirty = false;
            }
            sink_->reopen();
            KES_LOG_INFO("output {}: reopened", sink_->name());
        }
        QueuedAlert* item = ring_.front();
        if (item == nullptr) {
            if (dirty) {
                sink_->flush(); // the queue ran empty: nothing is held back while idle
                dirty = false;
            }
            if (draining_.load(std::memory_order_acquire)) {
                if (ring_.front() == nullptr) {
                    break;
                }
                continue;
            }
            ring_.notifier().wait(epoch, kIdleWake);
            continue;
        }
        deliver(*item);
        dirty = true;
        ring_.pop();
    }
    if (dirty) {
        sink_->flush(); // returns at once (counting its loss) when the sink was stopped
    }
    // Abandoned: whatever is still queued will never be delivered.
    uint64_t abandoned = 0;
    while (ring_.front() != nullptr) {
        ring_.pop();
        ++abandoned;
    }
    if (!leaked_.load(std::memory_order_acquire)) { // else join_or_leak() counted them
        sink_->counters().dropped.fetch_add(abandoned, std::memory_order_relaxed);
    }
    exited_.store(true, std::memory_order_release);
}

} // namespace kestrel::output
