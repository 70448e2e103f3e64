#include "daemon/metrics_service.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

#include "base/log.hpp"
#include "base/time.hpp"
#include "eval/tick_clock.hpp"
#include "metrics/collectors.hpp"

namespace kestrel::daemon {
namespace {

// The Falco release whose metrics Kestrel reproduces (falco.version, as /versions answers).
constexpr const char* kFalcoVersion = "0.44.1";

// The files a rules path stands for: itself, or a directory's .yaml/.yml files in name order
// (as the rules engine loads them).
std::vector<std::string> rules_file_list(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const std::string& path : paths) {
        struct stat st {};
        if (stat(path.c_str(), &st) != 0) {
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            out.push_back(path);
            continue;
        }
        std::vector<std::string> entries;
        if (DIR* dir = opendir(path.c_str())) {
            while (dirent* e = readdir(dir)) {
                std::string name = e->d_name;
                if (name.ends_with(".yaml") || name.ends_with(".yml")) {
                    entries.push_back(path + "/" + name);
                }
            }
            closedir(dir);
        }
        std::sort(entries.begin(), entries.end());
        out.insert(out.end(), entries.begin(), entries.end());
    }
    return out;
}

std::vector<metrics::FileDigest> digests(const std::vector<std::string>& files) {
    std::vector<metrics::FileDigest> out;
    for (const std::string& file : files) {
        auto digest = metrics::sha256_file(file);
        if (digest.ok()) {
            out.push_back({file, *digest});
        }
    }
    return out;
}

size_t state_counter_count() {
    size_t n = 0;
    state::Counters{}.visit([&n](std::string_view, uint64_t, bool) { ++n; });
    return n;
}

} // namespace

// Words: num_evts, the state counters, matches_total, one per rule; when the ruleset times
// its rules, two more per rule (evaluations, estimated evaluation ns).
EngineCounters::EngineCounters(const eval::Ruleset* ruleset)
    : ruleset_(ruleset), timed_(ruleset != nullptr && ruleset->timed()),
      ns_per_tick_(timed_ ? eval::TickClock::ns_per_tick() : 0.0),
      pub_(2 + state_counter_count() +
               (ruleset != nullptr ? ruleset->rules().size() * (timed_ ? 3 : 1) : 0),
           kPeriodNs) {
    state::Counters{}.visit([this](std::string_view name, uint64_t, bool gauge) {
        state_layout_.push_back({name, 0, gauge});
    });
    if (ruleset_ != nullptr) {
        for (const eval::Rule& rule : ruleset_->rules()) {
            metrics::RuleMatches meta;
            meta.name = rule.source->name;
            meta.priority = static_cast<int>(rule.source->priority);
            meta.source = rule.source->source;
            meta.tags.assign(rule.source->tags.begin(), rule.source->tags.end());
            rules_.push_back(std::move(meta));
        }
    }
}

void EngineCounters::publish(uint64_t ts_ns, uint64_t num_evts, const state::Counters& state) {
    pub_.publish(ts_ns, [&](auto set) {
        size_t i = 0;
        set(i++, num_evts);
        state.visit([&](std::string_view, uint64_t value, bool) { set(i++, value); });
        if (ruleset_ != nullptr) {
            set(i++, ruleset_->stats().matches);
            for (const eval::Rule& rule : ruleset_->rules()) {
                set(i++, rule.matches);
            }
            if (timed_) {
                for (const eval::Rule& rule : ruleset_->rules()) {
                    set(i++, rule.evaluations);
                    set(i++, rule.estimated_eval_ns(ns_per_tick_));
                }
            }
        }
    });
}

void EngineCounters::read(Copy* out) const {
    std::vector<uint64_t> words(pub_.size());
    pub_.read(words);
    out->published = pub_.generation() > 0;
    size_t i = 0;
    out->num_evts = words[i++];
    out->state.assign(words.begin() + static_cast<ptrdiff_t>(i),
                      words.begin() + static_cast<ptrdiff_t>(i + state_layout_.size()));
    i += state_layout_.size();
    out->matches_total = words[i++];
    const size_t rules = rules_.size();
    out->rule_matches.assign(words.begin() + static_cast<ptrdiff_t>(i),
                             words.begin() + static_cast<ptrdiff_t>(i + rules));
    i += rules;
    out->rule_evaluations.clear();
    out->rule_evaluation_ns.clear();
    if (timed_) {
        for (size_t r = 0; r < rules; ++r, i += 2) {
            out->rule_evaluations.push_back(words[i]);
            out->rule_evaluation_ns.push_back(words[i + 1]);
        }
    }
}

bool MetricsService::wanted(const Config& config) {
    // Falco serves /metrics only with metrics.enabled too.
    return config.metrics.enabled;
}

MetricsService::MetricsService(const Config& config)
    : config_(config), paths_(metrics::HostPaths::live()) {
    agent_.version = kFalcoVersion;
    agent_.start_ts_ns = base::wall_clock_ns();
    agent_.reload_ts_ns = config.loaded_ns != 0 ? config.loaded_ns : agent_.start_ts_ns;
    agent_.rules_files = digests(rules_file_list(config.rules_files));
    agent_.config_files = digests(config.config_files);
    host_ = metrics::read_host_info(paths_);
    if (const char* name = std::getenv("FALCO_HOSTNAME"); name != nullptr && *name != '\0') {
        host_.hostname = name; // Falco's override, as for alerts' hostname
    }
    host_.interfaces = metrics::list_interfaces();
    registry_ = std::make_unique<metrics::Registry>(
        config.metrics.options,
        [this](metrics::Collection& c, metrics::Registry::Purpose p) { fill(c, p); });
}

MetricsService::~MetricsService() { stop(); }

void MetricsService::fill(metrics::Collection& c, metrics::Registry::Purpose /*purpose*/) {
    const metrics::Options& o = config_.metrics.options;
    c.agent = agent_;
    c.agent.engine_name = sources_.engine_name;
    c.host = host_;
    c.now_ns = base::wall_clock_ns();
    c.resource.reset();
    if (o.resource_utilization) {
        c.resource = metrics::read_resource_usage(paths_);
    }
    c.state.clear();
    c.rules.clear();
    c.rules_known = false;
    c.rules_timed = false;
    c.num_evts = 0;
    if (engine_ != nullptr) {
        engine_->read(&copy_);
        c.num_evts = copy_.num_evts;
        c.state = engine_->state_layout();
        for (size_t i = 0; i < c.state.size() && i < copy_.state.size(); ++i) {
            c.state[i].value = copy_.state[i];
        }
        c.rules_known = !engine_->rules().empty() || copy_.published;
        c.rules_matches_total = copy_.matches_total;
        c.rules = engine_->rules();
        for (size_t i = 0; i < c.rules.size() && i < copy_.rule_matches.size(); ++i) {
            c.rules[i].matches = copy_.rule_matches[i];
        }
        c.rules_timed = engine_->timed();
        for (size_t i = 0; i < c.rules.size() && i < copy_.rule_evaluations.size(); ++i) {
            c.rules[i].evaluations = copy_.rule_evaluations[i];
            c.rules[i].evaluation_ns = copy_.rule_evaluation_ns[i];
        }
    }
    c.kernel = sources_.kernel ? sources_.kernel() : std::nullopt;
    c.programs = o.libbpf_stats && sources_.programs ? sources_.programs()
                                                     : std::vector<metrics::ProgramRun>{};
    c.syscalls.clear();
    if (sources_.syscalls) {
        sources_.syscalls(&c.syscalls);
    }
    c.outputs_queue_num_drops = sources_.outputs_queue_drops ? sources_.outputs_queue_drops() : 0;
    c.sinks.clear();
    if (sources_.sinks) {
        sources_.sinks(&c.sinks);
    }
    c.alert_latency.clear();
    if (sources_.alert_latency) {
        sources_.alert_latency(&c.alert_latency);
    }
}

base::Status MetricsService::start(metrics::SnapshotLoop::Deliver deliver) {
    const MetricsConfig& m = config_.metrics;
    if (m.options.libbpf_stats && sources_.programs && !bpf_stats_) {
        auto stats = metrics::BpfStats::enable();
        if (stats.ok()) {
            bpf_stats_ = std::move(*stats);
        } else {
            // Falco silently reports no libbpf stats then; say why once.
            KES_LOG_WARN("metrics: libbpf stats unavailable: {}", stats.error().to_string());
        }
    }
    if (!m.enabled || loop_) {
        return base::Ok{};
    }
    if (!m.output_rule && m.output_file.empty()) {
        KES_LOG_WARN("Metrics are enabled with no output configured, no snapshot will be "
                     "collected");
    }
    KES_LOG_INFO("Setting metrics interval to {}, equivalent to {} (ms)", m.interval,
                 m.interval_ms);
    metrics::SnapshotSettings settings;
    settings.interval_ms = m.interval_ms;
    settings.output_rule = m.output_rule;
    settings.output_file = m.output_file;
    auto loop = metrics::SnapshotLoop::start(*registry_, settings, std::move(deliver));
    if (!loop.ok()) {
        return loop.error();
    }
    loop_ = std::move(*loop);
    return base::Ok{};
}

void MetricsService::stop() {
    loop_.reset();
    bpf_stats_.reset();
}

} // namespace kestrel::daemon
