#include "cli/options.hpp"

#include <CLI/CLI.hpp>

namespace kestrel::cli {

ParseOutcome parse_command_line(int argc, const char* const* argv) {
    CLI::App app{"Kestrel: a Falco-compatible runtime security engine for Linux", "kestrel"};
    CliOptions options;
    std::string config_file;

    app.add_option("-c", config_file,
                   "Configuration file (falco.yaml format). Default: /etc/falco/falco.yaml "
                   "when it exists, else built-in defaults.")
        ->type_name("<path>");
    app.add_option("-o,--option", options.overrides,
                   "Set a configuration key, overriding the file: key=value, key.sub=value, "
                   "list[2]=value, list[]=value appends (repeatable, applied in order).")
        ->type_name("<key>=<value>")
        ->allow_extra_args(false);
    app.add_option("-r", options.rules_files,
                   "Rules file or directory (repeatable); replaces rules_files from the config.")
        ->type_name("<rules_file>")
        ->allow_extra_args(false);
    app.add_option("-V,--validate", options.validate_files,
                   "Validate the rules file(s) and exit (repeatable; loaded in order). With "
                   "-o json_output=true the result is one JSON document.")
        ->type_name("<rules_file>")
        ->allow_extra_args(false);
    app.add_flag("--dump", options.dump,
                 "Print every captured event as one JSON line (like sysdig -j) instead of "
                 "evaluating rules.");
    app.add_option("-M", options.duration_seconds, "Stop after <seconds>.")->type_name("<seconds>");
    app.add_flag("-U,--unbuffered", options.unbuffered, "Turn off output buffering.");
    app.add_flag("--version", options.version, "Print version information and exit.");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return ParseOutcome{std::nullopt, app.help(), 0};
    } catch (const CLI::ParseError& e) {
        return ParseOutcome{
            std::nullopt, std::string("kestrel: ") + e.what() + "\nRun with --help for usage.", 2};
    }
    if (!config_file.empty()) {
        options.config_file = config_file;
    }
    return ParseOutcome{options, {}, 0};
}

} // namespace kestrel::cli
