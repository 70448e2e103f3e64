#include "metrics/snapshot.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "metrics/names.hpp"

namespace kestrel::metrics {
namespace {

constexpr std::string_view kDeprecatedEnterHelp =
    "https://falco.org/docs/metrics/ (DEPRECATED: enter events are no longer tracked in "
    "falcosecurity/libs)";

double round1(double v) { return std::round(v * 10.0) / 10.0; }

// Replaces every occurrence of the words in `from` by `to` ("memory_rss_kb" -> "_mb").
std::string replace_words(std::string_view name, std::initializer_list<std::string_view> from,
                          std::string_view to) {
    std::string out;
    for (size_t i = 0; i < name.size();) {
        bool replaced = false;
        for (std::string_view word : from) {
            if (name.substr(i, word.size()) == word) {
                out += to;
                i += word.size();
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            out += name[i++];
        }
    }
    return out;
}

std::string basename(std::string_view path) {
    size_t slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

class Builder {
  public:
    Builder(Snapshot& snapshot, const Options& options) : s_(snapshot), o_(options) {}

    Metric& push() { return s_.metrics.emplace_back(); }

    void field(std::string name, Value value, bool always = true) {
        Metric& m = push();
        m.field = std::move(name);
        m.field_value = std::move(value);
        m.always = always;
    }

    Metric& family(std::string family, Value sample, Kind kind, Labels labels = {}) {
        Metric& m = push();
        m.family = std::move(family);
        m.sample = std::move(sample);
        m.kind = kind;
        m.labels = std::move(labels);
        return m;
    }

    void info(std::string_view subsystem, std::string_view name, Labels labels) {
        family(fmt::format("falcosecurity_{}_{}_info", subsystem, name), Value::of_uint(1),
               Kind::kGauge, std::move(labels));
    }

    // A libs-style metric: `prefix` + name in snapshots ("falco.", "scap.", "plugins.x."),
    // falcosecurity_<subsystem>_... in Prometheus, with libs' unit conventions for each side.
    Metric& libs(std::string_view prefix, std::string_view subsystem, std::string_view name,
                 Unit unit, Kind kind, Value raw, bool always = false) {
        Metric& m = push();
        bool memory = unit == Unit::kKibibytes || unit == Unit::kBytes;
        uint64_t bytes = unit == Unit::kKibibytes ? raw.u * 1024 : raw.u;
        if (memory && o_.convert_memory_to_mb) {
            m.field = std::string(prefix) + replace_words(name, {"_kb", "_bytes"}, "_mb");
            m.field_value =
                Value::of_double(unit == Unit::kKibibytes ? kib_to_mb(raw.u) : bytes_to_mb(raw.u));
        } else {
            m.field = std::string(prefix) + std::string(name);
            m.field_value = raw;
        }
        m.always = always;
        std::string prom_name(name);
        Unit prom_unit = unit;
        m.sample = raw;
        if (memory) {
            prom_name = replace_words(name, {"_kb", "_bytes"}, "_bytes");
            prom_unit = Unit::kBytes;
            m.sample = Value::of_double(static_cast<double>(bytes));
        } else if (unit == Unit::kPerc) {
            prom_name = replace_words(name, {"_perc"}, "_ratio");
            prom_unit = Unit::kRatio;
            m.sample = Value::of_double(raw.as_double() / 100.0);
        }
        m.family = prometheus_family(subsystem, prom_name, prom_unit);
        m.kind = kind;
        return m;
    }

  private:
    Snapshot& s_;
    const Options& o_;
};

void add_wrapper_head(Builder& b, const Inputs& in) {
    const AgentInfo& agent = *in.agent;
    b.info("falco", "version", {{"version", agent.version}});
    for (const FileDigest& f : agent.rules_files) {
        b.info("falco", "sha256_rules_files",
               {{"file_name", basename(f.path)}, {"sha256", f.sha256}});
        b.field("falco.sha256_rules_file." + sanitize_name(basename(f.path)),
                Value::of_string(f.sha256));
    }
    for (const FileDigest& f : agent.config_files) {
        b.info("falco", "sha256_config_files",
               {{"file_name", basename(f.path)}, {"sha256", f.sha256}});
        b.field("falco.sha256_config_file." + sanitize_name(basename(f.path)),
                Value::of_string(f.sha256));
    }
    b.field("evt.time", Value::of_uint(in.now_ns));
    b.field("falco.version", Value::of_string(agent.version));
    b.field("evt.source", Value::of_string(agent.source));
    if (!agent.engine_name.empty()) {
        b.info("scap", "engine_name",
               {{"engine_name", agent.engine_name}, {"evt_source", agent.source}});
        b.field("scap.engine_name", Value::of_string(agent.engine_name));
    }
    // Interface addresses, grouped per interface in name order (Falco's std::map), lo skipped.
    std::map<std::string, std::pair<std::string, std::string>> joined;
    for (const InterfaceAddresses& itf : in.host->interfaces) {
        if (itf.name == "lo") {
            continue;
        }
        auto& [v4, v6] = joined[itf.name];
        for (const auto& a : itf.ipv4) {
            v4 += (v4.empty() ? "" : ",") + a;
        }
        for (const auto& a : itf.ipv6) {
            v6 += (v6.empty() ? "" : ",") + a;
        }
    }
    for (const auto& [name, addrs] : joined) {
        std::string base = "falco.host_netinfo.interfaces." + name + ".protocols.";
        if (!addrs.first.empty()) {
            b.field(base + "ipv4.addresses", Value::of_string(addrs.first));
        }
        if (!addrs.second.empty()) {
            b.field(base + "ipv6.addresses", Value::of_string(addrs.second));
        }
    }
}

// Kestrel's additions (not Falco names): per rule, how often its condition ran and the time
// that took (estimated from a 1-in-64 sample, eval/README.md). Listed once the rule ran, as
// Falco lists a rule's matches once it matched.
void add_rule_timing(Builder& b, const Inputs& in) {
    for (const RuleMatches& r : in.rules) {
        const std::string key = "kestrel.rules." + sanitize_name(r.name);
        b.field(key + ".evaluations", Value::of_uint(r.evaluations), /*always=*/false);
        b.field(key + ".evaluation_ns", Value::of_uint(r.evaluation_ns), /*always=*/false);
        if (r.evaluations == 0) {
            continue;
        }
        Labels labels = {{"rule_name", r.name}, {"source", r.source}};
        Metric& count = b.family("kestrel_rule_evaluations_total", Value::of_uint(r.evaluations),
                                 Kind::kCounter, labels);
        count.help = "Kestrel: evaluations of each rule's condition";
        Metric& time = b.family("kestrel_rule_evaluation_seconds_total",
                                Value::of_double(static_cast<double>(r.evaluation_ns) / 1e9),
                                Kind::kCounter, std::move(labels));
        time.help = "Kestrel: time spent evaluating each rule's condition (estimated from one "
                    "event in 64)";
    }
}

void add_rules(Builder& b, const Inputs& in, const Options& o) {
    if (!o.rules_counters || !in.rules_known) {
        return;
    }
    b.field("falco.rules.matches_total", Value::of_uint(in.rules_matches_total));
    for (const RuleMatches& r : in.rules) {
        // Falco's snapshot lists a rule only once it matched (unless include_empty_values);
        // its Prometheus family only ever lists matched rules.
        b.field("falco.rules." + sanitize_name(r.name), Value::of_uint(r.matches),
                /*always=*/false);
        if (r.matches == 0) {
            continue;
        }
        Labels labels = {
            {"rule_name", r.name}, {"priority", std::to_string(r.priority)}, {"source", r.source}};
        for (const auto& tag : r.tags) {
            labels.emplace_back(sanitize_label_name("tag_" + tag), "true");
        }
        b.family("falcosecurity_falco_rules_matches_total", Value::of_uint(r.matches),
                 Kind::kCounter, std::move(labels));
    }
    if (in.rules_timed) {
        add_rule_timing(b, in);
    }
}

void add_kernel(Builder& b, const Inputs& in, const Options& o, RateTracker* rates,
                double delta_sec, uint64_t* n_evts_delta, uint64_t* n_drops_delta) {
    const KernelCounters& k = *in.kernel;
    if (o.kernel_event_counters) {
        b.libs("scap.", "scap", "n_evts", Unit::kCount, Kind::kCounter, Value::of_uint(k.n_evts),
               true);
        Metric& total = b.libs("scap.", "scap", "n_drops_buffer_total", Unit::kCount,
                               Kind::kCounter, Value::of_uint(k.n_drops_buffer_total));
        total.family.clear(); // Falco exports the categories as labels instead
        for (size_t i = 0; i < kDropCategories.size(); ++i) {
            std::string name = fmt::format("n_drops_buffer_{}_exit", kDropCategories[i]);
            Metric& m = b.libs("scap.", "scap", name, Unit::kCount, Kind::kCounter,
                               Value::of_uint(k.n_drops_buffer_exit[i]));
            m.family = "falcosecurity_scap_n_drops_buffer_total";
            m.labels = {{"dir", "exit"}, {"drop", std::string(kDropCategories[i])}};
        }
        b.libs("scap.", "scap", "n_drops_scratch_map", Unit::kCount, Kind::kCounter,
               Value::of_uint(k.n_drops_scratch_map));
        b.libs("scap.", "scap", "n_drops_page_faults", Unit::kCount, Kind::kCounter,
               Value::of_uint(k.n_drops_page_faults));
        b.libs("scap.", "scap", "n_drops_bug", Unit::kCount, Kind::kCounter,
               Value::of_uint(k.n_drops_bug));
        b.libs("scap.", "scap", "n_drops", Unit::kCount, Kind::kCounter, Value::of_uint(k.n_drops),
               true);
        if (rates != nullptr) {
            *n_evts_delta = k.n_evts - rates->last_n_evts;
            *n_drops_delta = k.n_drops - rates->last_n_drops;
            b.field("scap.n_evts_prev", Value::of_uint(rates->last_n_evts));
            b.field("scap.n_drops_prev", Value::of_uint(rates->last_n_drops));
            double evts_rate = *n_evts_delta != 0 && delta_sec > 0
                                   ? round1(static_cast<double>(*n_evts_delta) / delta_sec)
                                   : 0.0;
            double drops_rate = *n_drops_delta != 0 && delta_sec > 0
                                    ? round1(static_cast<double>(*n_drops_delta) / delta_sec)
                                    : 0.0;
            b.field("scap.evts_rate_sec", Value::of_double(evts_rate));
            b.field("scap.evts_drop_rate_sec", Value::of_double(drops_rate));
            rates->last_n_evts = k.n_evts;
            rates->last_n_drops = k.n_drops;
        }
    }
    if (o.kernel_event_counters_per_cpu) {
        for (size_t cpu = 0; cpu < k.n_evts_cpu.size(); ++cpu) {
            Metric& m = b.libs("scap.", "scap", fmt::format("n_evts_cpu_{}", cpu), Unit::kCount,
                               Kind::kCounter, Value::of_uint(k.n_evts_cpu[cpu]));
            m.family = "falcosecurity_scap_n_evts_cpu_total";
            m.labels = {{"cpu", std::to_string(cpu)}};
        }
        for (size_t cpu = 0; cpu < k.n_drops_cpu.size(); ++cpu) {
            Metric& m = b.libs("scap.", "scap", fmt::format("n_drops_cpu_{}", cpu), Unit::kCount,
                               Kind::kCounter, Value::of_uint(k.n_drops_cpu[cpu]));
            m.family = "falcosecurity_scap_n_drops_cpu_total";
            m.labels = {{"cpu", std::to_string(cpu)}};
        }
    }
    if (o.kernel_iter_event_counters) {
        b.libs("scap.", "scap", "n_evts_task", Unit::kCount, Kind::kCounter,
               Value::of_uint(k.n_evts_task));
        for (size_t i = 0; i < kTaskFileKinds.size(); ++i) {
            b.libs("scap.", "scap", fmt::format("n_evts_task_file_{}", kTaskFileKinds[i]),
                   Unit::kCount, Kind::kCounter, Value::of_uint(k.n_evts_task_file[i]));
        }
        b.libs("scap.", "scap", "n_drops_max_event_size", Unit::kCount, Kind::kCounter,
               Value::of_uint(k.n_drops_max_event_size));
        b.libs("scap.", "scap", "n_drops_task", Unit::kCount, Kind::kCounter,
               Value::of_uint(k.n_drops_task));
        for (size_t i = 0; i < kTaskFileKinds.size(); ++i) {
            b.libs("scap.", "scap", fmt::format("n_drops_task_file_{}", kTaskFileKinds[i]),
                   Unit::kCount, Kind::kCounter, Value::of_uint(k.n_drops_task_file[i]));
        }
    }
}

void add_programs(Builder& b, const Inputs& in, const Options& o) {
    if (!o.libbpf_stats) {
        return;
    }
    for (const ProgramRun& p : in.programs) {
        b.libs("scap.", "scap", p.name + ".run_cnt", Unit::kCount, Kind::kCounter,
               Value::of_uint(p.run_cnt));
        b.libs("scap.", "scap", p.name + ".run_time_ns", Unit::kNsCount, Kind::kCounter,
               Value::of_uint(p.run_time_ns));
        b.libs("scap.", "scap", p.name + ".avg_time_ns", Unit::kNs, Kind::kGauge,
               Value::of_uint(p.run_cnt == 0 ? 0 : p.run_time_ns / p.run_cnt));
    }
}

void add_resource(Builder& b, const Inputs& in, const Options& o) {
    if (!o.resource_utilization || in.resource == nullptr) {
        return;
    }
    const ResourceUsage& r = *in.resource;
    auto ru = [&b](std::string_view name, Unit unit, Value v) {
        return b.libs("falco.", "falco", name, unit, Kind::kGauge, std::move(v));
    };
    ru("cpu_usage_perc", Unit::kPerc, Value::of_double(r.cpu_usage_perc));
    ru("memory_rss_kb", Unit::kKibibytes, Value::of_uint(r.memory_rss_kb));
    ru("memory_vsz_kb", Unit::kKibibytes, Value::of_uint(r.memory_vsz_kb));
    ru("memory_pss_kb", Unit::kKibibytes, Value::of_uint(r.memory_pss_kb));
    ru("container_memory_used_bytes", Unit::kBytes, Value::of_uint(r.container_memory_used_bytes));
    ru("host_cpu_usage_perc", Unit::kPerc, Value::of_double(r.host_cpu_usage_perc));
    ru("host_memory_used_kb", Unit::kKibibytes, Value::of_uint(r.host_memory_used_kb));
    ru("host_procs_running", Unit::kCount, Value::of_uint(r.host_procs_running));
    ru("host_open_fds", Unit::kCount, Value::of_uint(r.host_open_fds));
    if (o.falco_037_names) {
        // Falco 0.37 (libs 0.14) names, snapshot only, same meanings.
        b.field("falco.cpu_usage_perc_total_host", Value::of_double(r.host_cpu_usage_perc), false);
        b.field("falco.memory_used_host",
                o.convert_memory_to_mb ? Value::of_double(kib_to_mb(r.host_memory_used_kb))
                                       : Value::of_uint(r.host_memory_used_kb),
                false);
        b.field("falco.open_fds_host", Value::of_uint(r.host_open_fds), false);
        b.field("falco.procs_running_host", Value::of_uint(r.host_procs_running), false);
    }
}

// Falco's state counters that Kestrel has no equivalent for (libsinsp's event store, used by
// no Falco rule): published as zero so every documented name exists.
constexpr std::string_view kEventStoreCounters[] = {"n_stored_evts", "n_store_evts_drops",
                                                    "n_retrieved_evts", "n_retrieve_evts_drops"};

void add_state(Builder& b, const Inputs& in, const Options& o) {
    if (o.state_counters && !in.state.empty()) {
        for (const NamedCounter& c : in.state) {
            if (c.name == "n_containers" || c.name == "n_missing_container_images") {
                continue; // the container plugin's, below
            }
            b.libs("falco.", "scap", c.name, Unit::kCount, c.gauge ? Kind::kGauge : Kind::kCounter,
                   Value::of_uint(c.value));
        }
        for (std::string_view name : kEventStoreCounters) {
            b.libs("falco.", "scap", name, Unit::kCount, Kind::kCounter, Value::of_uint(0));
        }
    }
    if (o.plugins_metrics && !in.state.empty()) {
        // Since Falco 0.41 containers come from the container plugin, which publishes these
        // (as monotonic counters, whatever their meaning).
        uint64_t n_containers = 0;
        for (const NamedCounter& c : in.state) {
            if (c.name == "n_containers") {
                n_containers = c.value;
            }
        }
        b.libs("plugins.container.", "plugins", "container.n_containers", Unit::kCount,
               Kind::kCounter, Value::of_uint(n_containers))
            .field = "plugins.container.n_containers";
        b.libs("plugins.container.", "plugins", "container.n_missing_container_images",
               Unit::kCount, Kind::kCounter, Value::of_uint(0))
            .field = "plugins.container.n_missing_container_images";
    }
}

void add_kestrel_extras(Builder& b, const Inputs& in, const Options& o) {
    if (o.kernel_event_counters) {
        for (const SyscallCount& s : in.syscalls) {
            Metric& m = b.libs("scap.", "scap", "syscall_counts", Unit::kCount, Kind::kCounter,
                               Value::of_uint(s.count));
            m.field = fmt::format("scap.syscall_counts.{}", s.name);
            m.labels = {{"syscall", std::string(s.name)}};
            m.help = "Kestrel: invocations of each system call on the host, counted by the probe";
        }
    }
    for (const SinkDelivery& s : in.sinks) {
        constexpr std::string_view kHelp = "Kestrel: alerts per output and delivery outcome";
        auto add = [&](std::string_view what, uint64_t v) {
            Metric& m = b.libs("falco.", "falco", fmt::format("outputs_{}", what), Unit::kCount,
                               Kind::kCounter, Value::of_uint(v));
            m.field = fmt::format("falco.outputs.{}.{}", s.name, what);
            m.labels = {{"output", s.name}};
            m.help = kHelp;
        };
        add("delivered", s.delivered);
        add("failed", s.failed);
        add("retried", s.retried);
        add("dropped", s.dropped);
    }
}

} // namespace

Snapshot build_snapshot(const Inputs& in, const Options& o, RateTracker* rates) {
    Snapshot s;
    s.ts_ns = in.now_ns;
    Builder b(s, o);
    const AgentInfo& agent = *in.agent;
    const HostInfo& host = *in.host;

    double delta_sec = 0;
    if (rates != nullptr) {
        if (rates->last_now_ns != 0 && in.now_ns > rates->last_now_ns) {
            delta_sec = static_cast<double>(in.now_ns - rates->last_now_ns) / 1e9;
        }
        rates->last_now_ns = in.now_ns;
    }

    add_wrapper_head(b, in);
    add_rules(b, in, o);

    uint64_t n_evts_delta = 0;
    uint64_t n_drops_delta = 0;
    if (in.kernel != nullptr) {
        add_kernel(b, in, o, rates, delta_sec, &n_evts_delta, &n_drops_delta);
    }
    add_programs(b, in, o);
    add_resource(b, in, o);
    add_state(b, in, o);
    add_kestrel_extras(b, in, o);
    if (in.kernel != nullptr && o.kernel_event_counters) {
        for (std::string_view drop :
             {"clone_fork", "execve", "connect", "open", "dir_file", "other_interest"}) {
            Metric& m = b.family("falcosecurity_scap_n_drops_buffer_total", Value::of_uint(0),
                                 Kind::kCounter, {{"dir", "enter"}, {"drop", std::string(drop)}});
            m.help = kDeprecatedEnterHelp;
        }
    }

    // The rest of Falco's wrapper: strings in the snapshot, _info metrics in Prometheus.
    b.info("falco", "kernel_release", {{"kernel_release", host.kernel_release}});
    b.field("falco.kernel_release", Value::of_string(host.kernel_release));
    b.info("evt", "hostname", {{"hostname", host.hostname}});
    b.field("evt.hostname", Value::of_string(host.hostname));
    if (o.falco_037_names) {
        b.field("falco.hostname", Value::of_string(host.hostname));
    }
    Metric& drops = b.libs("falco.", "falco", "outputs_queue_num_drops", Unit::kCount,
                           Kind::kCounter, Value::of_uint(in.outputs_queue_num_drops), true);
    (void)drops;
    b.libs("falco.", "falco", "reload_ts", Unit::kTimestampNs, Kind::kGauge,
           Value::of_uint(agent.reload_ts_ns), true);
    b.libs("falco.", "falco", "start_ts", Unit::kTimestampNs, Kind::kGauge,
           Value::of_uint(agent.start_ts_ns), true);
    uint64_t duration =
        in.now_ns > agent.start_ts_ns ? (in.now_ns - agent.start_ts_ns) / 1000000000ULL : 0;
    b.libs("falco.", "falco", "duration_sec", Unit::kSecondsCount, Kind::kCounter,
           Value::of_uint(duration), true);
    b.libs("falco.", "falco", "host_boot_ts", Unit::kTimestampNs, Kind::kGauge,
           Value::of_uint(host.boot_ts_ns), true);
    b.libs("falco.", "falco", "host_num_cpus", Unit::kCount, Kind::kGauge,
           Value::of_uint(host.num_cpus), true);

    for (const LatencyHistogram& latency : in.alert_latency) {
        Histogram& h = s.histograms.emplace_back();
        h.family = "falcosecurity_falco_alert_latency_seconds";
        h.help = "Kestrel: time from an event's kernel timestamp to its alert's delivery";
        h.labels = {{"output", latency.output}};
        h.bounds = latency.bounds_seconds;
        h.counts = latency.counts;
        h.counts.resize(h.bounds.size() + 1);
        h.sum = latency.sum_seconds;
    }

    if (rates != nullptr) {
        // Falco's userspace counters: always there; the rate from the second snapshot on.
        if (rates->last_num_evts != 0 && delta_sec > 0) {
            b.field("falco.evts_rate_sec",
                    Value::of_double(round1(
                        static_cast<double>(in.num_evts - rates->last_num_evts) / delta_sec)));
        }
        b.field("falco.num_evts", Value::of_uint(in.num_evts));
        b.field("falco.num_evts_prev", Value::of_uint(rates->last_num_evts));
        rates->last_num_evts = in.num_evts;
        b.field("scap.n_drops_perc",
                Value::of_double(n_evts_delta > 0 ? 100.0 * static_cast<double>(n_drops_delta) /
                                                        static_cast<double>(n_evts_delta)
                                                  : 0.0));
    }
    return s;
}

} // namespace kestrel::metrics
