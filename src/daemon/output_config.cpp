#include "daemon/output_config.hpp"

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

namespace kestrel::daemon {
namespace {

base::Error bad_value(std::string_view key, std::string_view expected, const YAML::Node& node) {
    std::string got = node.IsScalar() ? fmt::format("'{}'", node.Scalar())
                      : node.IsMap()  ? std::string("a mapping")
                                      : std::string("a list");
    return base::make_error(
        base::ErrorCode::kInvalidArgument,
        fmt::format("configuration key '{}': expected {}, got {}", key, expected, got));
}

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

base::Status read_uint(const ConfigTree& tree, std::string_view key, uint64_t* out) {
    YAML::Node node;
    if (!present(tree, key, &node)) {
        return base::Ok{};
    }
    const char* expected = "an integer of 0 or more";
    if (!node.IsScalar() || node.Scalar().empty() || node.Scalar()[0] == '-') {
        return bad_value(key, expected, node);
    }
    char* end = nullptr;
    errno = 0;
    const unsigned long long value = std::strtoull(node.Scalar().c_str(), &end, 0);
    if (*end != '\0' || errno != 0) {
        return bad_value(key, expected, node);
    }
    *out = value;
    return base::Ok{};
}

} // namespace

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
