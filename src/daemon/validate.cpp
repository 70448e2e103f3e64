#include "daemon/validate.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "base/log.hpp"
#include "rules/loader.hpp"
#include "rules/validation_output.hpp"

namespace kestrel::daemon {

int validate_rules_files(const std::vector<std::string>& files, bool json_output) {
    rules::RulesLoader loader;
    for (const std::string& file : files) {
        loader.load_file(file);
    }
    if (json_output) {
        fmt::print("{}\n", rules::validation_json(loader.results(), loader.contents()));
    } else {
        rules::ValidationText text = rules::validation_text(loader.results(), loader.contents());
        if (!text.warnings.empty()) {
            KES_LOG_WARN("{}", text.warnings);
        }
        // Falco prints the summary as one line block ending in a newline.
        bool ends_line = !text.summary.empty() && text.summary.back() == '\n';
        fmt::print("{}{}", text.summary, ends_line ? "" : "\n");
    }
    std::fflush(stdout);
    return loader.successful() ? 0 : 1;
}

} // namespace kestrel::daemon
