// Rendering of load results as `falco -V` prints them (falco-testing.md §3c): verbose text with
// context chain and snippet, compact JSON with sorted keys.

#include <gtest/gtest.h>

#include "rules/loader.hpp"
#include "rules/validation_output.hpp"

namespace kestrel::rules {
namespace {

TEST(Diagnostics, VerboseTextOfStructureError) {
    RulesLoader l;
    l.load_content("This is not yaml\n", "bad.yaml");
    EXPECT_EQ(l.results()[0].as_verbose_string(l.contents()),
              "bad.yaml: Invalid\n"
              "1 Errors:\n"
              "In rules content: (bad.yaml:0:0)\n"
              "------\n"
              "This is not yaml\n"
              "^\n"
              "------\n"
              "LOAD_ERR_YAML_VALIDATE (Error validating internal structure of YAML file): Rules "
              "content is not yaml\n");
    EXPECT_EQ(l.results()[0].as_summary_string(),
              "bad.yaml: Invalid\n 1 errors: [LOAD_ERR_YAML_VALIDATE (Error validating internal "
              "structure of YAML file)]");
}

// A NUL byte (not a YAML character; yaml-cpp would stop reading there) is refused with its
// position, and so is a comma where a root node starts (yaml-cpp 0.7 would never return).
TEST(Diagnostics, InputThatWouldHangTheYamlParserIsRefused) {
    RulesLoader nul;
    nul.load_content(std::string("- list: a\n  items: [x]\n&a\0b,", 28), "nul.yaml");
    EXPECT_FALSE(nul.successful());
    EXPECT_NE(nul.results()[0].as_summary_string().find("LOAD_ERR_YAML_PARSE"), std::string::npos);
    EXPECT_NE(nul.results()[0]
                  .as_verbose_string(nul.contents())
                  .find("line 3, column 3: a NUL byte is not allowed in a YAML stream"),
              std::string::npos)
        << nul.results()[0].as_verbose_string(nul.contents());

    RulesLoader comma;
    comma.load_content("- a\n, b\n", "comma.yaml");
    EXPECT_FALSE(comma.successful());
}

TEST(Diagnostics, ContextChainAndSnippetOfItemError) {
    RulesLoader l;
    l.load_content("- list: good_list\n  items: [foo]\n- list: bad_list\n  no_items: foo\n",
                   "lists.yaml");
    const std::string text = l.results()[0].as_verbose_string(l.contents());
    EXPECT_NE(
        text.find("In rules content: (lists.yaml:0:0)\n    list 'bad_list': (lists.yaml:2:2)\n"),
        std::string::npos)
        << text;
    EXPECT_NE(text.find("------\n- list: bad_list\n  ^\n------\n"), std::string::npos) << text;
}

TEST(Diagnostics, ConditionErrorPointsIntoTheCondition) {
    RulesLoader l;
    l.load_content("- rule: r\n  desc: d\n  condition: evt.type=open bar\n  output: o\n  "
                   "priority: INFO\n",
                   "cond.yaml");
    ASSERT_EQ(l.results()[0].errors().size(), 1u);
    const auto& err = l.results()[0].errors()[0];
    EXPECT_EQ(err.message, "unexpected token after 'open', expecting 'or', 'and'");
    const auto& loc = err.ctx.locations().back();
    EXPECT_EQ(loc.item_type, ItemType::kConditionExpression);
    EXPECT_EQ(loc.name, "\"evt.type=open bar\"");
    // The snippet is the condition itself. Falco adds the condition's offset in the file to the
    // parser offset and then indexes the condition text with it, so the caret usually lands on
    // the last character; Kestrel keeps that, byte for byte.
    EXPECT_EQ(err.ctx.snippet(l.contents()), "evt.type=open bar\n                ^\n");
    EXPECT_EQ(loc.pos.line, 3u);    // condition line 2 (0-based) + parser line 1
    EXPECT_EQ(loc.pos.column, 28u); // condition column 13 + parser column 15
}

TEST(Diagnostics, JsonShapeAndKeyOrder) {
    RulesLoader l;
    l.load_content("- macro: some_macro\n  condition: evt.type=execve\n", "m.yaml");
    const std::string json = validation_json(l.results(), l.contents());
    EXPECT_EQ(json,
              "{\"falco_load_results\":[{\"errors\":[],\"name\":\"m.yaml\",\"successful\":true,"
              "\"warnings\":[{\"code\":\"LOAD_UNUSED_MACRO\",\"codedesc\":\"A macro is defined in "
              "the rules content but is not used by any other macro or rule.\",\"context\":{"
              "\"locations\":[{\"item_name\":\"\",\"item_type\":\"rules content\",\"position\":{"
              "\"column\":0,\"line\":0,\"name\":\"m.yaml\",\"offset\":0}},{\"item_name\":\"some_"
              "macro\",\"item_type\":\"macro\",\"position\":{\"column\":2,\"line\":0,\"name\":\"m."
              "yaml\",\"offset\":2}}],\"snippet\":\"- macro: some_macro\\n  ^\\n\"},\"message\":"
              "\"Macro not referred to by any other rule/macro\"}]}]}");
}

TEST(Diagnostics, ErrorCodeDescriptionIsTheShortString) {
    RulesLoader l;
    l.load_content("foo: bar\n", "cfg.yaml");
    const std::string json = l.results()[0].as_json(l.contents());
    EXPECT_NE(json.find("\"codedesc\":\"Error validating internal structure of YAML file\""),
              std::string::npos);
    const auto text = validation_text(l.results(), l.contents());
    EXPECT_NE(text.summary.find("Hint: --validate expects a rules file"), std::string::npos);
}

TEST(Diagnostics, WarningsOnlyGoToTheLog) {
    RulesLoader l;
    l.load_content("- macro: m\n  condition: evt.type=open\n", "w.yaml");
    l.load_content("- list: x\n  items: []\n- rule: r\n  desc: d\n  condition: evt.type in (x, "
                   "open) and m\n  output: o\n  priority: INFO\n",
                   "ok.yaml");
    const auto text = validation_text(l.results(), l.contents());
    EXPECT_EQ(text.summary, "w.yaml: Ok, with warnings\nok.yaml: Ok");
    EXPECT_NE(text.warnings.find("LOAD_UNUSED_MACRO"), std::string::npos);
}

TEST(Diagnostics, JsonReplacesInvalidUtf8) {
    EXPECT_EQ(json_quote("a\xff"
                         "b\n\x01"),
              "\"a\xEF\xBF\xBD"
              "b\\n\\u0001\"");
    EXPECT_EQ(json_quote("h\xC3\xA9"), "\"h\xC3\xA9\"");
}

} // namespace
} // namespace kestrel::rules

namespace kestrel::rules {
namespace {

// yaml-cpp 0.7's LoadAll() loops forever when a document starts on a token no node can start
// with; the reader refuses it (found by tests/fuzz/fuzz_rules_loader), and still accepts commas
// and empty documents where YAML allows them.
TEST(YamlReader, RefusesInputThatHangsYamlCpp) {
    for (const char* bad : {"- a\n, c\n",
                            ", c\n",
                            "- a: [b]\n, c: d\n",
                            "- a: \"b\"\n, c\n",
                            " ,r-rr",
                            "--- ,",
                            "- a\n---\n ,",
                            "# c\n ,",
                            "  - a\n ,r",
                            "!,",
                            "&x ,",
                            "- a\n!t ,",
                            "- a\n!t\n ,",
                            "!-(requ,ret\n",
                            "\"a\",",
                            "\"a\" ,",
                            "'a',b",
                            "[a],",
                            "{a: b},",
                            "\"a\"\n,",
                            ",,\"\"",
                            "&7a,",
                            "&7\r_,",
                            "&7\xff\xff\x02\r\r\xf4\r\xff\x7f_,\xf0"}) {
        RulesLoader l;
        l.load_content(bad, "hang.yaml");
        l.load_content(std::string("\0\0", 2) + bad, "nul.yaml");
        for (const auto& r : l.results()) {
            ASSERT_EQ(r.errors().size(), 1u) << bad;
            EXPECT_EQ(r.errors()[0].code, LoadErrorCode::kYamlParse) << bad;
        }
    }
    for (const char* ok :
         {"- list: l\n  items: [a\n, b]\n", "- list: l\n  items: [\"a\n, b\"]\n",
          "# x\n# , y\n- list: l\n  items: [a]\n", "- list: l\n  items: [a,\n    b]\n",
          "- list: l\n  items: [a]\n- macro: m\n  condition: \"proc.name in (a, b)\"\n",
          "---\n---\n...\n---\n- list: l\n  items: [a]\n---\n"}) {
        RulesLoader l;
        l.load_content(ok, "ok.yaml");
        EXPECT_TRUE(l.successful()) << ok << l.results()[0].as_verbose_string(l.contents());
    }
}

} // namespace
} // namespace kestrel::rules
