#pragma once
// `kestrel --list [<source>]` and `--list-events`: the field and event references Falco prints
// (falco_engine::list_fields with libs' filter_fieldclass_info::as_string/as_markdown, and
// app/actions/print_syscall_events.cpp), from Kestrel's own field registry and event schema.

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
