#include "daemon/config.hpp"

#include "state/tables.hpp"

#include <fmt/format.h>

#include "daemon/config_read.hpp"
#include "daemon/config_schema.hpp"
#include "daemon/http_output_config.hpp"
#include "daemon/output_config.hpp"

namespace kestrel::daemon {
namespace {

using base::ErrorCode;
using base::make_error;

void warn_unknown_keys(const YAML::Node& node, const std::string& prefix,
                       std::vector<std::string>* warnings) {
    for (auto it = node.begin(); it != node.end(); ++it) {
        std::string name = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
        std::string path = prefix.empty() ? name : prefix + "." + name;
        const KnownKey* known = find_known_key(path);
        if (known == nullptr) {
            warnings->push_back(fmt::format("unknown configuration key '{}' (ignored)", path));
            continue;
        }
        if (known->shape == KeyShape::kMap && it->second.IsMap()) {
            warn_unknown_keys(it->second, path, warnings);
        }
    }
}

base::Status read_rule_selection(const ConfigTree& tree, std::vector<RuleSelection>* out) {
    YAML::Node rules = tree.find("rules");
    if (!rules.IsDefined() || rules.IsNull()) {
        return base::Ok{};
    }
    if (!rules.IsSequence()) {
        return bad_value("rules", "a list of enable/disable entries", rules);
    }
    for (size_t i = 0; i < rules.size(); ++i) {
        std::string where = fmt::format("rules[{}]", i);
        const YAML::Node& entry = rules[i];
        if (!entry.IsMap() || entry.size() != 1) {
            return bad_value(where, "a mapping with one key, 'enable' or 'disable'", entry);
        }
        std::string action = entry.begin()->first.Scalar();
        const YAML::Node& target = entry.begin()->second;
        if (action != "enable" && action != "disable") {
            return bad_value(where, "'enable' or 'disable'", entry.begin()->first);
        }
        if (!target.IsMap() || target.size() != 1) {
            return bad_value(where + "." + action, "a mapping with one key, 'rule' or 'tag'",
                             target);
        }
        std::string kind = target.begin()->first.Scalar();
        const YAML::Node& value = target.begin()->second;
        if ((kind != "rule" && kind != "tag") || !value.IsScalar()) {
            return bad_value(where + "." + action, "'rule: <name>' or 'tag: <tag>'", target);
        }
        out->push_back(RuleSelection{action == "enable", kind == "tag", value.Scalar()});
    }
    return base::Ok{};
}

} // namespace

state::Config state_config(const Config& config) {
    state::Config out;
    out.thread_table_size = config.falco_libs.thread_table_size;
    out.thread_timeout_ns = config.falco_libs.thread_timeout_s * 1000ULL * 1000 * 1000;
    return out;
}

base::Result<Config> read_config(const ConfigTree& tree, std::vector<std::string>* warnings) {
    Config config;

    if (tree.find("rules_file").IsDefined() && tree.find("rules_files").IsDefined()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "configuration keys 'rules_file' and 'rules_files' are both set: "
                          "'rules_file' is a deprecated alias, keep only 'rules_files'");
    }
    KES_TRY(read_string_list(tree, "rules_file", &config.rules_files));
    KES_TRY(read_string_list(tree, "rules_files", &config.rules_files));
    KES_TRY(read_rule_selection(tree, &config.rule_selection));

    EngineConfig& engine = config.engine;
    KES_TRY(read_one_of(tree, "engine.kind", {"modern_ebpf", "replay", "nodriver", "kmod", "ebpf"},
                        &engine.kind));
    KES_TRY(read_uint(tree, "engine.modern_ebpf.cpus_for_each_buffer", &engine.cpus_for_each_buffer,
                      0, 4096));
    KES_TRY(read_uint(tree, "engine.modern_ebpf.buf_size_preset", &engine.buf_size_preset, 0, 10));
    if (engine.buf_size_preset == 0) {
        return bad_value("engine.modern_ebpf.buf_size_preset", "a preset between 1 and 10",
                         YAML::Node("0"));
    }
    KES_TRY(read_bool(tree, "engine.modern_ebpf.drop_failed_exit", &engine.drop_failed_exit));
    KES_TRY(read_bool(tree, "engine.modern_ebpf.disable_iterators", &engine.disable_iterators));
    KES_TRY(read_string(tree, "engine.replay.capture_file", &engine.replay_capture_file));
    KES_TRY(read_string_list(tree, "base_syscalls.custom_set", &config.base_syscalls.custom_set));
    KES_TRY(read_bool(tree, "base_syscalls.repair", &config.base_syscalls.repair));
    KES_TRY(read_bool(tree, "base_syscalls.all", &config.base_syscalls.all));
    KES_TRY(read_uint(tree, "falco_libs.thread_table_size", &config.falco_libs.thread_table_size, 0,
                      UINT32_MAX));
    KES_TRY(read_uint(tree, "falco_libs.thread_table_auto_purging_thread_timeout_s",
                      &config.falco_libs.thread_timeout_s, 0, UINT32_MAX));
    // Falco's code default is 0, meaning libs' own 80 bytes.
    uint64_t snaplen = config.falco_libs.snaplen;
    KES_TRY(read_uint(tree, "falco_libs.snaplen", &snaplen, 0, UINT32_MAX));
    config.falco_libs.snaplen = snaplen == 0 ? 80 : static_cast<uint32_t>(snaplen);
    if (engine.kind == "replay" && engine.replay_capture_file.empty()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "configuration key 'engine.replay.capture_file': required when "
                          "engine.kind is 'replay'");
    }

    KES_TRY(read_one_of(
        tree, "log_level",
        {"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"},
        &config.log_level));
    KES_TRY(read_bool(tree, "log_stderr", &config.log_stderr));
    KES_TRY(read_bool(tree, "log_syslog", &config.log_syslog));

    // Falco compares priority names without regard to case (`-o priority=WARNING` works).
    KES_TRY(read_one_of(tree, "priority",
                        {"emergency", "alert", "critical", "error", "warning", "notice",
                         "informational", "info", "debug"},
                        &config.priority, /*ignore_case=*/true));
    KES_TRY(read_one_of(tree, "rule_matching", {"first", "all"}, &config.rule_matching));
    KES_TRY(read_bool(tree, "json_output", &config.json_output));
    KES_TRY(read_bool(tree, "json_include_output_property", &config.json_include_output_property));
    KES_TRY(
        read_bool(tree, "json_include_message_property", &config.json_include_message_property));
    KES_TRY(read_bool(tree, "json_include_output_fields_property",
                      &config.json_include_output_fields_property));
    KES_TRY(read_bool(tree, "json_include_tags_property", &config.json_include_tags_property));
    KES_TRY(read_bool(tree, "time_format_iso_8601", &config.time_format_iso_8601));
    KES_TRY(read_bool(tree, "buffered_outputs", &config.buffered_outputs));
    KES_TRY(
        read_uint(tree, "outputs_queue.capacity", &config.outputs_queue_capacity, 0, UINT64_MAX));
    KES_TRY(read_bool(tree, "stdout_output.enabled", &config.stdout_output_enabled));
    KES_TRY(read_webserver_config(tree, &config.webserver));

    KES_TRY(read_metrics_config(tree, &config.metrics, warnings));
    KES_TRY(read_drops_config(tree, &config.syscall_event_drops));
    KES_TRY(read_output_config(tree, &config.outputs));
    KES_TRY(read_http_output_config(tree, &config.outputs));

    warn_unknown_keys(tree.root(), "", warnings);
    return config;
}

} // namespace kestrel::daemon
