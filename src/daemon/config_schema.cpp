#include "daemon/config_schema.hpp"

namespace kestrel::daemon {
namespace {

using enum KeyShape;

// Falco's falco.yaml keys (shared/reference/falco-compat.md §6), plus the grpc keys that
// Falco <= 0.43 accepted, so older config files do not warn.
constexpr KnownKey kKnownKeys[] = {
    {"config_files", kList},
    {"watch_config_files", kScalar},
    {"rules_files", kList},
    {"rules_file", kList},
    {"rules", kAny},
    {"engine", kMap},
    {"engine.kind", kScalar},
    {"engine.kmod", kMap},
    {"engine.kmod.buf_size_preset", kScalar},
    {"engine.kmod.drop_failed_exit", kScalar},
    {"engine.ebpf", kMap},
    {"engine.ebpf.probe", kScalar},
    {"engine.ebpf.buf_size_preset", kScalar},
    {"engine.ebpf.drop_failed_exit", kScalar},
    {"engine.modern_ebpf", kMap},
    {"engine.modern_ebpf.cpus_for_each_buffer", kScalar},
    {"engine.modern_ebpf.buf_size_preset", kScalar},
    {"engine.modern_ebpf.drop_failed_exit", kScalar},
    {"engine.modern_ebpf.disable_iterators", kScalar},
    {"engine.replay", kMap},
    {"engine.replay.capture_file", kScalar},
    {"engine.gvisor", kAny},
    {"capture", kMap},
    {"capture.enabled", kScalar},
    {"capture.path_prefix", kScalar},
    {"capture.mode", kScalar},
    {"capture.default_duration", kScalar},
    {"capture.max_file_size_mb", kScalar},
    {"load_plugins", kList},
    {"plugins", kAny},
    {"plugins_hostinfo", kScalar},
    {"time_format_iso_8601", kScalar},
    {"buffer_format_base64", kScalar},
    {"priority", kScalar},
    {"json_output", kScalar},
    {"json_include_output_property", kScalar},
    {"json_include_message_property", kScalar},
    {"json_include_output_fields_property", kScalar},
    {"json_include_tags_property", kScalar},
    {"buffered_outputs", kScalar},
    {"rule_matching", kScalar},
    {"outputs_queue", kMap},
    {"outputs_queue.capacity", kScalar},
    {"append_output", kAny},
    {"static_fields", kAny},
    {"stdout_output", kMap},
    {"stdout_output.enabled", kScalar},
    {"syslog_output", kMap},
    {"syslog_output.enabled", kScalar},
    {"syslog_output.socket_path", kScalar}, // Kestrel's: the socket syslog(3) would use
    {"file_output", kMap},
    {"file_output.enabled", kScalar},
    {"file_output.keep_alive", kScalar},
    {"file_output.filename", kScalar},
    {"http_output", kMap},
    {"http_output.enabled", kScalar},
    {"http_output.url", kScalar},
    {"http_output.user_agent", kScalar},
    {"http_output.insecure", kScalar},
    {"http_output.ca_cert", kScalar},
    {"http_output.ca_bundle", kScalar},
    {"http_output.ca_path", kScalar},
    {"http_output.mtls", kScalar},
    {"http_output.client_cert", kScalar},
    {"http_output.client_key", kScalar},
    {"http_output.echo", kScalar},
    {"http_output.compress_uploads", kScalar},
    {"http_output.keep_alive", kScalar},
    {"http_output.max_consecutive_timeouts", kScalar},
    // Kestrel: retries and the on-disk spool (src/output/README.md).
    {"http_output.max_retries", kScalar},
    {"http_output.retry_backoff_ms", kScalar},
    {"http_output.retry_max_backoff_ms", kScalar},
    {"http_output.timeout_ms", kScalar},
    {"http_output.spool_dir", kScalar},
    {"http_output.spool_max_bytes", kScalar},
    {"program_output", kMap},
    {"program_output.enabled", kScalar},
    {"program_output.keep_alive", kScalar},
    {"program_output.program", kScalar},
    {"grpc", kAny},
    {"grpc_output", kAny},
    {"webserver", kMap},
    {"webserver.enabled", kScalar},
    {"webserver.threadiness", kScalar},
    {"webserver.listen_port", kScalar},
    {"webserver.listen_address", kScalar},
    {"webserver.k8s_healthz_endpoint", kScalar},
    {"webserver.k8s_audit_endpoint", kScalar}, // Falco <= 0.31, ignored
    {"webserver.prometheus_metrics_enabled", kScalar},
    {"webserver.ssl_enabled", kScalar},
    {"webserver.ssl_certificate", kScalar},
    {"log_stderr", kScalar},
    {"log_syslog", kScalar},
    {"log_level", kScalar},
    {"libs_logger", kMap},
    {"libs_logger.enabled", kScalar},
    {"libs_logger.severity", kScalar},
    {"output_timeout", kScalar},
    {"syscall_event_timeouts", kMap},
    {"syscall_event_timeouts.max_consecutives", kScalar},
    {"syscall_event_drops", kAny},
    {"metrics", kAny},
    {"base_syscalls", kMap},
    {"base_syscalls.custom_set", kList},
    {"base_syscalls.repair", kScalar},
    {"base_syscalls.all", kScalar},
    {"falco_libs", kMap},
    {"falco_libs.thread_table_size", kScalar},
    {"falco_libs.thread_table_auto_purging_interval_s", kScalar},
    {"falco_libs.thread_table_auto_purging_thread_timeout_s", kScalar},
    {"falco_libs.snaplen", kScalar},
    {"container_engines", kAny},
};

} // namespace

std::span<const KnownKey> known_config_keys() { return kKnownKeys; }

const KnownKey* find_known_key(std::string_view path) {
    for (const KnownKey& key : kKnownKeys) {
        if (key.path == path) {
            return &key;
        }
    }
    return nullptr;
}

} // namespace kestrel::daemon
