#include "daemon/output_config.hpp"

#include "daemon/config_read.hpp"

namespace kestrel::daemon {

base::Status read_output_config(const ConfigTree& tree, output::OutputsConfig* out) {
    KES_TRY(read_bool(tree, "buffered_outputs", &out->buffered));
    KES_TRY(read_uint(tree, "outputs_queue.capacity", &out->queue_capacity));
    KES_TRY(read_bool(tree, "stdout_output.enabled", &out->stdout_enabled));
    KES_TRY(read_bool(tree, "syslog_output.enabled", &out->syslog_enabled));
    KES_TRY(read_string(tree, "syslog_output.socket_path", &out->syslog_socket));
    KES_TRY(read_bool(tree, "file_output.enabled", &out->file_enabled));
    KES_TRY(read_bool(tree, "file_output.keep_alive", &out->file_keep_alive));
    KES_TRY(read_string(tree, "file_output.filename", &out->file_filename));
    KES_TRY(read_bool(tree, "program_output.enabled", &out->program_enabled));
    KES_TRY(read_bool(tree, "program_output.keep_alive", &out->program_keep_alive));
    KES_TRY(read_string(tree, "program_output.program", &out->program));
    if (out->file_enabled && out->file_filename.empty()) {
        return base::make_error(base::ErrorCode::kInvalidArgument,
                                "configuration key 'file_output.filename': required when "
                                "file_output.enabled is true");
    }
    if (out->program_enabled && out->program.empty()) {
        return base::make_error(base::ErrorCode::kInvalidArgument,
                                "configuration key 'program_output.program': required when "
                                "program_output.enabled is true");
    }
    return base::Ok{};
}

} // namespace kestrel::daemon
