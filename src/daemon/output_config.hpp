#pragma once
// The output keys of falco.yaml (falco-compat.md §6) read into output::OutputsConfig: Falco's
// stdout_output, syslog_output, file_output, program_output, buffered_outputs and
// outputs_queue.capacity, plus one Kestrel key, syslog_output.socket_path (where syslog(3)
// would send: /dev/log unless set). http_output is read by the HTTP sink's own reader.

#include "base/result.hpp"
#include "daemon/config_tree.hpp"
#include "output/config.hpp"

namespace kestrel::daemon {

// Absent keys keep the defaults already in `out`; errors name the key.
base::Status read_output_config(const ConfigTree& tree, output::OutputsConfig* out);

} // namespace kestrel::daemon
