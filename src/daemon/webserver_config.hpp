#pragma once
// Falco's `webserver` block (falco-compat.md §6) read into web::Options.

#include "base/result.hpp"
#include "daemon/config_tree.hpp"
#include "web/server.hpp"

namespace kestrel::daemon {

struct WebserverConfig {
    // Falco's shipped falco.yaml turns the web server on; so does Kestrel's default. Unlike
    // Falco (0.0.0.0), Kestrel listens on loopback unless told otherwise (README.md).
    bool enabled = true;
    bool prometheus_metrics_enabled = false;
    web::Options options{.listen_address = "127.0.0.1",
                         .listen_port = 8765,
                         .threadiness = 0,
                         .healthz_endpoint = "/healthz",
                         .ssl_enabled = false,
                         .ssl_certificate = "/etc/falco/falco.pem"};
};

// Reads webserver.* into `out` (absent keys keep their defaults). Errors name the key.
base::Status read_webserver_config(const ConfigTree& tree, WebserverConfig* out);

} // namespace kestrel::daemon
