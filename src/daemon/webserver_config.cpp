#include "daemon/webserver_config.hpp"

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

namespace kestrel::daemon {
namespace {

using base::ErrorCode;
using base::make_error;

base::Error bad_value(std::string_view key, std::string_view expected, const YAML::Node& node) {
    std::string got = node.IsScalar() ? fmt::format("'{}'", node.Scalar())
                      : node.IsMap()  ? std::string("a mapping")
                                      : std::string("a list");
    return make_error(
        ErrorCode::kInvalidArgument,
        fmt::format("configuration key '{}': expected {}, got {}", key, expected, got));
}

// Returns the node only when the key is set to something (absent and null keep defaults).
bool present(const ConfigTree& tree, std::string_view key, YAML::Node* node) {
    *node = tree.find(key);
    return node->IsDefined() && !node->IsNull();
}

base::Status read_bool(const ConfigTree& tree, std::string_view key, bool* out) {
    YAML::Node node;
    if (!present(tree, key, &node)) {
        return base::Ok{};
    }
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, *out)) {
        return bad_value(key, "a boolean (true or false)", node);
    }
    return base::Ok{};
}

base::Status read_uint(const ConfigTree& tree, std::string_view key, uint64_t max, uint64_t* out) {
    YAML::Node node;
    if (!present(tree, key, &node)) {
        return base::Ok{};
    }
    std::string expected = fmt::format("an integer between 0 and {}", max);
    if (!node.IsScalar() || node.Scalar().empty() || node.Scalar()[0] == '-') {
        return bad_value(key, expected, node);
    }
    char* end = nullptr;
    errno = 0;
    unsigned long long value = std::strtoull(node.Scalar().c_str(), &end, 10);
    if (*end != '\0' || errno != 0 || value > max) {
        return bad_value(key, expected, node);
    }
    *out = value;
    return base::Ok{};
}

base::Status read_string(const ConfigTree& tree, std::string_view key, std::string* out) {
    YAML::Node node;
    if (!present(tree, key, &node)) {
        return base::Ok{};
    }
    if (!node.IsScalar()) {
        return bad_value(key, "a string", node);
    }
    *out = node.Scalar();
    return base::Ok{};
}

} // namespace

base::Status read_webserver_config(const ConfigTree& tree, WebserverConfig* out) {
    YAML::Node block;
    if (present(tree, "webserver", &block) && !block.IsMap()) {
        return bad_value("webserver", "a mapping", block);
    }
    web::Options& options = out->options;
    KES_TRY(read_bool(tree, "webserver.enabled", &out->enabled));
    uint64_t threadiness = options.threadiness;
    KES_TRY(read_uint(tree, "webserver.threadiness", UINT32_MAX, &threadiness));
    options.threadiness = static_cast<uint32_t>(threadiness);
    uint64_t port = options.listen_port;
    KES_TRY(read_uint(tree, "webserver.listen_port", 65535, &port));
    options.listen_port = static_cast<uint16_t>(port);
    KES_TRY(read_string(tree, "webserver.listen_address", &options.listen_address));
    if (!web::is_ip_address(options.listen_address)) {
        // Falco's message, with the key in front as for every other configuration error.
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("configuration key 'webserver.listen_address': webserver "
                                      "listen address \"{}\" is not a valid IP address",
                                      options.listen_address));
    }
    KES_TRY(read_string(tree, "webserver.k8s_healthz_endpoint", &options.healthz_endpoint));
    if (options.healthz_endpoint.empty() || options.healthz_endpoint[0] != '/') {
        return bad_value("webserver.k8s_healthz_endpoint", "a path starting with '/'",
                         YAML::Node(options.healthz_endpoint));
    }
    KES_TRY(
        read_bool(tree, "webserver.prometheus_metrics_enabled", &out->prometheus_metrics_enabled));
    KES_TRY(read_bool(tree, "webserver.ssl_enabled", &options.ssl_enabled));
    KES_TRY(read_string(tree, "webserver.ssl_certificate", &options.ssl_certificate));
    return base::Ok{};
}

} // namespace kestrel::daemon
