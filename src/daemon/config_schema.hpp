#pragma once
// The set of configuration keys Falco documents, with the shape each value must have. Used to
// warn about unknown keys (typos) without rejecting a user's falco.yaml.

#include <span>
#include <string_view>

namespace kestrel::daemon {

enum class KeyShape {
    kScalar, // bool, number, string or duration: checked when read
    kList,   // a sequence (or a single scalar where Falco accepts one)
    kMap,    // a mapping whose children are listed in the schema
    kAny,    // free-form (plugin init_config, static_fields, ...): not descended into
};

struct KnownKey {
    std::string_view path; // dotted
    KeyShape shape;
};

std::span<const KnownKey> known_config_keys();
const KnownKey* find_known_key(std::string_view path);

} // namespace kestrel::daemon
