#include "daemon/describe.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "base/log.hpp"
#include "daemon/default_rules.hpp"
#include "rules/loader.hpp"
#include "rules/validation_output.hpp"
#include "rules/yaml_reader.hpp"

namespace kestrel::daemon {
namespace {

// Falco formats each row with snprintf("%-50s %s") into a 4096-byte buffer whose last two bytes
// stay unused: longer rows are cut at 4094 characters.
constexpr size_t kNameColumn = 50;
constexpr size_t kMaxRowChars = 4094;
// Description column: wrap_text(desc, 51, 110).
constexpr uint32_t kDescriptionIndent = 51;
constexpr uint32_t kDescriptionLineLen = 110;

void append_two_columns(std::string& out, const std::string& left, const std::string& right) {
    std::string row = left;
    if (row.size() < kNameColumn) {
        row.append(kNameColumn - row.size(), ' ');
    }
    row += ' ';
    row += right;
    if (row.size() > kMaxRowChars) {
        row.resize(kMaxRowChars);
    }
    out += row;
    out += '\n';
}

bool has_rules_extension(const std::filesystem::path& p) {
    std::string ext = p.extension().string();
    return ext == ".yml" || ext == ".yaml";
}

void print_error(const std::string& message) {
    std::fflush(stdout);
    fmt::print(stderr, "Error: {}\n", message);
}

} // namespace

std::string falco_wrap_text(std::string_view in, uint32_t indent, uint32_t line_len) {
    std::istringstream words{std::string(in)};
    std::string out;
    std::string word;
    uint32_t len = 0;
    // std::setw(indent) << " " pads a single space to `indent` columns (at least one).
    const std::string pad(std::max<uint32_t>(indent, 1), ' ');
    while (words >> word) {
        if (len + word.size() + 1 <= line_len - indent) {
            len += static_cast<uint32_t>(word.size()) + 1;
        } else {
            out += '\n';
            out += pad;
            len = static_cast<uint32_t>(word.size()) + 1;
        }
        out += word;
        out += ' ';
    }
    return out;
}

std::string described_rules_text(const nlohmann::json& description) {
    std::string out;
    append_two_columns(out, "Rule", "Description");
    append_two_columns(out, "----", "-----------");
    auto rules = description.find("rules");
    if (rules == description.end()) {
        return out;
    }
    for (const auto& r : *rules) {
        const auto& info = r["info"];
        std::string desc = falco_wrap_text(info["description"].get<std::string>(),
                                           kDescriptionIndent, kDescriptionLineLen) +
                           "\n";
        append_two_columns(out, info["name"].get<std::string>(), desc);
    }
    return out;
}

std::vector<std::string> expand_rules_paths(const std::vector<std::string>& paths) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    for (const auto& path : paths) {
        std::error_code ec;
        if (!fs::is_directory(path, ec)) {
            files.push_back(path);
            continue;
        }
        std::vector<std::string> entries;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
            std::error_code type_ec;
            if (entry.is_regular_file(type_ec) && has_rules_extension(entry.path())) {
                entries.push_back(entry.path().string());
            }
        }
        std::sort(entries.begin(), entries.end());
        files.insert(files.end(), entries.begin(), entries.end());
    }
    return files;
}

namespace {

// The items as written, which the loader keeps to itself (conditions before the exceptions
// rewrite, exception names, list items before expansion): the same contents read again into a
// collector of our own. They loaded, so they read the same way.
rules::Collector collect_as_written(const rules::RulesLoader& loader) {
    rules::Collector collector;
    for (const auto& result : loader.results()) {
        auto content = loader.contents().find(result.name());
        if (content != loader.contents().end()) {
            rules::LoadResult scratch(result.name());
            rules::read_rules_content(content->second, result.name(), collector, scratch);
        }
    }
    return collector;
}

base::Result<nlohmann::json> describe_loaded(const rules::RulesLoader& loader,
                                             const DescribeRequest& request) {
    // As Falco: -l wins over -L when both are given.
    const std::string* rule_name = request.rule.empty() ? nullptr : &request.rule;
    return describe_json(loader.ruleset(), collect_as_written(loader), rule_name);
}

std::string dump(const nlohmann::json& doc) {
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

int validate_and_describe(const std::vector<std::string>& files, const DescribeRequest& request) {
    rules::RulesLoader loader;
    for (const std::string& file : files) {
        loader.load_file(file);
    }
    bool successful = loader.successful();
    nlohmann::json description;
    if (successful) {
        base::Result<nlohmann::json> described = describe_loaded(loader, request);
        if (!described.ok()) {
            print_error(described.error().message);
            return 1;
        }
        description = std::move(*described);
    }
    if (request.json) {
        std::string results = rules::validation_json(loader.results(), loader.contents());
        nlohmann::json doc = nlohmann::json::parse(results, nullptr, false);
        if (successful && doc.is_object()) {
            doc["falco_describe_results"] = std::move(description);
            results = dump(doc);
        }
        fmt::print("{}\n", results);
    } else {
        rules::ValidationText text = rules::validation_text(loader.results(), loader.contents());
        if (!text.warnings.empty()) {
            KES_LOG_WARN("{}", text.warnings);
        }
        bool ends_line = !text.summary.empty() && text.summary.back() == '\n';
        fmt::print("{}{}", text.summary, ends_line ? "" : "\n");
        if (successful) {
            fmt::print("\n{}", described_rules_text(description));
        }
    }
    std::fflush(stdout);
    return successful ? 0 : 1;
}

int describe_rules(const std::vector<std::string>& rules_paths, const DescribeRequest& request) {
    rules::RulesLoader loader;
    std::vector<std::string> files = expand_rules_paths(rules_paths);
    if (rules_paths.empty()) {
        // Nothing configured: the built-in ruleset, as a run would use it.
        const rules::LoadResult& res =
            loader.load_content(std::string(default_rules_content()), kDefaultRulesName);
        if (!res.successful()) {
            print_error(res.as_verbose_string(loader.contents()));
            return 1;
        }
    } else if (files.empty()) {
        // Only empty directories: Falco checks the expanded file list.
        print_error("You must specify at least one rules file/directory via -r or a rules_files "
                    "entry in falco.yaml");
        return 1;
    }
    for (const std::string& file : files) {
        const rules::LoadResult& res = loader.load_file(file);
        if (!res.successful()) {
            // Falco stops at the first file that fails and reports it in full.
            print_error(res.as_verbose_string(loader.contents()));
            return 1;
        }
        if (request.verbose && res.has_warnings()) {
            fmt::print(stderr, "{}\n", res.as_verbose_string(loader.contents()));
        }
    }
    std::string plugin_error;
    if (!loader.check_plugin_requirements({}, &plugin_error)) {
        print_error(plugin_error);
        return 1;
    }

    base::Result<nlohmann::json> doc = describe_loaded(loader, request);
    if (!doc.ok()) {
        print_error(doc.error().message);
        return 1;
    }
    if (request.json) {
        fmt::print("{}\n", dump(*doc));
    } else {
        fmt::print("{}", described_rules_text(*doc));
    }
    std::fflush(stdout);
    return 0;
}

} // namespace kestrel::daemon
