#include "rules/validation_output.hpp"

#include "rules/yaml_reader.hpp"

namespace kestrel::rules {

ValidationText validation_text(const std::vector<LoadResult>& results,
                               const std::map<std::string, std::string>& contents) {
    ValidationText out;
    for (const auto& res : results) {
        if (!out.summary.empty()) {
            out.summary += "\n";
        }
        if (!res.successful() || !res.has_warnings()) {
            out.summary += res.as_verbose_string(contents);
        } else {
            out.summary += res.name() + ": Ok, with warnings";
            out.warnings += res.as_verbose_string(contents) + "\n";
        }
        auto it = contents.find(res.name());
        if (!res.successful() && it != contents.end() && has_yaml_mapping_root(it->second)) {
            out.summary += "\nHint: --validate expects a rules file, that is a YAML list of rule, "
                           "macro, and list items. If this is a Falco configuration file, "
                           "validate it and its configured rules with `falco -c " +
                           res.name() + " --dry-run` instead.";
        }
    }
    return out;
}

std::string validation_json(const std::vector<LoadResult>& results,
                            const std::map<std::string, std::string>& contents) {
    std::string out = "{\"falco_load_results\":[";
    bool first = true;
    for (const auto& res : results) {
        out += first ? "" : ",";
        first = false;
        out += res.as_json(contents);
    }
    out += "]}";
    return out;
}

} // namespace kestrel::rules
