// The kestrel binary's describe and list commands: -L, -l <rule>, --list, --list-events.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "../falco_test_rules.hpp"
#include "kestrel_process.hpp"

namespace kestrel::e2e {
namespace {

// One file set per test process: ctest runs tests in parallel, and one process must not
// rewrite a file another one's kestrel is reading.
std::vector<std::string>& temp_files() {
    static std::vector<std::string> files;
    return files;
}

std::string write_temp(const std::string& name, const std::string& content) {
    std::string path = "/tmp/kestrel-e2e-describe-" + std::to_string(getpid()) + "-" + name;
    std::ofstream(path) << content;
    temp_files().push_back(path);
    return path;
}

class RemoveTempFiles : public ::testing::Environment {
  public:
    void TearDown() override {
        for (const auto& path : temp_files()) {
            std::remove(path.c_str());
        }
    }
};

const auto* const kRemoveTempFiles =
    ::testing::AddGlobalTestEnvironment(new RemoveTempFiles); // gtest owns it

bool contains(const nlohmann::json& array, const std::string& value) {
    return std::find(array.begin(), array.end(), value) != array.end();
}

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

const std::string kStable = std::string(KESTREL_SHARED_DIR) + "/corpus/rules/falco_rules.yaml";

// An empty configuration, so that no /etc/falco/falco.yaml on the machine adds rules files.
const std::string& empty_config() {
    static const std::string path = write_temp("empty-config.yaml", "\n");
    return path;
}

// falco-testing.md §3d (TestFalco_Print_Rules/json-valid-rules): rules_dir's
// 000-single_rule.yaml, then a file appending to its rule (Kestrel's adaptation: see
// falco_test_rules.hpp).
const std::string& single_rule() {
    static const std::string path =
        write_temp("000-single_rule.yaml", falco_test_rules::kRulesDirSingleRule);
    return path;
}

const std::string& appended_rule() {
    static const std::string path =
        write_temp("append_container_label.yaml", falco_test_rules::kAppendContainerLabel);
    return path;
}

TEST(Describe, JsonWorkedExample) {
    Outcome o = run_kestrel({"-c", empty_config(), "-L", "-o", "json_output=true", "-r",
                             single_rule(), "-r", appended_rule()});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    nlohmann::json d = nlohmann::json::parse(o.out, nullptr, false);
    ASSERT_FALSE(d.is_discarded()) << o.out;

    EXPECT_EQ(d["required_engine_version"], "0.11.0");
    ASSERT_EQ(d["required_plugin_versions"].size(), 1u);
    EXPECT_EQ(d["required_plugin_versions"][0]["name"], "container");
    EXPECT_EQ(d["required_plugin_versions"][0]["version"], "0.1.0");

    ASSERT_EQ(d["lists"].size(), 2u);
    EXPECT_EQ(d["lists"][0]["info"]["name"], "cat_binaries");
    EXPECT_EQ(d["lists"][0]["info"]["items"], nlohmann::json({"cat"}));
    EXPECT_EQ(d["lists"][0]["details"]["used"], true);
    EXPECT_EQ(d["lists"][0]["details"]["lists"].size(), 0u);
    EXPECT_EQ(d["lists"][0]["details"]["plugins"].size(), 0u);
    EXPECT_EQ(d["lists"][0]["details"]["items_compiled"], nlohmann::json({"cat"}));
    EXPECT_EQ(d["lists"][1]["info"]["name"], "cat_capable_binaries");
    EXPECT_EQ(d["lists"][1]["info"]["items"].size(), 0u);
    EXPECT_EQ(d["lists"][1]["details"]["used"], true);
    EXPECT_EQ(d["lists"][1]["details"]["lists"], nlohmann::json({"cat_binaries"}));
    EXPECT_EQ(d["lists"][1]["details"]["plugins"].size(), 0u);
    EXPECT_EQ(d["lists"][1]["details"]["items_compiled"], nlohmann::json({"cat"}));

    ASSERT_EQ(d["macros"].size(), 1u);
    const auto& m = d["macros"][0];
    EXPECT_EQ(m["info"]["name"], "is_cat");
    EXPECT_EQ(m["info"]["condition"], "proc.name in (cat_capable_binaries)");
    EXPECT_EQ(m["details"]["used"], true);
    EXPECT_EQ(m["details"]["macros"].size(), 0u);
    EXPECT_EQ(m["details"]["lists"], nlohmann::json({"cat_capable_binaries"}));
    EXPECT_EQ(m["details"]["plugins"].size(), 0u);
    EXPECT_FALSE(m["details"]["events"].empty());
    EXPECT_EQ(m["details"]["condition_operators"], nlohmann::json({"in"}));
    EXPECT_EQ(m["details"]["condition_fields"], nlohmann::json({"proc.name"}));
    EXPECT_EQ(m["details"]["condition_compiled"], "proc.name in (cat)");

    ASSERT_EQ(d["rules"].size(), 1u);
    const auto& info = d["rules"][0]["info"];
    EXPECT_EQ(info["name"], "open_from_cat");
    EXPECT_EQ(info["condition"], "evt.type=open and is_cat and container.label[test] = \"test\"");
    EXPECT_EQ(info["description"], "A process named cat does an open");
    EXPECT_EQ(info["output"], "An open was seen (command=%proc.cmdline)");
    EXPECT_EQ(info["enabled"], true);
    EXPECT_EQ(info["priority"], "Warning");
    EXPECT_EQ(info["source"], "syscall");
    EXPECT_TRUE(info["tags"].empty());
    const auto& r = d["rules"][0]["details"];
    EXPECT_EQ(r["plugins"], nlohmann::json({"container"}));
    EXPECT_EQ(r["output_fields"], nlohmann::json({"proc.cmdline"}));
    EXPECT_EQ(r["output_compiled"], info["output"]);
    EXPECT_EQ(r["macros"], nlohmann::json({"is_cat"}));
    EXPECT_EQ(r["lists"].size(), 0u);
    EXPECT_EQ(r["exception_fields"].size(), 0u);
    EXPECT_EQ(r["exception_operators"].size(), 0u);
    EXPECT_EQ(r["exception_names"].size(), 0u);
    ASSERT_EQ(r["events"].size(), 2u);
    EXPECT_TRUE(contains(r["events"], "open"));
    EXPECT_TRUE(contains(r["events"], "asyncevent"));
    ASSERT_EQ(r["condition_operators"].size(), 2u);
    EXPECT_TRUE(contains(r["condition_operators"], "="));
    EXPECT_TRUE(contains(r["condition_operators"], "in"));
    ASSERT_EQ(r["condition_fields"].size(), 3u);
    EXPECT_TRUE(contains(r["condition_fields"], "evt.type"));
    EXPECT_TRUE(contains(r["condition_fields"], "proc.name"));
    EXPECT_TRUE(contains(r["condition_fields"], "container.label[test]"));
    EXPECT_EQ(r["condition_compiled"],
              "(evt.type = open and proc.name in (cat) and container.label[test] = test)");
}

TEST(Describe, TextOnUpstreamRules) {
    Outcome o = run_kestrel({"-c", empty_config(), "-r", kStable, "-L"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(o.out.rfind("Rule" + std::string(46, ' ') + " Description\n----" +
                              std::string(46, ' ') + " -----------\n",
                          0),
              0u)
        << o.out.substr(0, 300);
    EXPECT_TRUE(has(o.out, "\nTerminal shell in container" + std::string(23, ' ') +
                               " A shell was used as the entrypoint/exec point into a "));
    // Wrapped descriptions continue under the description column.
    EXPECT_TRUE(has(o.out, "\n" + std::string(51, ' ') +
                               "container with an attached terminal. Parent process may "))
        << o.out.substr(0, 2000);
}

TEST(Describe, JsonOnUpstreamRulesFromTheConfigRulesFiles) {
    std::string config = write_temp("config-rules.yaml", "rules_files:\n  - " + kStable + "\n");
    Outcome o = run_kestrel({"-c", config, "-L", "-o", "json_output=true"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    nlohmann::json d = nlohmann::json::parse(o.out, nullptr, false);
    ASSERT_FALSE(d.is_discarded());
    EXPECT_EQ(d["rules"].size(), 25u);
    EXPECT_EQ(d["macros"].size(), 87u);
    EXPECT_EQ(d["lists"].size(), 49u);
    EXPECT_EQ(d["required_plugin_versions"][0]["name"], "container");
    for (const auto& rule : d["rules"]) {
        EXPECT_TRUE(contains(rule["details"]["events"], "asyncevent")) << rule["info"]["name"];
        EXPECT_FALSE(rule["details"]["condition_compiled"].get<std::string>().empty());
    }
}

TEST(Describe, OneRule) {
    Outcome o = run_kestrel({"-c", empty_config(), "-r", single_rule(), "-l", "open_from_cat"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(o.out, "Rule" + std::string(46, ' ') + " Description\n----" + std::string(46, ' ') +
                         " -----------\nopen_from_cat" + std::string(37, ' ') +
                         " A process named cat does an open \n\n");

    Outcome j = run_kestrel({"-c", empty_config(), "-r", kStable, "-l",
                             "Terminal shell in container", "-o", "json_output=true"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    nlohmann::json d = nlohmann::json::parse(j.out, nullptr, false);
    ASSERT_FALSE(d.is_discarded());
    EXPECT_EQ(d.size(), 1u);
    ASSERT_EQ(d["rules"].size(), 1u);
    EXPECT_EQ(d["rules"][0]["info"]["name"], "Terminal shell in container");
    EXPECT_TRUE(contains(d["rules"][0]["details"]["plugins"], "container"));
}

TEST(Describe, OneRuleWinsOverAll) {
    Outcome o = run_kestrel({"-c", empty_config(), "-r", kStable, "-L", "-l",
                             "Terminal shell in container", "-o", "json_output=true"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    nlohmann::json d = nlohmann::json::parse(o.out, nullptr, false);
    ASSERT_FALSE(d.is_discarded());
    EXPECT_EQ(d.size(), 1u);
    EXPECT_EQ(d["rules"].size(), 1u);
}

TEST(Describe, WithValidation) {
    Outcome text = run_kestrel({"-c", empty_config(), "-V", single_rule(), "-L"});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_EQ(text.out, single_rule() + ": Ok\n\nRule" + std::string(46, ' ') +
                            " Description\n----" + std::string(46, ' ') +
                            " -----------\nopen_from_cat" + std::string(37, ' ') +
                            " A process named cat does an open \n\n");

    Outcome json = run_kestrel({"-c", empty_config(), "-V", single_rule(), "-l", "open_from_cat",
                                "-o", "json_output=true"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    nlohmann::json d = nlohmann::json::parse(json.out, nullptr, false);
    ASSERT_FALSE(d.is_discarded()) << json.out;
    EXPECT_EQ(d["falco_load_results"][0]["successful"], true);
    EXPECT_EQ(d["falco_describe_results"]["rules"][0]["info"]["name"], "open_from_cat");

    // A file that does not load: the validation result only.
    std::string broken = write_temp("broken_macro.yaml", "- macro: m\n");
    Outcome bad = run_kestrel({"-c", empty_config(), "-V", broken, "-L", "-o", "json_output=true"});
    EXPECT_EQ(bad.exit_code, 1);
    nlohmann::json b = nlohmann::json::parse(bad.out, nullptr, false);
    ASSERT_FALSE(b.is_discarded()) << bad.out;
    EXPECT_EQ(b["falco_load_results"][0]["successful"], false);
    EXPECT_FALSE(b.contains("falco_describe_results"));
}

TEST(Describe, Errors) {
    Outcome unknown = run_kestrel({"-c", empty_config(), "-r", single_rule(), "-l", "invalid"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_TRUE(has(unknown.err, "Rule \"invalid\" is not loaded")) << unknown.err;

    // Falco's error for an empty rules list: here, a directory without rules files (no rules
    // configured at all gives Kestrel's built-in rules instead).
    std::string empty_dir = "/tmp/kestrel-e2e-describe-empty-rules-dir";
    std::filesystem::create_directories(empty_dir);
    Outcome none = run_kestrel({"-c", empty_config(), "-r", empty_dir, "-L"});
    EXPECT_EQ(none.exit_code, 1);
    EXPECT_TRUE(has(none.err, "You must specify at least one rules file")) << none.err;

    Outcome builtin = run_kestrel({"-c", empty_config(), "-L"});
    EXPECT_EQ(builtin.exit_code, 0) << builtin.err;
    EXPECT_TRUE(has(builtin.out, "Sensitive file read by an unexpected program")) << builtin.out;

    // TestFalco_Print_Rules/invalid-rules.
    std::string invalid = write_temp("invalid_rule_output.yaml", R"yaml(
- rule: rule_with_invalid_output
  desc: A rule with an invalid output field
  condition: evt.type=open
  output: "An open was seen %not_a_real_field"
  priority: WARNING
)yaml");
    Outcome bad = run_kestrel({"-c", empty_config(), "-r", invalid, "-L"});
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_TRUE(has(bad.err, "LOAD_ERR_COMPILE_OUTPUT")) << bad.err;
    EXPECT_TRUE(bad.out.empty()) << bad.out;
}

TEST(Describe, VerboseShowsLoadWarnings) {
    std::string path = write_temp("unused_macro.yaml", R"yaml(
- macro: unused_m
  condition: proc.name = x
- rule: r
  desc: d
  condition: evt.type=open
  output: o
  priority: INFO
)yaml");
    Outcome quiet = run_kestrel({"-c", empty_config(), "-r", path, "-L"});
    EXPECT_EQ(quiet.exit_code, 0);
    EXPECT_FALSE(has(quiet.err, "LOAD_UNUSED_MACRO")) << quiet.err;
    Outcome verbose = run_kestrel({"-c", empty_config(), "-r", path, "-L", "-v"});
    EXPECT_EQ(verbose.exit_code, 0);
    EXPECT_TRUE(has(verbose.err, "LOAD_UNUSED_MACRO")) << verbose.err;
    EXPECT_EQ(verbose.out, quiet.out);
}

TEST(ListFields, AllFieldsWithDescriptionsAndTypes) {
    Outcome o = run_kestrel({"-c", empty_config(), "--list", "-v"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    EXPECT_TRUE(has(o.out, "\nproc.name                     (Type: CHARBUF) Name of the process"))
        << o.out.substr(0, 500);
    EXPECT_TRUE(has(o.out, "Field Class:                  fd\n"));
    EXPECT_TRUE(has(o.out, "Field Class:                  container\n"));
}

TEST(ListFields, SyscallNamesOnly) {
    Outcome o = run_kestrel({"-c", empty_config(), "--list", "syscall", "-N"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    EXPECT_TRUE(has(o.out, "\nproc.name\n"));
    EXPECT_TRUE(has(o.out, "\nfd.name\n"));
    EXPECT_EQ(o.out.find(' '), std::string::npos);

    Outcome bad = run_kestrel({"-c", empty_config(), "--list", "k8s_audit"});
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_TRUE(has(bad.err, "Value for --list must be a valid source type")) << bad.err;
}

TEST(ListFields, FormatJsonAndMarkdown) {
    Outcome o = run_kestrel({"-c", empty_config(), "--list", "--format", "json"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    nlohmann::json d = nlohmann::json::parse(o.out, nullptr, false);
    ASSERT_TRUE(d.is_array()) << o.out.substr(0, 300);
    EXPECT_FALSE(d.empty());

    Outcome md = run_kestrel({"-c", empty_config(), "--list", "--markdown"});
    ASSERT_EQ(md.exit_code, 0) << md.err;
    EXPECT_TRUE(has(md.out, "\n`proc.name` | CHARBUF | Name of the process"));

    Outcome wrong = run_kestrel({"-c", empty_config(), "--list", "--format", "yaml"});
    EXPECT_EQ(wrong.exit_code, 2);
}

TEST(ListEvents, OpenatWithItsParameters) {
    Outcome o = run_kestrel({"-c", empty_config(), "--list-events"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    EXPECT_TRUE(has(o.out, "## Syscall events\n\n"));
    EXPECT_TRUE(has(o.out, "\n< openat(FD **fd**, FD **dirfd**, FSRELPATH **name**, FLAGS32 "
                           "**flags**, UINT32 **mode**, UINT32 **dev**, UINT64 **ino**)\n"))
        << o.out.substr(0, 1000);
}

} // namespace
} // namespace kestrel::e2e
