#pragma once
// The `http_output` block of falco.yaml (falco-compat.md §6) read into output::OutputsConfig:
// Falco's keys with Falco's defaults, and Kestrel's retry and spool keys (src/output/README.md,
// "HTTP output"). The body's Content-Type follows the top-level `json_output`, as in Falco.

#include "base/result.hpp"
#include "daemon/config_tree.hpp"
#include "output/config.hpp"

namespace kestrel::daemon {

// Absent keys keep the defaults already in `out`; errors name the key. An enabled output
// without a url is an error (Falco would post nowhere).
base::Status read_http_output_config(const ConfigTree& tree, output::OutputsConfig* out);

} // namespace kestrel::daemon
