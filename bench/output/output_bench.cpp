// Alert delivery throughput and latency (bench/README.md): alerts pushed by one producer thread
// (the hot path) through the queue, rendered as JSON by each sink's worker and written to
// stdout (redirected to /dev/null here) and to a file. Baseline in the same run: the queue with
// no sink. Then a paced run (one alert every 100 µs) for the queue→delivery latency.
// Prints figures; asserts nothing. Usage: output_bench [alerts]

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "output/file_sink.hpp"
#include "output/outputs.hpp"
#include "output/stdout_sink.hpp"

namespace {

using namespace kestrel;
using Clock = std::chrono::steady_clock;

// A typical syscall alert: message plus 10 output fields (strings and numbers).
struct Prototype {
    eval::Alert alert;
    Prototype() {
        auto rule = std::make_shared<eval::AlertRule>();
        rule->name = "Read sensitive file untrusted";
        rule->source = "syscall";
        rule->priority = rules::Priority::kWarning;
        rule->tags = {"T1555", "container", "filesystem", "host", "maturity_stable", "mitre"};
        rule->hostname = "node-1";
        alert.rule = rule;
        alert.data = "Sensitive file opened for reading by non-trusted program | file=/etc/shadow "
                     "gparent=bash ggparent=sshd gggparent=systemd evt_type=openat user=root "
                     "user_uid=0 user_loginuid=1000 process=cat proc_exepath=/usr/bin/cat "
                     "parent=bash command=cat /etc/shadow terminal=34816 container_id=host "
                     "container_name=host";
        alert.message_len = static_cast<uint32_t>(alert.data.size());
        auto add_str = [&](std::string_view key, std::string_view value) {
            eval::AlertField f;
            f.key_off = static_cast<uint32_t>(alert.data.size());
            f.key_len = static_cast<uint32_t>(key.size());
            alert.data.append(key);
            f.kind = eval::JsonKind::kString;
            f.str_off = static_cast<uint32_t>(alert.data.size());
            f.str_len = static_cast<uint32_t>(value.size());
            alert.data.append(value);
            alert.fields.push_back(f);
        };
        auto add_int = [&](std::string_view key, int64_t v) {
            eval::AlertField f;
            f.key_off = static_cast<uint32_t>(alert.data.size());
            f.key_len = static_cast<uint32_t>(key.size());
            alert.data.append(key);
            f.kind = eval::JsonKind::kInt;
            f.i = v;
            alert.fields.push_back(f);
        };
        add_str("container.id", "host");
        add_str("container.name", "host");
        add_int("evt.time", 1717160711123456789);
        add_str("evt.type", "openat");
        add_str("fd.name", "/etc/shadow");
        add_str("proc.cmdline", "cat /etc/shadow");
        add_str("proc.exepath", "/usr/bin/cat");
        add_str("proc.name", "cat");
        add_str("proc.pname", "bash");
        add_int("user.uid", 0);
    }
};

struct Result {
    double alerts_per_s = 0;
    uint64_t sink_drops = 0;
    uint64_t producer_waits = 0;
};

// Pushes `n` alerts as fast as the sinks take them: in batches of half a queue, each waiting
// for the sinks to finish the previous one, so nothing is dropped and the figure is the sinks'
// throughput. Time: first push to every sink drained. With `pace`, one alert per `pace`.
Result run(std::vector<std::unique_ptr<output::Sink>> sinks, size_t n, const Prototype& proto,
           std::chrono::microseconds pace = {}) {
    output::OutputsOptions options;
    options.format.json_output = true;
    options.format.time_format_iso_8601 = true;
    options.capacity = output::kDefaultQueueCapacity;
    output::Outputs outputs(std::move(sinks), options);
    Result r;
    const size_t batch = options.capacity / 2;
    auto settled = [&outputs](uint64_t count) {
        for (size_t s = 0; s < outputs.sink_count(); ++s) {
            const output::SinkCounters& c = outputs.sink(s).counters();
            while (c.delivered.load() + c.dropped.load() < count) {
                std::this_thread::yield();
            }
        }
    };
    const auto start = Clock::now();
    auto next = start;
    for (size_t i = 0; i < n; ++i) {
        if (i % batch == 0 && i >= batch) {
            settled(i - batch);
        }
        if (pace.count() > 0) {
            next += pace;
            std::this_thread::sleep_until(next);
        }
        eval::Alert* slot = nullptr;
        while ((slot = outputs.claim()) == nullptr) {
            ++r.producer_waits;
            std::this_thread::yield();
        }
        *slot = proto.alert;
        slot->wall_ns =
            static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
        outputs.commit();
    }
    outputs.shutdown();
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    r.alerts_per_s = static_cast<double>(n) / s;
    for (size_t i = 0; i < outputs.sink_count(); ++i) {
        r.sink_drops += outputs.sink(i).counters().dropped.load();
        if (pace.count() > 0) {
            auto q = outputs.sink(i).queue_latency().snapshot();
            std::fprintf(stderr,
                         "  %-7s queue->delivered p50 <= %6.1f us  p99 <= %6.1f us  (%llu)\n",
                         std::string(outputs.sink(i).name()).c_str(),
                         static_cast<double>(q.quantile_upper_ns(0.5)) / 1000,
                         static_cast<double>(q.quantile_upper_ns(0.99)) / 1000,
                         static_cast<unsigned long long>(q.count));
        }
    }
    return r;
}

std::vector<std::unique_ptr<output::Sink>> sinks(bool buffered, const std::string& file) {
    std::vector<std::unique_ptr<output::Sink>> v;
    v.push_back(std::make_unique<output::StdoutSink>(buffered));
    auto f = output::FileSink::open(file, /*keep_alive=*/true, buffered);
    if (!f.ok()) {
        std::fprintf(stderr, "%s\n", f.error().to_string().c_str());
        std::exit(1);
    }
    v.push_back(std::move(*f));
    return v;
}

void print(const char* what, const Result& r) {
    std::fprintf(stderr, "%-52s %10.0f alerts/s  (sink drops %llu, producer waits %llu)\n", what,
                 r.alerts_per_s, static_cast<unsigned long long>(r.sink_drops),
                 static_cast<unsigned long long>(r.producer_waits));
}

} // namespace

int main(int argc, char** argv) {
    const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
    // Alerts to stdout go to /dev/null; the figures go to stderr.
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, STDOUT_FILENO);
    char dir[] = "/tmp/kestrel-output-bench-XXXXXX";
    const std::string file = std::string(::mkdtemp(dir)) + "/events.json";
    Prototype proto;
    std::string line;
    eval::OutputOptions json;
    json.json_output = true;
    eval::append_alert_json(proto.alert, json, line);
    std::fprintf(stderr, "%zu alerts, JSON line %zu bytes, queue capacity %zu\n", n, line.size(),
                 output::kDefaultQueueCapacity);

    print("baseline: queue + dispatcher, no sink", run({}, n, proto));
    print("JSON -> stdout(/dev/null) + file, unbuffered", run(sinks(false, file), n, proto));
    ::unlink(file.c_str());
    print("JSON -> stdout(/dev/null) + file, buffered_outputs", run(sinks(true, file), n, proto));
    ::unlink(file.c_str());
    std::fprintf(stderr, "paced, 1 alert / 100 us, 20000 alerts, unbuffered:\n");
    run(sinks(false, file), 20000, proto, std::chrono::microseconds(100));
    ::unlink(file.c_str());
    ::rmdir(dir);
    return 0;
}
