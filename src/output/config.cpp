#include "output/config.hpp"

#include "output/file_sink.hpp"
#include "output/http_sink.hpp"
#include "output/outputs.hpp"
#include "output/program_sink.hpp"
#include "output/stdout_sink.hpp"

namespace kestrel::output {

size_t resolve_queue_capacity(uint64_t configured) {
    return configured == 0 ? kDefaultQueueCapacity : static_cast<size_t>(configured);
}

base::Result<std::vector<std::unique_ptr<Sink>>> make_sinks(const OutputsConfig& config) {
    std::vector<std::unique_ptr<Sink>> sinks;
    if (config.stdout_enabled) {
        sinks.push_back(std::make_unique<StdoutSink>(config.buffered));
    }
    if (config.syslog_enabled) {
        sinks.push_back(std::make_unique<SyslogSink>(config.syslog_socket));
    }
    if (config.file_enabled) {
        auto file = FileSink::open(config.file_filename, config.file_keep_alive, config.buffered);
        if (!file.ok()) {
            return file.error();
        }
        sinks.push_back(std::move(*file));
    }
    if (config.program_enabled) {
        if (config.program.empty()) {
            return base::make_error(base::ErrorCode::kInvalidArgument,
                                    "configuration key 'program_output.program': required when "
                                    "program_output.enabled is true");
        }
        sinks.push_back(std::make_unique<ProgramSink>(config.program, config.program_keep_alive,
                                                      config.buffered));
    }
    if (config.http_enabled) {
        auto http = HttpSink::create(config.http);
        if (!http.ok()) {
            return http.error();
        }
        sinks.push_back(std::move(*http));
    }
    return sinks;
}

} // namespace kestrel::output
