#include "rules/loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/compiler.hpp"
#include "rules/yaml_reader.hpp"

namespace kestrel::rules {

RulesLoader::RulesLoader(LoaderOptions options)
    : options_(std::move(options)), collector_(options_.sources) {}

const LoadResult& RulesLoader::load_content(const std::string& content, const std::string& name) {
    contents_[name] = content;
    results_.emplace_back(name);
    LoadResult& res = results_.back();
    if (read_rules_content(content, name, collector_, res)) {
        CompiledRuleset compiled;
        if (compile_rules(collector_, res, &compiled)) {
            ruleset_ = std::move(compiled);
        }
    }
    return res;
}

const LoadResult& RulesLoader::load_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    if (in) {
        ss << in.rdbuf();
    }
    if (!in) {
        results_.emplace_back(path);
        results_.back().add_error(LoadErrorCode::kFileRead, "Could not read file " + path,
                                  Context(path));
        return results_.back();
    }
    return load_content(ss.str(), path);
}

bool RulesLoader::load_path(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) {
        return load_file(path).successful();
    }
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file(ec) && (ext == ".yml" || ext == ".yaml")) {
            files.push_back(entry.path().string());
        }
    }
    std::sort(files.begin(), files.end());
    bool ok = true;
    for (const auto& f : files) {
        ok = load_file(f).successful() && ok;
    }
    return ok;
}

bool RulesLoader::successful() const {
    return std::all_of(results_.begin(), results_.end(),
                       [](const LoadResult& r) { return r.successful(); });
}

bool RulesLoader::check_plugin_requirements(const std::vector<LoadedPlugin>& plugins,
                                            std::string* error) const {
    for (const auto& req : collector_.plugin_requirements()) {
        bool satisfied = false;
        std::string why;
        for (const auto& alt : req.alternatives) {
            Version want;
            if (!parse_version(alt.version, &want)) {
                continue;
            }
            if (alt.name == kNativeContainerPlugin) {
                satisfied = true;
                break;
            }
            auto it = std::find_if(plugins.begin(), plugins.end(),
                                   [&](const LoadedPlugin& p) { return p.name == alt.name; });
            if (it == plugins.end()) {
                why = "Plugin '" + alt.name + "' is required but not loaded";
                continue;
            }
            if (it->version.major != want.major || it->version < want) {
                why = "Plugin '" + alt.name + "' version '" + it->version.to_string() +
                      "' is not compatible with required plugin version '" + alt.version + "'";
                continue;
            }
            satisfied = true;
            break;
        }
        if (!satisfied) {
            *error = why;
            return false;
        }
    }
    return true;
}

} // namespace kestrel::rules
