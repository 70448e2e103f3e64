#pragma once
// The rules loader, the module's entry point: Falco's load_rules() for one rules file after
// another. Each file is read into one shared collection (later files redefine, append to and
// override earlier items), then everything loaded so far is compiled; each file gets its own
// LoadResult with Falco's codes and messages, printable in `falco -V` text or JSON form.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "rules/collector.hpp"
#include "rules/diagnostics.hpp"
#include "rules/ruleset.hpp"

namespace kestrel::rules {

struct LoaderOptions {
    // Event sources with a provider: rules of other sources warn LOAD_UNKNOWN_SOURCE and are
    // skipped, as in Falco without the matching plugin.
    std::set<std::string> sources = {"syscall"};
};

struct LoadedPlugin {
    std::string name;
    Version version;
};

class RulesLoader {
  public:
    explicit RulesLoader(LoaderOptions options = {});

    // Loads one rules file given its content; `name` is how diagnostics name it.
    const LoadResult& load_content(const std::string& content, const std::string& name);
    // Reads and loads a file (LOAD_ERR_FILE_READ if it cannot be read).
    const LoadResult& load_file(const std::string& path);
    // A file, or a directory's *.yml/*.yaml files in lexical order (not recursive), as Falco
    // expands `rules_files` entries and `-r` arguments. Returns false if any load failed.
    bool load_path(const std::string& path);

    [[nodiscard]] const std::vector<LoadResult>& results() const { return results_; }
    [[nodiscard]] bool successful() const;
    // The result of the last successful compilation (empty before any).
    [[nodiscard]] const CompiledRuleset& ruleset() const { return ruleset_; }
    // File name -> content, for diagnostics snippets.
    [[nodiscard]] const std::map<std::string, std::string>& contents() const { return contents_; }

    // Checks `required_plugin_versions` against loaded plugins, as Falco does after loading:
    // each requirement needs one alternative loaded with the same major and an equal or higher
    // version. The container plugin is always satisfied: Kestrel provides its fields natively.
    bool check_plugin_requirements(const std::vector<LoadedPlugin>& plugins,
                                   std::string* error) const;

  private:
    LoaderOptions options_;
    Collector collector_;
    std::vector<LoadResult> results_;
    std::map<std::string, std::string> contents_;
    CompiledRuleset ruleset_;
};

} // namespace kestrel::rules
