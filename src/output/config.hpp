#pragma once
// The output keys of falco.yaml (shared/reference/falco-compat.md §6) as the sinks need them,
// and the sinks they make. The daemon reads the keys (daemon/config.cpp) and fills this.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "output/http_sink.hpp"
#include "output/sink.hpp"
#include "output/syslog_sink.hpp"

namespace kestrel::output {

struct OutputsConfig {
    bool buffered = false;       // buffered_outputs, and not -U
    uint64_t queue_capacity = 0; // outputs_queue.capacity; 0 = kDefaultQueueCapacity

    bool stdout_enabled = true; // stdout_output.enabled

    bool syslog_enabled = true;                       // syslog_output.enabled
    std::string syslog_socket = kDefaultSyslogSocket; // syslog_output.socket_path (Kestrel's)

    bool file_enabled = false; // file_output.*
    bool file_keep_alive = false;
    std::string file_filename = "./events.txt";

    bool program_enabled = false; // program_output.*
    bool program_keep_alive = false;
    std::string program;

    bool http_enabled = false; // http_output.* (daemon/http_output_config.cpp reads them)
    HttpOptions http;
};

// The queue capacity `configured` stands for (0: Kestrel's bounded default).
size_t resolve_queue_capacity(uint64_t configured);

// The enabled sinks, in Falco's order (stdout, syslog, file, program, http). Fails when a file
// cannot be opened or a program output has no program (the message names the key).
base::Result<std::vector<std::unique_ptr<Sink>>> make_sinks(const OutputsConfig& config);

} // namespace kestrel::output
