#pragma once
// From command-line inputs to a validated Config, the way Falco does it: the config file (or
// the default one), then every `-o` in order, then `-r` replacing rules_files.

#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "daemon/config.hpp"

namespace kestrel::daemon {

inline constexpr const char* kDefaultConfigPath = "/etc/falco/falco.yaml";

struct ConfigSources {
    std::optional<std::string> config_file; // absent: kDefaultConfigPath if it exists
    std::vector<std::string> overrides;
    std::vector<std::string> rules_files;
};

struct LoadedConfig {
    Config config;
    std::string config_path;           // empty when running on built-in defaults
    std::vector<std::string> warnings; // unknown keys and the like, to log
};

base::Result<LoadedConfig> load_configuration(const ConfigSources& sources);

} // namespace kestrel::daemon
