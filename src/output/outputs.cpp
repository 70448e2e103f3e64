#include "output/outputs.hpp"

#include "base/log.hpp"
#include "base/time.hpp"

namespace kestrel::output {
namespace {

// SIGUSR1 requests from the signal handler (request_reopen_all).
std::atomic<uint32_t> g_reopen_all{0};

// The dispatcher looks at reopen requests this often when no alert wakes it.
constexpr std::chrono::milliseconds kIdleWake{100};
// Shutdown polls the workers' exit flags at this interval (shutdown only, never per alert).
constexpr std::chrono::milliseconds kShutdownPoll{5};

} // namespace

void request_reopen_all() { g_reopen_all.fetch_add(1, std::memory_order_relaxed); }

Outputs::Outputs(std::vector<std::unique_ptr<Sink>> sinks, OutputsOptions options)
    : options_(std::move(options)), queue_(options_.capacity) {
    for (auto& sink : sinks) {
        owned_.push_back(
            std::make_unique<SinkWorker>(std::move(sink), options_.capacity, options_.format));
        workers_.push_back(owned_.back().get());
    }
    for (SinkWorker* worker : workers_) {
        worker->start();
    }
    // Requests made from now on count, even before the dispatcher thread first runs.
    dispatcher_ = std::thread(
        [this, reopen = reopen_.load(), all = g_reopen_all.load()] { dispatch(reopen, all); });
}

Outputs::~Outputs() { shutdown(); }

void Outputs::commit() {
    claimed_->enqueued_ns = base::monotonic_ns();
    queued_.fetch_add(1, std::memory_order_relaxed);
    queue_.commit();
}

bool Outputs::post_internal(std::shared_ptr<const eval::AlertRule> rule, uint64_t wall_ns,
                            std::string line) {
    {
        std::lock_guard lock(internal_mutex_);
        if (!internal_closed_ && internal_.size() < kInternalQueueCapacity) {
            QueuedAlert& item = internal_.emplace_back();
            item.alert.rule = std::move(rule);
            item.alert.wall_ns = wall_ns;
            item.enqueued_ns = base::monotonic_ns();
            item.prerendered = true;
            item.line = std::move(line);
            internal_pending_.store(true, std::memory_order_release);
            internal_posted_.fetch_add(1, std::memory_order_relaxed);
        } else {
            internal_drops_.fetch_add(1, std::memory_order_relaxed);
            queue_drops_.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
    }
    queue_.notifier().notify(); // any thread may notify
    return true;
}

void Outputs::dispatch_internal(bool last) {
    if (!last && !internal_pending_.load(std::memory_order_acquire)) {
        return;
    }
    {
        std::lock_guard lock(internal_mutex_);
        internal_pending_.store(false, std::memory_order_relaxed);
        internal_closed_ = internal_closed_ || last;
        internal_batch_.swap(internal_);
    }
    for (const QueuedAlert& item : internal_batch_) {
        for (SinkWorker* worker : workers_) {
            worker->offer(item);
        }
    }
    internal_batch_.clear();
}

void Outputs::dispatch(uint32_t reopen_seen, uint32_t reopen_all_seen) {
    for (;;) {
        const uint32_t epoch = queue_.notifier().epoch();
        const uint32_t reopen = reopen_.load(std::memory_order_relaxed);
        const uint32_t reopen_all = g_reopen_all.load(std::memory_order_relaxed);
        if (reopen != reopen_seen || reopen_all != reopen_all_seen) {
            // In queue order: alerts already handed to a worker go to the old file, the next
            // ones to the new file.
            reopen_seen = reopen;
            reopen_all_seen = reopen_all;
            for (SinkWorker* worker : workers_) {
                worker->request_reopen();
            }
        }
        dispatch_internal(/*last=*/false);
        QueuedAlert* item = queue_.front();
        if (item == nullptr) {
            if (closing_.load(std::memory_order_acquire)) {
                if (queue_.front() == nullptr) {
                    dispatch_internal(/*last=*/true);
                    return;
                }
                continue;
            }
            queue_.notifier().wait(epoch, kIdleWake);
            continue;
        }
        for (SinkWorker* worker : workers_) {
            worker->offer(*item);
        }
        queue_.pop();
    }
}

ShutdownReport Outputs::shutdown() {
    ShutdownReport report;
    if (shut_down_) {
        return report;
    }
    shut_down_ = true;
    // The dispatcher only copies: it empties the main queue promptly, whatever the sinks do.
    closing_.store(true, std::memory_order_release);
    queue_.notifier().notify();
    dispatcher_.join();
    for (SinkWorker* worker : workers_) {
        worker->begin_drain();
    }
    auto wait_all = [this](std::chrono::steady_clock::time_point deadline) {
        for (SinkWorker* worker : workers_) {
            while (!worker->exited() && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(kShutdownPoll);
            }
        }
    };
    wait_all(std::chrono::steady_clock::now() + options_.drain_budget);
    for (SinkWorker* worker : workers_) {
        if (!worker->exited()) {
            report.drained = false;
            KES_LOG_WARN("output {}: not drained within {} ms ({} alerts queued): stopping it",
                         worker->sink().name(), options_.drain_budget.count(), worker->queued());
            worker->abandon();
        }
    }
    if (!report.drained) {
        wait_all(std::chrono::steady_clock::now() + options_.stop_grace);
    }
    for (auto& worker : owned_) {
        if (!worker->join_or_leak()) {
            (void)worker.release();
            ++report.abandoned_sinks;
        }
    }
    return report;
}

} // namespace kestrel::output
