#include "daemon/http_output_config.hpp"

#include "daemon/config_read.hpp"

namespace kestrel::daemon {

base::Status read_http_output_config(const ConfigTree& tree, output::OutputsConfig* out) {
    output::HttpOptions& h = out->http;
    KES_TRY(read_bool(tree, "http_output.enabled", &out->http_enabled));
    KES_TRY(read_bool(tree, "json_output", &h.json_output));
    KES_TRY(read_string(tree, "http_output.url", &h.url));
    KES_TRY(read_string(tree, "http_output.user_agent", &h.user_agent));
    KES_TRY(read_bool(tree, "http_output.insecure", &h.insecure));
    KES_TRY(read_string(tree, "http_output.ca_cert", &h.ca_cert));
    KES_TRY(read_string(tree, "http_output.ca_bundle", &h.ca_bundle));
    KES_TRY(read_string(tree, "http_output.ca_path", &h.ca_path));
    KES_TRY(read_bool(tree, "http_output.mtls", &h.mtls));
    KES_TRY(read_string(tree, "http_output.client_cert", &h.client_cert));
    KES_TRY(read_string(tree, "http_output.client_key", &h.client_key));
    KES_TRY(read_bool(tree, "http_output.echo", &h.echo));
    KES_TRY(read_bool(tree, "http_output.compress_uploads", &h.compress_uploads));
    KES_TRY(read_bool(tree, "http_output.keep_alive", &h.keep_alive));
    KES_TRY(read_uint(tree, "http_output.max_consecutive_timeouts", &h.max_consecutive_timeouts));
    KES_TRY(read_uint(tree, "http_output.max_retries", &h.max_retries));
    KES_TRY(read_uint(tree, "http_output.retry_backoff_ms", &h.retry_backoff_ms, 1));
    KES_TRY(read_uint(tree, "http_output.retry_max_backoff_ms", &h.retry_max_backoff_ms, 1));
    KES_TRY(read_uint(tree, "http_output.timeout_ms", &h.timeout_ms, 1));
    KES_TRY(read_string(tree, "http_output.spool_dir", &h.spool_dir));
    KES_TRY(read_uint(tree, "http_output.spool_max_bytes", &h.spool_max_bytes, 1));
    if (h.retry_max_backoff_ms < h.retry_backoff_ms) {
        return base::make_error(base::ErrorCode::kInvalidArgument,
                                "configuration key 'http_output.retry_max_backoff_ms': must not "
                                "be below http_output.retry_backoff_ms");
    }
    if (out->http_enabled && h.url.empty()) {
        return base::make_error(base::ErrorCode::kInvalidArgument,
                                "configuration key 'http_output.url': required when "
                                "http_output.enabled is true");
    }
    if (out->http_enabled && h.spool_dir.empty()) {
        return base::make_error(base::ErrorCode::kInvalidArgument,
                                "configuration key 'http_output.spool_dir': must not be empty");
    }
    return base::Ok{};
}

} // namespace kestrel::daemon
