// The describe document (-L / -l with json_output) and its text form, from rules loaded in
// memory: the shapes falco_engine::describe_rule() produces.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "../../falco_test_rules.hpp"
#include "daemon/describe.hpp"
#include "rules/loader.hpp"
#include "rules/yaml_reader.hpp"

namespace kestrel::daemon {
namespace {

// falco-testing.md §3d: single_rule.yaml (rules_dir/000-single_rule.yaml form), then a second
// file appending to the rule (Kestrel's adaptation: see falco_test_rules.hpp).
const std::string& kSingleRule = falco_test_rules::kRulesDirSingleRule;
const std::string& kAppend = falco_test_rules::kAppendContainerLabel;

struct Loaded {
    rules::RulesLoader loader;
    rules::Collector collector;
};

void load(Loaded& l, const std::vector<std::pair<std::string, std::string>>& files) {
    for (const auto& [name, content] : files) {
        ASSERT_TRUE(l.loader.load_content(content, name).successful()) << name;
        rules::LoadResult scratch(name);
        rules::read_rules_content(content, name, l.collector, scratch);
    }
}

bool contains(const nlohmann::json& array, const std::string& value) {
    return std::find(array.begin(), array.end(), value) != array.end();
}

TEST(Describe, WorkedExampleOfFalcoTesting) {
    Loaded l;
    load(l, {{"000-single_rule.yaml", kSingleRule}, {"append.yaml", kAppend}});
    auto doc = describe_json(l.loader.ruleset(), l.collector, nullptr);
    ASSERT_TRUE(doc.ok());
    const nlohmann::json& d = *doc;

    EXPECT_EQ(d["required_engine_version"], "0.11.0");
    ASSERT_EQ(d["required_plugin_versions"].size(), 1u);
    EXPECT_EQ(d["required_plugin_versions"][0]["name"], "container");
    EXPECT_EQ(d["required_plugin_versions"][0]["version"], "0.1.0");
    EXPECT_EQ(d["required_plugin_versions"][0]["alternatives"], nlohmann::json::array());

    ASSERT_EQ(d["lists"].size(), 2u);
    const auto& cat = d["lists"][0];
    EXPECT_EQ(cat["info"]["name"], "cat_binaries");
    EXPECT_EQ(cat["info"]["items"], nlohmann::json({"cat"}));
    EXPECT_EQ(cat["details"]["used"], true);
    EXPECT_EQ(cat["details"]["lists"], nlohmann::json::array());
    EXPECT_EQ(cat["details"]["plugins"], nlohmann::json::array());
    EXPECT_EQ(cat["details"]["items_compiled"], nlohmann::json({"cat"}));
    const auto& capable = d["lists"][1];
    EXPECT_EQ(capable["info"]["name"], "cat_capable_binaries");
    EXPECT_EQ(capable["info"]["items"], nlohmann::json::array());
    EXPECT_EQ(capable["details"]["used"], true);
    EXPECT_EQ(capable["details"]["lists"], nlohmann::json({"cat_binaries"}));
    EXPECT_EQ(capable["details"]["items_compiled"], nlohmann::json({"cat"}));

    ASSERT_EQ(d["macros"].size(), 1u);
    const auto& macro = d["macros"][0];
    EXPECT_EQ(macro["info"]["name"], "is_cat");
    EXPECT_EQ(macro["info"]["condition"], "proc.name in (cat_capable_binaries)");
    EXPECT_EQ(macro["details"]["used"], true);
    EXPECT_EQ(macro["details"]["macros"], nlohmann::json::array());
    EXPECT_EQ(macro["details"]["lists"], nlohmann::json({"cat_capable_binaries"}));
    EXPECT_EQ(macro["details"]["plugins"], nlohmann::json::array());
    EXPECT_FALSE(macro["details"]["events"].empty());
    EXPECT_EQ(macro["details"]["condition_operators"], nlohmann::json({"in"}));
    EXPECT_EQ(macro["details"]["condition_fields"], nlohmann::json({"proc.name"}));
    EXPECT_EQ(macro["details"]["condition_compiled"], "proc.name in (cat)");

    ASSERT_EQ(d["rules"].size(), 1u);
    const auto& info = d["rules"][0]["info"];
    EXPECT_EQ(info["name"], "open_from_cat");
    EXPECT_EQ(info["condition"], "evt.type=open and is_cat and container.label[test] = \"test\"");
    EXPECT_EQ(info["description"], "A process named cat does an open");
    EXPECT_EQ(info["output"], "An open was seen (command=%proc.cmdline)");
    EXPECT_EQ(info["enabled"], true);
    EXPECT_EQ(info["priority"], "Warning");
    EXPECT_EQ(info["source"], "syscall");
    EXPECT_EQ(info["tags"], nlohmann::json::array());
    const auto& details = d["rules"][0]["details"];
    EXPECT_EQ(details["plugins"], nlohmann::json({"container"}));
    EXPECT_EQ(details["output_fields"], nlohmann::json({"proc.cmdline"}));
    EXPECT_EQ(details["output_compiled"], info["output"]);
    EXPECT_EQ(details["macros"], nlohmann::json({"is_cat"}));
    EXPECT_EQ(details["lists"], nlohmann::json::array());
    EXPECT_EQ(details["exception_fields"], nlohmann::json::array());
    EXPECT_EQ(details["exception_operators"], nlohmann::json::array());
    EXPECT_EQ(details["exception_names"], nlohmann::json::array());
    ASSERT_EQ(details["events"].size(), 2u);
    EXPECT_TRUE(contains(details["events"], "open"));
    EXPECT_TRUE(contains(details["events"], "asyncevent"));
    ASSERT_EQ(details["condition_operators"].size(), 2u);
    EXPECT_TRUE(contains(details["condition_operators"], "="));
    EXPECT_TRUE(contains(details["condition_operators"], "in"));
    ASSERT_EQ(details["condition_fields"].size(), 3u);
    EXPECT_TRUE(contains(details["condition_fields"], "evt.type"));
    EXPECT_TRUE(contains(details["condition_fields"], "proc.name"));
    EXPECT_TRUE(contains(details["condition_fields"], "container.label[test]"));
    EXPECT_EQ(details["condition_compiled"],
              "(evt.type = open and proc.name in (cat) and container.label[test] = test)");
}

TEST(Describe, ExceptionsGiveNamesOperatorsAndFields) {
    Loaded l;
    load(l, {{"exc.yaml", R"yaml(
- rule: r1
  desc: d
  condition: evt.type=open
  output: "o %fd.name"
  priority: INFO
  tags: [b, a]
  exceptions:
    - name: proc_file
      fields: [proc.name, fd.name]
      comps: [=, startswith]
      values:
        - [cat, /etc]
    - name: single
      fields: proc.pname
      values: [init]
)yaml"}});
    std::string name = "r1";
    auto doc = describe_json(l.loader.ruleset(), l.collector, &name);
    ASSERT_TRUE(doc.ok());
    ASSERT_EQ((*doc).size(), 1u); // -l gives {"rules":[...]} only
    const auto& rule = (*doc)["rules"][0];
    // The condition as written, before the exceptions rewrite; the compiled one after it.
    EXPECT_EQ(rule["info"]["condition"], "evt.type=open");
    EXPECT_EQ(rule["info"]["tags"], nlohmann::json({"a", "b"}));
    EXPECT_EQ(rule["info"]["priority"], "Informational");
    const auto& details = rule["details"];
    EXPECT_EQ(details["exception_fields"], nlohmann::json({"fd.name", "proc.name", "proc.pname"}));
    EXPECT_EQ(details["exception_names"].size(), 2u);
    EXPECT_TRUE(contains(details["exception_names"], "proc_file"));
    EXPECT_TRUE(contains(details["exception_names"], "single"));
    EXPECT_EQ(details["exception_operators"].size(), 3u);
    EXPECT_TRUE(contains(details["exception_operators"], "startswith"));
    EXPECT_TRUE(contains(details["exception_operators"], "in"));
    EXPECT_EQ(details["condition_compiled"],
              "(evt.type = open and not (proc.name = cat and fd.name startswith /etc) and not "
              "proc.pname in (init))");
    EXPECT_TRUE(contains(details["condition_fields"], "proc.pname"));
}

TEST(Describe, UnknownRuleIsNotLoaded) {
    Loaded l;
    load(l, {{"single.yaml", kSingleRule}});
    std::string name = "nope";
    auto doc = describe_json(l.loader.ruleset(), l.collector, &name);
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.error().message, "Rule \"nope\" is not loaded");
}

TEST(Describe, NoEngineVersionIsZero) {
    Loaded l;
    load(l, {{"single.yaml", kSingleRule}});
    auto doc = describe_json(l.loader.ruleset(), l.collector, nullptr);
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ((*doc)["required_engine_version"], "0.0.0");
    EXPECT_EQ((*doc)["required_plugin_versions"], nlohmann::json::array());
}

TEST(DescribeText, FalcoWrapText) {
    EXPECT_EQ(falco_wrap_text("a bb ccc", 0, 80), "a bb ccc ");
    // Each word counts its trailing space: "aaa bbb " is 8 <= 10 - 2, "ccc" goes on.
    EXPECT_EQ(falco_wrap_text("aaa bbb ccc", 2, 10), "aaa bbb \n  ccc ");
    // A first word too long for the line still starts a new one, as in Falco.
    EXPECT_EQ(falco_wrap_text("abcdefghij", 2, 10), "\n  abcdefghij ");
    EXPECT_EQ(falco_wrap_text("  spaced\n\twords  ", 0, 80), "spaced words ");
}

TEST(DescribeText, TwoColumnsWithWrappedDescriptions) {
    nlohmann::json doc = {
        {"rules",
         {{{"info", {{"name", "short"}, {"description", "A process named cat does an open"}}}},
          {{"info",
            {{"name", std::string(55, 'n')},
             {"description", std::string(30, 'a') + " " + std::string(30, 'b')}}}}}}};
    std::string expected = std::string("Rule") + std::string(46, ' ') + " Description\n" + "----" +
                           std::string(46, ' ') + " -----------\n" + "short" +
                           std::string(45, ' ') + " A process named cat does an open \n\n" +
                           std::string(55, 'n') + " " + std::string(30, 'a') + " \n" +
                           std::string(51, ' ') + std::string(30, 'b') + " \n\n";
    EXPECT_EQ(described_rules_text(doc), expected);
}

TEST(DescribePaths, DirectoriesExpandToSortedYamlFiles) {
    std::string dir = ::testing::TempDir() + "kestrel-describe-dir";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    for (const char* f : {"b.yaml", "a.yml", "c.txt"}) {
        std::ofstream(dir + "/" + f) << "";
    }
    std::vector<std::string> files = expand_rules_paths({dir, "/x/file.txt"});
    EXPECT_EQ(files, (std::vector<std::string>{dir + "/a.yml", dir + "/b.yaml", "/x/file.txt"}));
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace kestrel::daemon
