#include "daemon/config_read.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

namespace kestrel::daemon {

base::Error bad_value(std::string_view key, std::string_view expected, const YAML::Node& node) {
    std::string got = node.IsScalar()     ? fmt::format("'{}'", node.Scalar())
                      : node.IsSequence() ? std::string("a list")
                      : node.IsMap()      ? std::string("a mapping")
                                          : std::string("nothing");
    return base::make_error(
        base::ErrorCode::kInvalidArgument,
        fmt::format("configuration key '{}': expected {}, got {}", key, expected, got));
}

bool lookup(const ConfigTree& tree, std::string_view key, YAML::Node* node) {
    *node = tree.find(key);
    return node->IsDefined() && !node->IsNull();
}

base::Status read_bool(const ConfigTree& tree, std::string_view key, bool* out) {
    YAML::Node node;
    if (!lookup(tree, key, &node)) {
        return base::Ok{};
    }
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
        return bad_value(key, "a boolean (true or false)", node);
    }
    *out = value;
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

base::Status read_double(const ConfigTree& tree, std::string_view key, double* out) {
    YAML::Node node;
    if (!lookup(tree, key, &node)) {
        return base::Ok{};
    }
    if (!node.IsScalar() || node.Scalar().empty()) {
        return bad_value(key, "a number", node);
    }
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(node.Scalar().c_str(), &end);
    if (*end != '\0' || errno != 0) {
        return bad_value(key, "a number", node);
    }
    *out = value;
    return base::Ok{};
}

base::Status read_one_of(const ConfigTree& tree, std::string_view key,
                         std::initializer_list<std::string_view> allowed, std::string* out,
                         bool ignore_case) {
    std::string value = *out;
    KES_TRY(read_string(tree, key, &value));
    if (ignore_case) {
        std::transform(value.begin(), value.end(), value.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    for (std::string_view candidate : allowed) {
        if (candidate == value) {
            *out = value;
            return base::Ok{};
        }
    }
    std::string expected = "one of";
    for (std::string_view candidate : allowed) {
        expected += fmt::format(" '{}'", candidate);
    }
    return bad_value(key, expected, YAML::Node(value));
}

base::Status read_string_list(const ConfigTree& tree, std::string_view key,
                              std::vector<std::string>* out) {
    YAML::Node node;
    if (!lookup(tree, key, &node)) {
        return base::Ok{};
    }
    out->clear();
    if (node.IsScalar()) {
        out->push_back(node.Scalar());
        return base::Ok{};
    }
    if (!node.IsSequence()) {
        return bad_value(key, "a list of strings", node);
    }
    for (size_t i = 0; i < node.size(); ++i) {
        if (!node[i].IsScalar()) {
            return bad_value(fmt::format("{}[{}]", key, i), "a string", node[i]);
        }
        out->push_back(node[i].Scalar());
    }
    return base::Ok{};
}

base::Status read_uint64(const ConfigTree& tree, std::string_view key, uint64_t min, uint64_t max,
                         uint64_t* out) {
    YAML::Node node;
    if (!lookup(tree, key, &node)) {
        return base::Ok{};
    }
    const auto bad = [&] {
        return bad_value(key, fmt::format("an integer between {} and {}", min, max), node);
    };
    // strtoull would wrap "-1" around to 2^64-1.
    if (!node.IsScalar() || node.Scalar().empty() || node.Scalar()[0] == '-') {
        return bad();
    }
    char* end = nullptr;
    errno = 0;
    // Base 0, as yaml-cpp's convert<> (an istream with the decimal flag unset) reads for Falco.
    const unsigned long long value = std::strtoull(node.Scalar().c_str(), &end, 0);
    if (*end != '\0' || errno != 0 || value < min || value > max) {
        return bad();
    }
    *out = value;
    return base::Ok{};
}

} // namespace kestrel::daemon
