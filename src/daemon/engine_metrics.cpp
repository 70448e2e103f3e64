#include "daemon/engine_metrics.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/log.hpp"
#include "base/time.hpp"
#include "daemon/web_endpoints.hpp"
#include "eval/alert.hpp"
#include "rules/items.hpp"

namespace kestrel::daemon {

InternalOutputs::InternalOutputs(const Config& config) {
    format_.json_output = config.json_output;
    format_.hostname = eval::resolve_hostname();
    to_stdout_ = config.outputs.stdout_enabled;
    if (config.outputs.file_enabled && !config.outputs.file_filename.empty()) {
        // O_APPEND, one write per line: lines stay whole beside the file sink's own writes.
        file_ = base::UniqueFd(::open(config.outputs.file_filename.c_str(),
                                      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
    }
    rules::Priority min = rules::Priority::kDebug;
    if (rules::parse_priority(config.priority, &min)) {
        min_priority_ = static_cast<int>(min);
    }
}

namespace {

bool write_line(int fd, const std::string& line) {
    const char* p = line.data();
    size_t left = line.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    return true;
}

} // namespace

void InternalOutputs::deliver(metrics::InternalAlert&& alert) {
    // Falco drops messages less severe than `priority` (the drop alert is Debug).
    if (alert.priority > min_priority_) {
        return;
    }
    std::string line = metrics::render_internal_alert(alert, format_);
    line += '\n';
    std::lock_guard lock(mutex_);
    bool ok = true;
    if (to_stdout_) {
        ok &= write_line(STDOUT_FILENO, line);
    }
    if (file_.get() >= 0) {
        ok &= write_line(file_.get(), line);
    }
    if (ok) {
        ++delivered_;
    }
}

EngineMetrics::EngineMetrics(const Config& config, const eval::Ruleset* ruleset)
    : config_(config), internal_(config) {
    if (MetricsService::wanted(config)) {
        counters_ = std::make_unique<EngineCounters>(ruleset);
        service_ = std::make_unique<MetricsService>(config);
        service_->set_engine_counters(counters_.get());
        metrics_slot().attach(&service_->registry()); // /metrics serves it from now on
    }
}

EngineMetrics::~EngineMetrics() { stop(); }

base::Status EngineMetrics::start() {
    if (!service_) {
        return base::Ok{};
    }
    return service_->start(
        [this](metrics::InternalAlert&& alert) { internal_.deliver(std::move(alert)); });
}

void EngineMetrics::stop() {
    if (service_) {
        metrics_slot().detach(); // waits for a scrape in progress
        service_->stop();
    }
}

bool EngineMetrics::act_on_drops(const metrics::DropVerdict& verdict) {
    // Falco's order: log (debug level), alert, then exit.
    if (verdict.log) {
        KES_LOG_DEBUG("{}", verdict.message());
    }
    if (verdict.alert) {
        metrics::InternalAlert alert = verdict.to_alert(ebpf_);
        alert.wall_ns = base::wall_clock_ns(); // the check ran on the boot clock
        internal_.deliver(std::move(alert));
    }
    if (verdict.exit) {
        KES_LOG_ERROR("{}", verdict.message());
        KES_LOG_ERROR("Exiting.");
        return false;
    }
    return true;
}

} // namespace kestrel::daemon
