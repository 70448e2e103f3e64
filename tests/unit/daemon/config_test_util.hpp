#pragma once
// A falco.yaml text (plus -o overrides) read into a Config, for the configuration tests of
// daemon/ and web/.

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/config.hpp"

namespace kestrel::daemon::testing {

struct Loaded {
    base::Result<Config> config;
    std::vector<std::string> warnings;
};

inline Loaded read(std::string_view yaml, std::initializer_list<std::string_view> overrides = {}) {
    auto tree = ConfigTree::load_string(yaml, "falco.yaml");
    EXPECT_TRUE(tree.ok());
    for (std::string_view o : overrides) {
        EXPECT_TRUE(tree->apply_override(o).ok()) << o;
    }
    std::vector<std::string> warnings;
    auto config = read_config(*tree, &warnings);
    return Loaded{std::move(config), std::move(warnings)};
}

// The error as text, or "(no error)".
inline std::string error_of(const Loaded& loaded) {
    return loaded.config.ok() ? std::string("(no error)") : loaded.config.error().to_string();
}

} // namespace kestrel::daemon::testing
