// Replay throughput on one core: the corpus captures read by capture::scap::ScapReader, applied to
// state::Tables and evaluated against the stable Falco ruleset, as `kestrel -e` does
// (src/daemon/replay.cpp). Prints figures; asserts nothing.
//
// Method. The corpus captures are small (about 12,000 scap events in all), so each phase replays
// all of them `passes` times in a row, each pass from the file with a fresh reader and a fresh
// state seeded from the capture's process/fd/user lists:
//   1. reader only (baseline): every scap event parsed, merged and converted;
//   2. reader + state + rules: the replay loop, alerts rendered into a string that is dropped;
//   3. records in memory: the Kestrel records of the whole corpus collected once (about 1,000),
//      then fed `passes` x 200 times through decode (baseline) and decode + state + rules, to
//      show the per-record cost without the reader's gzip and the foreign events.
// Peak RSS (getrusage ru_maxrss) is printed after each phase; it only grows.
//
// usage: replay_bench [passes=20] [rules file=shared/corpus/rules/falco_rules.yaml]
//        replay_bench --capture FILE [rules file]
//   The second form replays one (large) capture once, phases 1 and 2 only: bench/replay/
//   big_replay.sh builds one with make_big_capture.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "capture/scap/reader.hpp"
#include "daemon/capture_state.hpp"
#include "daemon/config.hpp"
#include "daemon/rules_engine.hpp"
#include "event/view.hpp"
#include "output/outputs.hpp"
#include "state/tables.hpp"

namespace {

using kestrel::capture::scap::ScapReader;
using kestrel::capture::scap::ScapRecord;

const std::string kShared = KESTREL_SHARED_DIR;

const char* const kCaptures[] = {
    "falco/cat_write.scap",
    "falco/connect_localhost.scap",
    "falco/empty.scap",
    "falco/open-multiple-files.scap",
    "falco/ping_sendto.scap",
    "falco/syscall.scap",
    "falco/psp/privileged.scap",
    "falco/psp/run_as_user_0_container.scap",
    "falco/psp/run_as_user_65534_container.scap",
    "falco/psp/write_tmp_test.scap",
    "libs/curl_google.scap",
    "libs/single_ipv6_conn.scap",
    "libs/test_ipv6_client.scap",
    "libs/sample.scap",
};

long peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

uint64_t scap_events(const ScapReader& r) {
    uint64_t n = 0;
    for (uint64_t c : r.stats().events_by_type) {
        n += c;
    }
    return n;
}

struct Totals {
    uint64_t scap_events = 0; // every event block entry read
    uint64_t records = 0;     // Kestrel records (what state and rules see)
    uint64_t alerts = 0;
    double seconds = 0;
};

void report(const char* what, const Totals& t, const Totals* base) {
    std::printf("%-44s %9.3f s  %10.0f scap ev/s  %10.0f records/s  alerts %llu", what, t.seconds,
                static_cast<double>(t.scap_events) / t.seconds,
                static_cast<double>(t.records) / t.seconds,
                static_cast<unsigned long long>(t.alerts));
    if (base != nullptr && base->seconds > 0) {
        std::printf("  (x%.2f the baseline's time)", t.seconds / base->seconds);
    }
    std::printf("  peak RSS %ld KiB\n", peak_rss_kib());
}

// Alerts are rendered into the outputs' queue as in kestrel, then discarded: no sink, so the
// figures are the engine's, not a terminal's.
kestrel::output::Outputs& discard_outputs() {
    static kestrel::output::Outputs outputs({}, kestrel::output::OutputsOptions{});
    return outputs;
}

std::vector<std::string> corpus_paths() {
    std::vector<std::string> paths;
    for (const char* name : kCaptures) {
        paths.push_back(kShared + "/corpus/scap/" + name);
    }
    return paths;
}

// One pass over every capture; engine == nullptr: reader only.
bool replay_pass(const std::vector<std::string>& paths, kestrel::daemon::RulesEngine* engine,
                 Totals* t) {
    ScapRecord record;
    kestrel::output::Outputs& out = discard_outputs();
    for (const std::string& name : paths) {
        auto reader = ScapReader::open(name);
        if (!reader.ok()) {
            std::fprintf(stderr, "%s: %s\n", name.c_str(), reader.error().to_string().c_str());
            return false;
        }
        std::unique_ptr<kestrel::state::Tables> tables;
        if (engine != nullptr) {
            tables = std::make_unique<kestrel::state::Tables>();
            kestrel::daemon::load_capture_state(**reader, *tables);
        }
        while (true) {
            auto more = (*reader)->next(&record);
            if (!more.ok() || !*more) {
                break;
            }
            if (record.kind != ScapRecord::Kind::kEvent) {
                continue;
            }
            ++t->records;
            if (engine == nullptr) {
                continue;
            }
            auto view = kestrel::event::decode(record.record(), nullptr);
            if (!view.ok()) {
                continue;
            }
            tables->apply(*view);
            if (!record.state_only) {
                t->alerts += engine->process(*view, view->ts_ns(), tables.get(), out);
            }
        }
        t->scap_events += scap_events(**reader);
    }
    return true;
}

} // namespace

// Phases 1 and 2 over one capture, once.
int bench_one_capture(const std::string& path, kestrel::daemon::RulesEngine& engine) {
    std::printf("replay_bench: %s, once\n", path.c_str());
    Totals reader_only;
    auto t0 = std::chrono::steady_clock::now();
    if (!replay_pass({path}, nullptr, &reader_only)) {
        return 1;
    }
    reader_only.seconds = seconds_since(t0);
    report("1. reader only (baseline)", reader_only, nullptr);
    Totals full;
    t0 = std::chrono::steady_clock::now();
    if (!replay_pass({path}, &engine, &full)) {
        return 1;
    }
    full.seconds = seconds_since(t0);
    report("2. reader + state + rules", full, &reader_only);
    return 0;
}

int main(int argc, char** argv) {
    const bool one_capture = argc > 2 && std::string(argv[1]) == "--capture";
    const int passes = argc > 1 && !one_capture ? std::atoi(argv[1]) : 20;
    const int rules_arg = one_capture ? 3 : 2;
    const std::string rules =
        argc > rules_arg ? argv[rules_arg] : kShared + "/corpus/rules/falco_rules.yaml";

    kestrel::daemon::Config config;
    config.rules_files = {rules};
    auto engine = kestrel::daemon::RulesEngine::load(config);
    if (!engine.ok()) {
        std::fprintf(stderr, "cannot load %s: %s\n", rules.c_str(),
                     engine.error().to_string().c_str());
        return 1;
    }
    if (one_capture) {
        std::printf("peak RSS after loading the rules: %ld KiB\n", peak_rss_kib());
        return bench_one_capture(argv[2], **engine);
    }
    const std::vector<std::string> corpus = corpus_paths();
    std::printf("replay_bench: %d passes over %zu corpus captures, rules %s\n", passes,
                std::size(kCaptures), rules.c_str());
    std::printf("peak RSS after loading the rules: %ld KiB\n", peak_rss_kib());

    Totals reader_only;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < passes; ++i) {
        if (!replay_pass(corpus, nullptr, &reader_only)) {
            return 1;
        }
    }
    reader_only.seconds = seconds_since(t0);
    report("1. reader only (baseline)", reader_only, nullptr);

    Totals full;
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < passes; ++i) {
        if (!replay_pass(corpus, engine->get(), &full)) {
            return 1;
        }
    }
    full.seconds = seconds_since(t0);
    report("2. reader + state + rules", full, &reader_only);

    // 3. The corpus's Kestrel records, in memory, one state for the whole stream.
    std::vector<std::vector<uint8_t>> records;
    kestrel::state::Tables seed_tables;
    for (const char* name : kCaptures) {
        auto reader = ScapReader::open(kShared + "/corpus/scap/" + name);
        if (!reader.ok()) {
            return 1;
        }
        kestrel::daemon::load_capture_state(**reader, seed_tables);
        ScapRecord record;
        while (true) {
            auto more = (*reader)->next(&record);
            if (!more.ok() || !*more) {
                break;
            }
            if (record.kind == ScapRecord::Kind::kEvent && !record.state_only) {
                records.push_back(record.bytes);
            }
        }
    }
    const int loops = passes * 200;
    Totals decode_only;
    uint64_t sink = 0;
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < loops; ++i) {
        for (const auto& bytes : records) {
            auto view = kestrel::event::decode(bytes, nullptr);
            sink += view.ok() ? view->type() : 0;
        }
        decode_only.records += records.size();
    }
    decode_only.scap_events = decode_only.records;
    decode_only.seconds = seconds_since(t0);
    report("3a. in-memory records: decode (baseline)", decode_only, nullptr);

    Totals in_memory;
    kestrel::output::Outputs& out = discard_outputs();
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < loops; ++i) {
        for (const auto& bytes : records) {
            auto view = kestrel::event::decode(bytes, nullptr);
            if (!view.ok()) {
                continue;
            }
            seed_tables.apply(*view);
            in_memory.alerts += (*engine)->process(*view, view->ts_ns(), &seed_tables, out);
        }
        in_memory.records += records.size();
    }
    in_memory.scap_events = in_memory.records;
    in_memory.seconds = seconds_since(t0);
    report("3b. in-memory records: decode+state+rules", in_memory, &decode_only);
    std::printf("(%zu distinct records; checksum %llu)\n", records.size(),
                static_cast<unsigned long long>(sink));
    return 0;
}
