#pragma once
// `kestrel --list [<source>]` and `--list-events`: the field and event references Falco prints
// (falco_engine::list_fields with libs' filter_fieldclass_info::as_string/as_markdown, and
// app/actions/print_syscall_events.cpp), from Kestrel's own field registry and event schema.
//
// Where the output differs from Falco's, and why:
//  * --list: the classes and descriptions are Kestrel's registry (container.* and k8s.* are two
//    classes, where Falco shows the container plugin's fields as one); the only event source
//    is `syscall`. The JSON form (`--format json`) is Kestrel's own layout.
//  * --list-events: Kestrel emits each syscall once, at exit, so every syscall event is listed
//    once with '<' (Falco also lists the enter events, '>', and one generic entry per syscall
//    without a dedicated event). Flag parameters are not followed by their bit names, and the
//    first line names Kestrel's schema instead of a driver schema version.

#include <optional>
#include <string>

namespace kestrel::daemon {

enum class ListFormat { kText, kMarkdown, kJson };

// "text", "markdown", "json" (Falco 0.44's --format values).
std::optional<ListFormat> parse_list_format(const std::string& text);

struct ListFieldsRequest {
    std::string source;      // empty: every source
    bool names_only = false; // -N
    bool verbose = false;    // -v: the field type in front of each description
    ListFormat format = ListFormat::kText;
};

// The whole listing, or nullopt when `source` is not an event source Kestrel has (Falco's
// "Value for --list must be a valid source type").
std::optional<std::string> render_field_list(const ListFieldsRequest& request);

// Prints the listing; returns Falco's exit code (1 with "Error: ..." for an unknown source).
int list_fields(const ListFieldsRequest& request);

std::string render_event_list(ListFormat format);

// Prints the event listing; always 0.
int list_events(ListFormat format);

} // namespace kestrel::daemon
