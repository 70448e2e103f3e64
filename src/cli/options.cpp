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
    std::string replay_file;
    app.add_option("-e", replay_file,
                   "Replay a capture file (.scap): short for -o engine.kind=replay "
                   "-o engine.replay.capture_file=<file>.")
        ->type_name("<capture_file>");
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
    app.add_flag("-v", options.verbose, "Verbose output (with --list: each field's type).");
    app.add_flag("-L", options.describe_all_rules,
                 "Show the name and description of all rules and exit. With "
                 "-o json_output=true, print details about all rules, macros and lists as JSON.");
    app.add_option("-l", options.describe_rule,
                   "Show the name and description of the rule <rule> and exit. With "
                   "-o json_output=true, print its details as JSON.")
        ->type_name("<rule>");
    CLI::Option* list =
        app.add_option("--list", options.list_source,
                       "List all defined fields and exit. With <source>, only the fields of that "
                       "event source (\"syscall\").")
            ->type_name("<source>")
            ->expected(0, 1);
    app.add_flag("-N", options.names_only, "With --list, only print field names.");
    app.add_option("--format", options.list_format,
                   "With --list/--list-events, the output format: text, markdown or json.")
        ->type_name("<format>")
        ->check(CLI::IsMember({"text", "markdown", "json"}));
    bool markdown = false;
    app.add_flag("--markdown", markdown,
                 "Deprecated: same as --format markdown (with --list/--list-events).");
    app.add_flag("--list-events", options.list_events,
                 "List all defined syscall, tracepoint and meta events with their parameters, "
                 "and exit.");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return ParseOutcome{std::nullopt, app.help(), 0};
    } catch (const CLI::ParseError& e) {
        return ParseOutcome{
            std::nullopt, std::string("kestrel: ") + e.what() + "\nRun with --help for usage.", 2};
    }
    if (!replay_file.empty()) {
        // Applied after every -o, like the Falco options it abbreviates would be if given last.
        options.overrides.push_back("engine.kind=replay");
        options.overrides.push_back("engine.replay.capture_file=" + replay_file);
    }
    if (!config_file.empty()) {
        options.config_file = config_file;
    }
    options.list_fields = list->count() > 0;
    if (markdown) {
        options.list_format = "markdown";
    }
    return ParseOutcome{options, {}, 0};
}

} // namespace kestrel::cli
