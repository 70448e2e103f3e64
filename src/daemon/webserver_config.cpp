#include "daemon/webserver_config.hpp"

#include <fmt/format.h>

#include "daemon/config_read.hpp"

namespace kestrel::daemon {
namespace {

using base::ErrorCode;
using base::make_error;

} // namespace

base::Status read_webserver_config(const ConfigTree& tree, WebserverConfig* out) {
    YAML::Node block;
    if (lookup(tree, "webserver", &block) && !block.IsMap()) {
        return bad_value("webserver", "a mapping", block);
    }
    web::Options& options = out->options;
    KES_TRY(read_bool(tree, "webserver.enabled", &out->enabled));
    KES_TRY(read_uint(tree, "webserver.threadiness", &options.threadiness));
    KES_TRY(read_uint(tree, "webserver.listen_port", &options.listen_port));
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
