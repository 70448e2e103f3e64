#pragma once
// Typed reads of one falco.yaml key, shared by every *_config.cpp reader. A key that is absent,
// or present with no value (`key:`), keeps the default already in `*out`; a malformed value is
// an error naming the key: "configuration key 'a.b': expected <what>, got <what was there>".

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "daemon/config_tree.hpp"

namespace kestrel::daemon {

base::Error bad_value(std::string_view key, std::string_view expected, const YAML::Node& node);

// The node at `key` when it holds a value.
bool lookup(const ConfigTree& tree, std::string_view key, YAML::Node* node);

base::Status read_bool(const ConfigTree& tree, std::string_view key, bool* out);
base::Status read_string(const ConfigTree& tree, std::string_view key, std::string* out);
base::Status read_double(const ConfigTree& tree, std::string_view key, double* out);

// One of `allowed` (compared after lowering the case when `ignore_case`).
base::Status read_one_of(const ConfigTree& tree, std::string_view key,
                         std::initializer_list<std::string_view> allowed, std::string* out,
                         bool ignore_case = false);

// A list of strings; a single scalar counts as a one-element list (Falco accepts both).
base::Status read_string_list(const ConfigTree& tree, std::string_view key,
                              std::vector<std::string>* out);

// An integer in [min, max], written as yaml-cpp reads integers for Falco (decimal, 0x hex,
// leading-0 octal).
base::Status read_uint64(const ConfigTree& tree, std::string_view key, uint64_t min, uint64_t max,
                         uint64_t* out);

template <typename T>
base::Status read_uint(const ConfigTree& tree, std::string_view key, T* out, uint64_t min = 0,
                       uint64_t max = std::numeric_limits<T>::max()) {
    uint64_t value = *out;
    KES_TRY(read_uint64(tree, key, min, max, &value));
    *out = static_cast<T>(value);
    return base::Ok{};
}

} // namespace kestrel::daemon
