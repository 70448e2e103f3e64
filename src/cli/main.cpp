// kestrel: flags in, exit code out. Everything else lives in daemon/.

#include <cstdio>

#include <fmt/format.h>

#include "base/log.hpp"
#include "cli/options.hpp"
#include "cli/version.hpp"
#include "daemon/describe.hpp"
#include "daemon/list_fields.hpp"
#include "daemon/run.hpp"
#include "daemon/startup.hpp"
#include "daemon/validate.hpp"

namespace {

void print_version() {
    fmt::print("Kestrel version: {}\nFalco compatibility: {}\n", kestrel::cli::kKestrelVersion,
               kestrel::cli::kFalcoCompatVersion);
}

} // namespace

int main(int argc, char** argv) {
    using namespace kestrel;
    cli::ParseOutcome parsed = cli::parse_command_line(argc, argv);
    if (!parsed.options) {
        std::FILE* out = parsed.exit_code == 0 ? stdout : stderr;
        fmt::print(out, "{}\n", parsed.message);
        return parsed.exit_code;
    }
    const cli::CliOptions& options = *parsed.options;
    if (options.version) {
        print_version();
        return 0;
    }

    auto loaded = daemon::load_configuration(
        daemon::ConfigSources{options.config_file, options.overrides, options.rules_files});
    if (!loaded.ok()) {
        fmt::print(stderr, "kestrel: error: {}\n", loaded.error().to_string());
        return 1;
    }
    base::LogLevel level = base::LogLevel::kInfo;
    if (base::parse_log_level(loaded->config.log_level, &level)) {
        base::set_log_level(level);
    }
    for (const std::string& warning : loaded->warnings) {
        KES_LOG_WARN("{}", warning);
    }

    // Falco's action order: event list, field list, validation, then describe (which needs
    // the rules files loaded); each prints and exits.
    daemon::ListFormat format =
        daemon::parse_list_format(options.list_format).value_or(daemon::ListFormat::kText);
    if (options.list_events) {
        return daemon::list_events(format);
    }
    if (options.list_fields) {
        return daemon::list_fields(daemon::ListFieldsRequest{
            options.list_source, options.names_only, options.verbose, format});
    }
    bool describe = options.describe_all_rules || !options.describe_rule.empty();
    daemon::DescribeRequest describe_request{options.describe_all_rules, options.describe_rule,
                                             loaded->config.json_output, options.verbose};
    if (!options.validate_files.empty()) {
        if (describe) {
            return daemon::validate_and_describe(options.validate_files, describe_request);
        }
        return daemon::validate_rules_files(options.validate_files, loaded->config.json_output);
    }
    if (describe) {
        return daemon::describe_rules(loaded->config.rules_files, describe_request);
    }

    daemon::RunOptions run{options.dump, options.duration_seconds, options.unbuffered};
    return daemon::run(loaded->config, run);
}
