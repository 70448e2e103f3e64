// --list and --list-events rendering: Falco's layouts over Kestrel's field registry and event
// schema.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon/list_fields.hpp"

namespace kestrel::daemon {
namespace {

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

TEST(ListFields, TextHasClassHeadersAndPaddedFieldNames) {
    auto text = render_field_list(ListFieldsRequest{});
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(text->rfind("-------------------------------\nField Class:                  evt "
                          "(All event types)\n",
                          0),
              0u)
        << text->substr(0, 200);
    EXPECT_TRUE(has(*text, "\nField Class:                  process\n"));
    EXPECT_TRUE(has(*text, "\nEvent Sources:                syscall \n\n"));
    EXPECT_TRUE(has(*text, "\nproc.name                     Name of the process"));
    // Tags in front of the description, sorted as libs' std::set.
    EXPECT_TRUE(has(*text, "\nproc.aname                    (ARG_ALLOWED"));
    // Classes current libs no longer has, and hidden ones, are not listed.
    EXPECT_FALSE(has(*text, "Field Class:                  syslog"));
    EXPECT_FALSE(has(*text, "Field Class:                  utils"));
}

TEST(ListFields, VerboseShowsTheType) {
    ListFieldsRequest request;
    request.verbose = true;
    auto text = render_field_list(request);
    ASSERT_TRUE(text.has_value());
    EXPECT_TRUE(has(*text, "\nproc.name                     (Type: CHARBUF) Name of the process"));
    EXPECT_TRUE(has(*text, "\nproc.pid                      (Type: INT64) "));
}

TEST(ListFields, DescriptionsWrapAtTheRightBlock) {
    auto text = render_field_list(ListFieldsRequest{});
    ASSERT_TRUE(text.has_value());
    size_t start = 0;
    while (start < text->size()) {
        size_t end = text->find('\n', start);
        std::string line = text->substr(start, end - start);
        // 30 columns of names, then at most 90 of words (each followed by a space); one word
        // longer than that is the only way past it.
        if (line.size() > 120) {
            EXPECT_EQ(line.find(' ', 30), line.size() - 1) << line;
        }
        start = end + 1;
    }
}

TEST(ListFields, NamesOnlyAndSourceFilter) {
    ListFieldsRequest request;
    request.source = "syscall";
    request.names_only = true;
    auto text = render_field_list(request);
    ASSERT_TRUE(text.has_value());
    EXPECT_TRUE(has(*text, "\nproc.name\n"));
    EXPECT_EQ(text->find(' '), std::string::npos);
    request.source = "k8s_audit";
    EXPECT_FALSE(render_field_list(request).has_value());
}

TEST(ListFields, MarkdownTables) {
    ListFieldsRequest request;
    request.format = ListFormat::kMarkdown;
    auto text = render_field_list(request);
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(text->rfind("## Field Class: evt\n\n", 0), 0u);
    EXPECT_TRUE(has(*text, "Name | Type | Description\n:----|:-----|:-----------\n"));
    EXPECT_TRUE(has(*text, "\n`proc.name` | CHARBUF | Name of the process"));
    EXPECT_TRUE(has(*text, "\n`proc.aname` | CHARBUF | "));
}

TEST(ListFields, JsonParses) {
    ListFieldsRequest request;
    request.format = ListFormat::kJson;
    auto text = render_field_list(request);
    ASSERT_TRUE(text.has_value());
    nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
    ASSERT_TRUE(doc.is_array());
    bool found = false;
    for (const auto& cls : doc) {
        for (const auto& f : cls["fields"]) {
            if (f["name"] == "proc.name") {
                found = true;
                EXPECT_EQ(f["type"], "CHARBUF");
                EXPECT_EQ(cls["name"], "process");
            }
        }
    }
    EXPECT_TRUE(found);
}

TEST(ListFormat, Parse) {
    EXPECT_EQ(parse_list_format("text"), ListFormat::kText);
    EXPECT_EQ(parse_list_format("markdown"), ListFormat::kMarkdown);
    EXPECT_EQ(parse_list_format("json"), ListFormat::kJson);
    EXPECT_FALSE(parse_list_format("yaml").has_value());
}

TEST(ListEvents, TextHasSectionsAndExitEvents) {
    std::string text = render_event_list(ListFormat::kText);
    EXPECT_TRUE(has(text, "## Syscall events\n\n< execve(ERRNO **res**, "));
    EXPECT_TRUE(has(text, "\n< openat(FD **fd**, FD **dirfd**, FSRELPATH **name**, FLAGS32 "
                          "**flags**, UINT32 **mode**, UINT32 **dev**, UINT64 **ino**)\n"));
    EXPECT_TRUE(has(text, "\n\n## Tracepoint events\n\n> procexit("));
    EXPECT_TRUE(has(text, "\n\n## Metaevents\n\n"));
}

TEST(ListEvents, MarkdownAndJson) {
    std::string md = render_event_list(ListFormat::kMarkdown);
    EXPECT_TRUE(has(md, "Default | Dir | Name | Params \n:-------|:----|:-----|:-----\n"));
    EXPECT_TRUE(has(md, "\nYes | `<` | `openat` | FD **fd**, "));
    nlohmann::json doc =
        nlohmann::json::parse(render_event_list(ListFormat::kJson), nullptr, false);
    ASSERT_TRUE(doc.is_array());
    bool found = false;
    for (const auto& e : doc) {
        if (e["name"] == "openat") {
            found = true;
            EXPECT_EQ(e["dir"], "<");
            EXPECT_EQ(e["params"][2]["name"], "name");
            EXPECT_EQ(e["params"][2]["type"], "FSRELPATH");
        }
    }
    EXPECT_TRUE(found);
}

} // namespace
} // namespace kestrel::daemon
