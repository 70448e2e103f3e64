#include "daemon/replay.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/log.hpp"
#include "base/time.hpp"
#include "capture/scap/reader.hpp"
#include "daemon/capture_state.hpp"
#include "daemon/engine_metrics.hpp"
#include "daemon/event_pipeline.hpp"
#include "daemon/outputs.hpp"
#include "daemon/rules_engine.hpp"
#include "daemon/web_endpoints.hpp"
#include "event/view.hpp"
#include "state/tables.hpp"

namespace kestrel::daemon {
namespace {

// libsinsp's numeric container types (container_type enum, CT_DOCKER = 0 ...), which old
// captures' `container` events carry; newer ones may carry the name already.
std::string_view container_type_name(uint64_t type) {
    constexpr std::string_view kNames[] = {"docker", "lxc",    "libvirt-lxc", "mesos",
                                           "rkt",    "custom", "cri",         "containerd",
                                           "cri-o",  "bpm",    "static",      "podman"};
    return type < std::size(kNames) ? kNames[type] : std::string_view{};
}

std::string_view param_text(const capture::scap::ForeignEvent& ev, std::string_view name) {
    for (const auto& p : ev.params) {
        if (p.name == name) {
            std::string_view text(reinterpret_cast<const char*>(p.value.data()), p.value.size());
            // charbuf values keep their terminating NUL in the file.
            while (!text.empty() && text.back() == '\0') {
                text.remove_suffix(1);
            }
            return text;
        }
    }
    return {};
}

std::optional<bool> json_bool(const nlohmann::json& c, const char* key) {
    auto f = c.find(key);
    return f != c.end() && f->is_boolean() ? std::optional<bool>(f->get<bool>()) : std::nullopt;
}

std::string json_text(const nlohmann::json& c, const char* key) {
    auto f = c.find(key);
    return f != c.end() && f->is_string() ? f->get<std::string>() : std::string{};
}

// A JSON object of strings as sorted (key, value) pairs; null or other shapes give none (old
// writers stored `"pod_sandbox_labels": null`).
std::vector<std::pair<std::string, std::string>> json_labels(const nlohmann::json& c,
                                                             const char* key) {
    std::vector<std::pair<std::string, std::string>> out;
    auto f = c.find(key);
    if (f == c.end() || !f->is_object()) {
        return out;
    }
    for (const auto& [k, v] : f->items()) {
        if (v.is_string()) {
            out.emplace_back(k, v.get<std::string>());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The container JSON's keys beyond id/name/image/type (libsinsp's container_info JSON, as the
// container plugin reads it): privileged and host namespaces, mounts, labels, pod sandbox.
void read_container_details(const nlohmann::json& c, state::Container& info) {
    info.privileged = json_bool(c, "privileged");
    info.host_pid = json_bool(c, "host_pid");
    info.host_network = json_bool(c, "host_network");
    info.host_ipc = json_bool(c, "host_ipc");
    info.image_id = json_text(c, "imageid");
    info.image_digest = json_text(c, "imagedigest");
    info.ip = json_text(c, "ip");
    info.cni_json = json_text(c, "cni_json");
    info.pod_sandbox_id = json_text(c, "pod_sandbox_id");
    info.labels = json_labels(c, "labels");
    info.pod_sandbox_labels = json_labels(c, "pod_sandbox_labels");
    if (auto mounts = c.find("Mounts"); mounts != c.end() && mounts->is_array()) {
        for (const nlohmann::json& m : *mounts) {
            if (!m.is_object()) {
                continue;
            }
            state::ContainerMount mount;
            mount.source = json_text(m, "Source");
            mount.dest = json_text(m, "Destination");
            mount.mode = json_text(m, "Mode");
            mount.rdwr = json_bool(m, "RW").value_or(false);
            mount.propagation = json_text(m, "Propagation");
            info.mounts.push_back(std::move(mount));
        }
    }
}

// Old captures describe containers with `container` events rather than through a runtime: the
// JSON form (PPME_CONTAINER_JSON_E / _2_E, libsinsp's parse_container_json_evt) or the older
// id/type/name/image form. They fill the state's container table so that container.name,
// container.image and container.privileged read as they did when the capture was taken.
// Malformed JSON is skipped: the capture still replays, only without that metadata.
void apply_container_event(const capture::scap::ForeignEvent& ev, state::Tables& tables) {
    state::Container info;
    if (std::string_view json = param_text(ev, "json"); !json.empty()) {
        auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
        if (doc.is_discarded() || !doc.is_object()) {
            return;
        }
        auto it = doc.find("container");
        if (it == doc.end() || !it->is_object()) {
            return;
        }
        const nlohmann::json& c = *it;
        info.id = json_text(c, "id");
        info.full_id = json_text(c, "full_id");
        info.name = json_text(c, "name");
        info.image = json_text(c, "image");
        if (auto f = c.find("type"); f != c.end()) {
            if (f->is_number_unsigned()) {
                info.type = container_type_name(f->get<uint64_t>());
            } else if (f->is_string()) {
                info.type = f->get<std::string>();
            }
        }
        read_container_details(c, info);
    } else {
        info.id = param_text(ev, "id");
        info.name = param_text(ev, "name");
        info.image = param_text(ev, "image");
        for (const auto& p : ev.params) {
            if (p.name == "type" && p.value.size() == 4) {
                uint32_t type = 0;
                std::memcpy(&type, p.value.data(), sizeof(type));
                info.type = container_type_name(type);
            }
        }
    }
    tables.upsert_container(info, ev.ts_ns);
}

} // namespace

int run_replay(const Config& config, const RunOptions& options, const std::atomic<bool>& stop) {
    auto engine = RulesEngine::load(config);
    if (!engine.ok()) {
        KES_LOG_ERROR("{}", engine.error().to_string());
        return 1;
    }
    const std::string& path = config.engine.replay_capture_file;
    auto reader = capture::scap::ScapReader::open(path);
    if (!reader.ok()) {
        KES_LOG_ERROR("cannot replay {}: {}", path, reader.error().to_string());
        return 1;
    }

    // The capture's process/fd/user lists give the state the capture started from; its events
    // then keep it current, exactly as live events do.
    state::Tables tables(state_config(config));
    load_capture_state(**reader, tables);

    capture::scap::ScapRecord record;
    event::DecodeCounters decode_errors;
    auto outputs = start_outputs(config, options, (*engine)->format_options());
    if (!outputs.ok()) {
        KES_LOG_ERROR("{}", outputs.error().to_string());
        return 1;
    }
    // Metrics as Falco reading a capture: no engine name, no kernel counters.
    EngineMetrics metrics(config, &(*engine)->ruleset());
    metrics.watch_outputs(**outputs);
    if (auto started = metrics.start(); !started.ok()) {
        KES_LOG_ERROR("{}", started.error().to_string());
        return 1;
    }
    EventPipeline pipeline(**engine, tables, **outputs);
    pipeline.set_metrics(metrics.counters());
    // Replay reads as fast as it can, with no loop-turn promise: healthy while it runs.
    engine_health().started(base::monotonic_ns(), /*beats=*/false);
    while (!stop.load(std::memory_order_relaxed)) {
        auto more = (*reader)->next(&record);
        if (!more.ok()) {
            pipeline.flush();
            KES_LOG_ERROR("cannot replay {}: {}", path, more.error().to_string());
            return 1;
        }
        if (!*more) {
            break;
        }
        if (record.kind == capture::scap::ScapRecord::Kind::kForeign &&
            record.foreign.name == "container") {
            apply_container_event(record.foreign, tables);
            continue;
        }
        if (record.kind != capture::scap::ScapRecord::Kind::kEvent) {
            continue;
        }
        auto view = event::decode(record.record(), &decode_errors);
        if (!view.ok()) {
            continue; // counted in decode_errors
        }
        // Capture records carry epoch nanoseconds already (see capture/scap/README.md). A
        // state_only record is kept by the writer for state tracking, not for rules.
        pipeline.on_event(*view, view->ts_ns(), /*evaluate=*/!record.state_only);
    }
    pipeline.flush();
    metrics.stop();          // it reads the outputs' counters: done before they shut down
    stop_outputs(**outputs); // every queued alert delivered (bounded), files flushed

    const auto& stats = (*reader)->stats();
    KES_LOG_INFO("replayed {}: {} events evaluated, {} alerts; {} events of types Kestrel does "
                 "not model yet, {} undecodable records",
                 path, pipeline.events(), pipeline.alerts(), stats.foreign, decode_errors.total());
    return 0;
}

} // namespace kestrel::daemon
