#include "daemon/startup.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "base/time.hpp"

namespace kestrel::daemon {

base::Result<LoadedConfig> load_configuration(const ConfigSources& sources) {
    LoadedConfig loaded;
    ConfigTree tree;
    if (sources.config_file) {
        loaded.config_path = *sources.config_file;
    } else if (access(kDefaultConfigPath, R_OK) == 0) {
        loaded.config_path = kDefaultConfigPath;
    }
    if (!loaded.config_path.empty()) {
        auto file = ConfigTree::load_file(loaded.config_path);
        if (!file.ok()) {
            return file.error();
        }
        tree = std::move(*file);
    }
    for (const std::string& assignment : sources.overrides) {
        KES_TRY(tree.apply_override(assignment));
    }
    auto config = read_config(tree, &loaded.warnings);
    if (!config.ok()) {
        return std::move(config)
            .with_context(loaded.config_path.empty() ? "command line" : loaded.config_path)
            .error();
    }
    loaded.config = std::move(*config);
    if (!loaded.config_path.empty()) {
        loaded.config.config_files = {loaded.config_path};
    }
    loaded.config.loaded_ns = base::wall_clock_ns();
    if (!sources.rules_files.empty()) {
        loaded.config.rules_files = sources.rules_files;
    }
    return loaded;
}

} // namespace kestrel::daemon
