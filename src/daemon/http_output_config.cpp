#include "daemon/http_output_config.hpp"

#include <cerrno>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

namespace kestrel::daemon {
namespace {

base::Error bad_value(std::string_view key, std::string_view expected, const YAML::Node& node) {
    const std::string got = node.IsScalar() ? fmt::format("'{}'", node.Scalar())
                            : node.IsMap()  ? std::string("a mapping")
                                            : std::string("a list");
    return base::make_error(
        base::ErrorCode::kInvalidArgument,
        fmt::format("configuration key '{}': expected {}, got {}", key, expected, got));
}

// The node at `key` when it holds a value (absent and `key:` with nothing both mean "default").
bool lookup(const ConfigTree& tree, std::string_view key, YAML::Node* node) {
    *node = tree.find(key);
    return node->IsDefined() && !node->IsNull();
}

base::Status read_bool(const ConfigTree& tree, std::string_view key, bool* out) {
    YAML::Node node;
    if (lookup(tree, key, &node) &&
        (!node.IsScalar() || !YAML::convert<bool>::decode(node, *out))) {
        return bad_value(key, "a boolean (true or false)", node);
    }
    return base::Ok{};
}

base::Status read_string(const ConfigTree& tree, std::string_view key, std::string* out) {
    YAML::Node node;
    if (!lookup(tree, key, &node)) {
        return base::Ok{};
    }
    if (!node.IsScalar()) {
        return bad_value(key, "a string", node);
    }
    *out = node.Scalar();
    return base::Ok{};
}

template <typename T>
base::Status read_uint(const ConfigTree& tree, std::string_view key, T* out, uint64_t min = 0) {
    YAML::Node node;
    if (!lookup(tree, key, &node)) {
        return base::Ok{};
    }
    const std::string expected =
        fmt::format("an integer from {} to {}", min, std::numeric_limits<T>::max());
    if (!node.IsScalar() || node.Scalar().empty() || node.Scalar()[0] == '-') {
        return bad_value(key, expected, node);
    }
    char* end = nullptr;
    errno = 0;
    const unsigned long long value = std::strtoull(node.Scalar().c_str(), &end, 10);
    if (*end != '\0' || errno != 0 || value < min || value > std::numeric_limits<T>::max()) {
        return bad_value(key, expected, node);
    }
    *out = static_cast<T>(value);
    return base::Ok{};
}

} // namespace

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
