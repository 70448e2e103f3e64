// loader-cases.md sections A-E: every input whose outcome in Falco is known loads, fails with
// Falco's code and message, or warns with Falco's code. Cases that need the evaluator to count
// alerts assert on the compiled condition instead (what the alert count follows from).

#include "../../falco_test_rules.hpp"
#include "loader_test_util.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace kestrel::rules {
namespace {

using namespace kestrel::rules::testing;
using E = LoadErrorCode;
using W = LoadWarningCode;

using falco_test_rules::kSingleRule;

// ---- A. Top-level structure and YAML ----

TEST(LoaderCases, A1_EmptyFile) {
    auto l = load_all({"", kSingleRule});
    EXPECT_LOADS(l);
    auto l2 = load_all({kSingleRule, ""});
    EXPECT_LOADS(l2);
    EXPECT_EQ(compiled(l2, "open_from_cat"), "(evt.type = open and proc.name in (cat))");
}

TEST(LoaderCases, A2_NotYamlStructure) {
    auto l = load_all({"This is not yaml\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate, "Rules content is not yaml");
    EXPECT_EQ(first_error(l)->message, "Rules content is not yaml");
    EXPECT_EQ(first_error(l)->ctx.locations().back().item_type, ItemType::kRulesContent);
}

TEST(LoaderCases, A3_MappingAtTopLevel) {
    auto l = load_all({"foo: bar\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate, "Rules content is not yaml array of objects");
}

TEST(LoaderCases, A4_SequenceItemNotMap) {
    auto l = load_all({"- foo\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate,
                      "Unexpected element type. Each element should be a yaml associative array.");
    EXPECT_EQ(first_error(l)->ctx.locations().back().item_type, ItemType::kRulesContentItem);
}

TEST(LoaderCases, A5_YamlSyntaxError) {
    auto l = load_all({"this : is : not : yaml\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlParse, "yaml-cpp: error at line 1, column 11: illegal map value");
}

TEST(LoaderCases, A6_MultipleDocuments) {
    const std::string doc2 = "---\n" +
                             rule_item("exec_from_cat", "evt.type=execve and is_cat", "", "ERROR") +
                             rule_item("access_from_cat", "evt.type=access and is_cat");
    auto l = load_all({"---\n" + kSingleRule + doc2});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "exec_from_cat"), "(evt.type = execve and proc.name in (cat))");
    EXPECT_EQ(compiled(l, "access_from_cat"), "(evt.type = access and proc.name in (cat))");
    // Items are shared across files loaded in order too.
    auto l2 = load_all({kSingleRule, rule_item("exec_from_cat", "evt.type=execve and is_cat")});
    EXPECT_LOADS(l2);
}

TEST(LoaderCases, A6_RulesDirectoryInLexicalOrder) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("kestrel-rules-a6-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir / name) << text;
    };
    // 001 appends to what 000 defines: only the lexical order makes this load.
    write("001-double_rule.yaml", "- rule: open_from_cat\n  append: true\n  condition: and "
                                  "fd.name=/tmp\n");
    write("000-single_rule.yaml", kSingleRule);
    write("notes.txt", "not a rules file");
    RulesLoader l;
    EXPECT_TRUE(l.load_path(dir.string())) << dump(l);
    ASSERT_EQ(l.results().size(), 2u);
    EXPECT_EQ(compiled(l, "open_from_cat"),
              "(evt.type = open and proc.name in (cat) and fd.name = /tmp)");
    std::filesystem::remove_all(dir);
}

TEST(LoaderCases, A7_UnknownTopLevelItem) {
    auto l = load_all({"- foo: bar\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kUnknownItem, "Unknown top level item");
}

TEST(LoaderCases, A8_NullItemsSkipped) {
    auto l = load_all({"-\n" + kSingleRule + "-\n", "---\n---\n"});
    EXPECT_LOADS(l);
}

// ---- B. required_engine_version / required_plugin_versions ----

TEST(LoaderCases, B1_Semver) {
    auto l = load_all({"- required_engine_version: 0.26.0\n" + rule_item("r", "evt.type=open")});
    EXPECT_LOADS(l);
    EXPECT_TRUE(l.results()[0].warnings().empty()) << dump(l);
}

TEST(LoaderCases, B2_BareInteger) {
    auto l = load_all({"- required_engine_version: 26\n" + rule_item("r", "evt.type=open")});
    EXPECT_LOADS(l);
    EXPECT_TRUE(l.results()[0].warnings().empty()) << dump(l);
    EXPECT_EQ(l.ruleset().required_engine_version->to_string(), "0.26.0");
}

TEST(LoaderCases, B3_NonNumeric) {
    auto l = load_all({"- required_engine_version: seven\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate, "Unable to parse engine version");
}

TEST(LoaderCases, B4_NonNumericFullMessage) {
    auto l =
        load_all({"- required_engine_version: not-a-number\n" + rule_item("r", "evt.type=open")});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate,
                      "Unable to parse engine version 'not-a-number' as a semver string. Expected "
                      "\"x.y.z\" semver format.");
    EXPECT_EQ(first_error(l)->ctx.locations().back().item_type, ItemType::kRequiredEngineVersion);
}

TEST(LoaderCases, B5_TooNew) {
    auto l = load_all({"- required_engine_version: 9999999\n"});
    EXPECT_LOAD_ERROR(l, E::kValidate,
                      "Rules require engine version 0.9999999.0, but engine version is 0.63.0");
    auto l2 = load_all({"- required_engine_version: 1.0.0\n"});
    EXPECT_LOAD_ERROR(l2, E::kValidate, "Rules require engine version 1.0.0");
}

TEST(LoaderCases, B6_PluginRequirementsSatisfied) {
    auto l = load_all({R"(- required_plugin_versions:
  - name: k8saudit
    version: 0.1.0
  - name: k8saudit
    version: 0.2.0
  - name: json
    version: 0.1.0
    alternatives:
      - name: k8saudit-other
        version: 0.4.0
  - name: container
    version: 0.4.0
)"});
    EXPECT_LOADS(l);
    std::string err;
    EXPECT_TRUE(
        l.check_plugin_requirements({{"k8saudit", {0, 2, 0}}, {"k8saudit-other", {0, 5, 0}}}, &err))
        << err;
}

TEST(LoaderCases, B7_PluginRequirementsRejected) {
    const std::string req = "- required_plugin_versions:\n  - name: k8saudit\n    version: 0.2.0\n";
    auto l = load_all({req});
    EXPECT_LOADS(l); // the file loads; the check fails
    std::string err;
    EXPECT_FALSE(l.check_plugin_requirements({}, &err));
    EXPECT_FALSE(l.check_plugin_requirements({{"k8saudit2", {0, 2, 0}}}, &err));
    EXPECT_FALSE(l.check_plugin_requirements({{"k8saudit", {0, 1, 0}}}, &err));
    EXPECT_TRUE(l.check_plugin_requirements({{"k8saudit", {0, 2, 0}}}, &err));
    auto dup = load_all({R"(- required_plugin_versions:
  - name: k8saudit
    version: 0.1.0
    alternatives:
      - name: k8saudit
        version: 0.1.0
)"});
    EXPECT_LOAD_ERROR(dup, E::kValidate,
                      "Defined multiple alternative version requirements for plugin 'k8saudit'");
    auto bad = load_all({"- required_plugin_versions:\n  - name: k8saudit\n    version: x\n"});
    EXPECT_LOAD_ERROR(bad, E::kValidate, "Invalid required version 'x' for plugin 'k8saudit'");
}

TEST(LoaderCases, B8_PluginVersionTooNew) {
    auto l =
        load_all({"- required_plugin_versions:\n  - name: cloudtrail\n    version: 100000.0.0\n"});
    EXPECT_LOADS(l);
    std::string err;
    EXPECT_FALSE(l.check_plugin_requirements({{"cloudtrail", {0, 9, 0}}}, &err));
}

// ---- C. Lists ----

TEST(LoaderCases, C1_ListWithoutItems) {
    auto l = load_all({"- list: good_list\n  items: [foo]\n- list: bad_list\n  no_items: foo\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate, "Item has no mapping for key 'items'");
    const auto& loc = first_error(l)->ctx.locations().back();
    EXPECT_EQ(loc.item_type, ItemType::kList);
    EXPECT_EQ(loc.item_name, "bad_list");
}

TEST(LoaderCases, C2_ListWithoutName) {
    auto l = load_all({"- list:\n  items: [foo]\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate, "Mapping for key 'list' is empty");
}

TEST(LoaderCases, C3_InvalidListName) {
    auto l = load_all({"- list: test list\n  items: [open, openat, openat2]\n" +
                       rule_item("test_rule", "evt.type in (test list)", "  enabled: false\n")});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kInvalidListName,
                 "List has an invalid name. List names should match a regular expression: "
                 "([^()\"'[:space:]=,]+)");
}

TEST(LoaderCases, C4_EscapedItemUnusedList) {
    auto l = load_all({"- list: my_list\n  items: [non_escaped_val, \"escaped val\"]\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kUnusedList, "List not referred to by any other rule/macro");
    ASSERT_EQ(l.ruleset().lists.size(), 1u);
    EXPECT_EQ(l.ruleset().lists[0].items,
              (std::vector<std::string>{"non_escaped_val", "escaped val"}));
}

TEST(LoaderCases, C5_NestedListReference) {
    auto l = load_all({kSingleRule});
    EXPECT_LOADS(l);
    EXPECT_EQ(ast::to_string(*l.ruleset().find_macro("is_cat")->condition), "proc.name in (cat)");
    EXPECT_EQ(l.ruleset().lists[1].items, std::vector<std::string>{"cat"});
    // describe: details.lists of the list, the macro and the rule
    EXPECT_EQ(l.ruleset().lists[1].lists, std::set<std::string>{"cat_binaries"});
    EXPECT_EQ(l.ruleset().find_macro("is_cat")->lists,
              std::set<std::string>{"cat_capable_binaries"});
    const CompiledRule* r = l.ruleset().find_rule("open_from_cat");
    EXPECT_EQ(r->macros, std::set<std::string>{"is_cat"});
    EXPECT_EQ(r->lists, std::set<std::string>{"cat_capable_binaries"});
    EXPECT_NO_WARNING(l, W::kUnusedList); // cat_binaries is used by cat_capable_binaries
}

TEST(LoaderCases, C6_ListRedefinitionLastWins) {
    auto l = load_all({"- list: cat_binaries\n  items: [not_cat]\n- list: cat_binaries\n  items: "
                       "[cat]\n- macro: is_cat\n  condition: proc.name in (cat_binaries)\n" +
                       rule_item("open_from_cat", "evt.type=open and is_cat")});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "open_from_cat"), "(evt.type = open and proc.name in (cat))");
}

TEST(LoaderCases, C7_ListOverriddenByLaterFile) {
    auto l = load_all({kSingleRule, "- list: cat_capable_binaries\n  items: [not-cat]\n"});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "open_from_cat"), "(evt.type = open and proc.name in (not-cat))");
    auto nested = load_all({kSingleRule, "- list: cat_binaries\n  items: [not-cat]\n"});
    EXPECT_LOADS(nested);
    EXPECT_EQ(compiled(nested, "open_from_cat"), "(evt.type = open and proc.name in (not-cat))");
}

TEST(LoaderCases, C8_TextualListSubstitution) {
    const std::string lists = "- list: cat_binaries\n  items: [cat]\n";
    struct Case {
        const char* cond;
        const char* expect;
    } cases[] = {
        {"proc.name in (cat_binaries, ps)", "(evt.type = open and proc.name in (cat, ps))"},
        {"proc.name in (ls, cat_binaries, ps)", "(evt.type = open and proc.name in (ls, cat, ps))"},
        {"proc.name in (ls, cat_binaries)", "(evt.type = open and proc.name in (ls, cat))"},
        {"proc.name=cat_binaries", "(evt.type = open and proc.name = cat)"},
        {"proc.name= cat_binaries or proc.name=nopey",
         "(evt.type = open and (proc.name = cat or proc.name = nopey))"},
    };
    for (const auto& c : cases) {
        auto l =
            load_all({lists + rule_item("r", std::string("evt.type=open and (") + c.cond + ")")});
        EXPECT_LOADS(l);
        EXPECT_EQ(compiled(l, "r"), c.expect) << c.cond;
    }
}

TEST(LoaderCases, C9_NoSubstitutionInsideLongerToken) {
    auto l = load_all({"- list: my_list\n  items: ['\"one string\"']\n" +
                       rule_item("my_rule", "evt.type=open and fd.name in (file_my_list)")});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "my_rule"), "(evt.type = open and fd.name in (file_my_list))");
}

TEST(LoaderCases, C10_ListAppendLegacyFlag) {
    auto l = load_all({"- list: my_list\n  items: [not-cat]\n- list: my_list\n  append: true\n  "
                       "items: [cat]\n" +
                       rule_item("Open From Cat", "evt.type=open and proc.name in (my_list)")});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kDeprecatedItem, "'append' key is deprecated");
    EXPECT_EQ(compiled(l, "Open From Cat"), "(evt.type = open and proc.name in (not-cat, cat))");
    auto l2 = load_all({"- list: my_list\n  items: [cat]\n- list: my_list\n  append: false\n  "
                        "items: [not-cat]\n" +
                        rule_item("Open From Cat", "evt.type=open and proc.name in (my_list)")});
    EXPECT_EQ(compiled(l2, "Open From Cat"), "(evt.type = open and proc.name in (not-cat))");
}

TEST(LoaderCases, C11_ListOverrideAppendAfterDefinition) {
    for (const char* how : {"  override:\n    items: append\n", "  append: true\n"}) {
        auto l = load_all(
            {std::string("- list: dev_creation_binaries\n  items: [blkid]\n- list: "
                         "dev_creation_binaries\n  items: [\"csi-provisioner\", "
                         "\"csi-attacher\"]\n") +
             how +
             rule_item("test_rule", "evt.type = execve and proc.name in (dev_creation_binaries)")});
        EXPECT_LOADS(l);
        EXPECT_EQ(compiled(l, "test_rule"),
                  "(evt.type = execve and proc.name in (blkid, csi-provisioner, csi-attacher))");
    }
}

TEST(LoaderCases, C12_ListOverrideAppendBeforeDefinition) {
    for (const char* how : {"  override:\n    items: append\n", "  append: true\n"}) {
        auto l = load_all({std::string("- list: dev_creation_binaries\n  items: "
                                       "[\"csi-provisioner\"]\n") +
                           how + "- list: dev_creation_binaries\n  items: [blkid]\n"});
        EXPECT_LOAD_ERROR(l, E::kValidate,
                          "List uses 'append' or 'override.items: append' but no list by that "
                          "name already exists");
    }
}

TEST(LoaderCases, C13_ListOverrideReplaceBeforeDefinition) {
    auto l = load_all(
        {"- list: dev_creation_binaries\n  items: [\"csi-provisioner\"]\n  "
         "override:\n    items: replace\n- list: dev_creation_binaries\n  items: "
         "[blkid]\n" +
         rule_item("test_rule", "evt.type = execve and proc.name in (dev_creation_binaries)")});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "test_rule"), "(evt.type = execve and proc.name in (blkid))");
}

TEST(LoaderCases, C14_MisspelledOverrideKey) {
    auto l = load_all(
        {"- list: dev_creation_binaries\n  items: [\"csi-provisioner\", "
         "\"csi-attacher\"]\n  override_written_wrong:\n    items: append\n- list: "
         "dev_creation_binaries\n  items: [blkid]\n" +
         rule_item("test_rule", "evt.type = execve and proc.name in (dev_creation_binaries)")});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kUnknownKey, "Unknown key 'override_written_wrong'");
    EXPECT_EQ(compiled(l, "test_rule"), "(evt.type = execve and proc.name in (blkid))");
}

TEST(LoaderCases, C15_ListReferenceLoop) {
    auto l = load_all({"- list: list_a\n  items: [open]\n- list: list_b\n  items: [list_a]\n- "
                       "list: list_a\n  items: [list_b]\n- macro: macro_a\n  condition: evt.type "
                       "in (list_a)\n" +
                       rule_item("sample rule", "macro_a")});
    EXPECT_LOAD_ERROR(l, E::kCompileCondition, "unknown event type list_a");
}

TEST(LoaderCases, C16_UnknownKeyOnList) {
    auto l = load_all({"- list: my_list\n  items: [cat, bash]\n  typo_field: some_value\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kUnknownKey, "Unknown key 'typo_field'. The key will be ignored.");
}

TEST(LoaderCases, C17_RuleKeyOnList) {
    auto l = load_all({"- list: my_list\n  items: [cat, bash]\n  priority: INFO\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kUnknownKey, "Unknown key 'priority'");
}

// ---- D. Macros ----

TEST(LoaderCases, D1_MacroWithoutCondition) {
    auto l = load_all(
        {"- macro: bad_macro\n  nope: 1\n- macro: good_macro\n  condition: evt.type=execve\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate, "Item has no mapping for key 'condition'");
    EXPECT_EQ(first_error(l)->ctx.locations().back().item_name, "bad_macro");
}

TEST(LoaderCases, D2_MacroWithoutName) {
    auto l = load_all({"- macro:\n  condition: evt.type=execve\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate, "Mapping for key 'macro' is empty");
}

TEST(LoaderCases, D3_InvalidMacroName) {
    auto l = load_all({"- macro: test-macro\n  condition: evt.type = close\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kInvalidMacroName,
                 "Macro has an invalid name. Macro names should match a regular expression: "
                 "([a-zA-Z]+[a-zA-Z0-9_]*)");
}

TEST(LoaderCases, D4_UnusedMacro) {
    auto l = load_all({"- macro: some_macro\n  condition: evt.type=execve\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kUnusedMacro, "Macro not referred to by any other rule/macro");
}

TEST(LoaderCases, D5_MacroReferenceLoop) {
    auto l = load_all({"- macro: macro_a\n  condition: evt.type=open\n- macro: macro_b\n  "
                       "condition: macro_a\n- macro: macro_a\n  condition: macro_b\n"});
    EXPECT_LOAD_ERROR(l, E::kValidate, "reference loop in macro");
}

TEST(LoaderCases, D6_MacroRedefinitionLastWins) {
    auto l = load_all({"- list: cat_binaries\n  items: [cat]\n- macro: is_cat\n  condition: "
                       "proc.name in (not_cat)\n- macro: is_cat\n  condition: proc.name in "
                       "(cat_binaries)\n" +
                       rule_item("open_from_cat", "evt.type=open and is_cat")});
    EXPECT_EQ(compiled(l, "open_from_cat"), "(evt.type = open and proc.name in (cat))");
    auto later = load_all({kSingleRule, "- macro: is_cat\n  condition: proc.name in (not-cat)\n"});
    EXPECT_LOADS(later);
    EXPECT_EQ(compiled(later, "open_from_cat"), "(evt.type = open and proc.name in (not-cat))");
}

TEST(LoaderCases, D7_MacroAppendLegacy) {
    auto l = load_all({"- macro: my_macro\n  condition: proc.name=not-cat\n- macro: my_macro\n  "
                       "append: true\n  condition: or proc.name=cat\n" +
                       rule_item("Open From Cat", "evt.type=open and my_macro")});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "Open From Cat"),
              "(evt.type = open and (proc.name = not-cat or proc.name = cat))");
    auto l2 = load_all({"- macro: my_macro\n  condition: proc.name=cat\n- macro: my_macro\n  "
                        "append: false\n  condition: proc.name=not-cat\n" +
                        rule_item("Open From Cat", "evt.type=open and my_macro")});
    EXPECT_EQ(compiled(l2, "Open From Cat"), "(evt.type = open and proc.name = not-cat)");
}

TEST(LoaderCases, D8_MacroOverrideAppendAfterDefinition) {
    for (const char* how : {"  override:\n    condition: append\n", "  append: true\n"}) {
        auto l = load_all({std::string("- macro: open_simple\n  condition: evt.type in "
                                       "(open,openat)\n- macro: open_simple\n  condition: or "
                                       "evt.type = openat2\n") +
                           how + rule_item("test_rule", "open_simple")});
        EXPECT_LOADS(l);
        EXPECT_EQ(compiled(l, "test_rule"), "(evt.type in (open, openat) or evt.type = openat2)");
    }
}

TEST(LoaderCases, D9_MacroAppendBeforeDefinition) {
    auto l = load_all({"- macro: open_simple\n  condition: or evt.type = openat2\n  override:\n   "
                       " condition: append\n- macro: open_simple\n  condition: evt.type in "
                       "(open,openat)\n"});
    EXPECT_LOAD_ERROR(l, E::kValidate,
                      "Macro uses 'append' or 'override.condition: append' but no macro by that "
                      "name already exists");
    auto l2 = load_all({"- macro: dangling append\n  condition: and evt.type=execve\n  append: "
                        "true\n"});
    EXPECT_LOAD_ERROR(l2, E::kValidate, "Macro uses 'append'");
}

TEST(LoaderCases, D10_MacroOverrideReplaceBeforeDefinition) {
    auto l = load_all({"- macro: open_simple\n  condition: or evt.type = openat2\n  override:\n   "
                       " condition: replace\n- macro: open_simple\n  condition: evt.type in "
                       "(open,openat)\n" +
                       rule_item("test_rule", "open_simple")});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "test_rule"), "evt.type in (open, openat)");
}

TEST(LoaderCases, D11_InterpolationExample) {
    auto l = load_all({R"(- macro: interactive
  condition: >
    ((proc.aname=sshd and proc.name != sshd) or
    proc.name=systemd-logind or proc.name=login)
- rule: legit_rule
  desc: d
  condition: evt.type=open and interactive
  output: o
  priority: INFO
- macro: interactive
  condition: or proc.name = ssh
  override:
    condition: append
)"});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "legit_rule"),
              "(evt.type = open and (((proc.aname = sshd and proc.name != sshd) or proc.name = "
              "systemd-logind or proc.name = login) or proc.name = ssh))");
}

TEST(LoaderCases, D12_AppendProducingBadCondition) {
    auto l = load_all({"- macro: some_macro\n  condition: evt.type=execve\n",
                       "- macro: some_macro\n  condition: foo\n  append: true\n"});
    EXPECT_LOAD_ERROR(l, E::kCompileCondition,
                      "unexpected token after 'execve', expecting 'or', 'and'");
    EXPECT_EQ(first_error(l)->ctx.locations()[1].item_type, ItemType::kMacro);
    EXPECT_WARNS(l, W::kUnusedMacro, "");
    auto one = load_all({"- macro: some_macro\n  condition: evt.type=execve\n---\n- macro: "
                         "some_macro\n  condition: foo\n  append: true\n"});
    EXPECT_LOAD_ERROR(one, E::kCompileCondition, "unexpected token after 'execve'");
}

TEST(LoaderCases, D13_RedefinitionReferencingUndefinedMacro) {
    auto l = load_all({"- macro: some_macro\n  condition: evt.type=execve\n",
                       "- macro: some_macro\n  condition: foo\n  append: false\n"});
    EXPECT_LOAD_ERROR(l, E::kValidate, "Undefined macro 'foo' used in filter.");
    EXPECT_WARNS(l, W::kUnusedMacro, "");
}

TEST(LoaderCases, D14_UnknownKeyOnMacro) {
    auto l = load_all({"- macro: m\n  condition: evt.type=open\n  typo_field: some_value\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kUnknownKey, "Unknown key 'typo_field'");
}

TEST(LoaderCases, D15_MacroVisibility) {
    // A macro sees only macros first defined before it; a rule sees every macro.
    auto l = load_all({"- macro: a\n  condition: b\n- macro: b\n  condition: evt.type=open\n"});
    EXPECT_LOAD_ERROR(l, E::kValidate, "Undefined macro 'b' used in filter.");
    // Rules compile after the whole file is read (Falco compiles after each file).
    auto ok = load_all(
        {rule_item("r", "evt.type=open and m") + "- macro: m\n  condition: proc.name=cat\n"});
    EXPECT_LOADS(ok);
    EXPECT_EQ(compiled(ok, "r"), "(evt.type = open and proc.name = cat)");
}

// ---- E. Rules: required keys, names, priorities, outputs ----

TEST(LoaderCases, E1_RuleWithoutOutput) {
    auto l = load_all({"- rule: no output rule\n  desc: some desc\n  condition: evt.type=fork\n  "
                       "priority: INFO\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate, "Item has no mapping for key 'output'");
}

TEST(LoaderCases, E2_RuleWithoutName) {
    auto l = load_all({"- rule:\n  desc: d\n  condition: evt.type=fork\n  output: o\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate, "Mapping for key 'rule' is empty");
}

TEST(LoaderCases, E3_InvalidPriority) {
    auto l = load_all({rule_item("r", "evt.type=open", "", "HIGH")});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate, "Invalid priority");
    for (const char* p : {"emergency", "ALERT", "Critical", "error", "warning", "notice",
                          "informational", "info", "DEBUG"}) {
        auto ok = load_all({rule_item("r", "evt.type=open", "", p)});
        EXPECT_LOADS(ok);
    }
    auto w = load_all({rule_item("r", "evt.type=open", "", "warning")});
    EXPECT_EQ(priority_name(w.ruleset().rules[0].priority), "Warning");
}

TEST(LoaderCases, E4_InvalidOutputToken) {
    auto l = load_all({"- rule: r\n  desc: d\n  condition: evt.type=open\n  output: \"An open was "
                       "seen %not_a_real_field\"\n  priority: INFO\n"});
    EXPECT_LOAD_ERROR(l, E::kCompileOutput, "invalid formatting token not_a_real_field");
}

TEST(LoaderCases, E5_UndefinedMacroInRule) {
    auto l = load_all({rule_item("some rule", "bar", "  append: false\n")});
    EXPECT_LOAD_ERROR(l, E::kValidate, "Undefined macro 'bar' used in filter.");
    EXPECT_EQ(first_error(l)->ctx.locations()[1].item_name, "some rule");
    auto redefine = load_all({rule_item("some rule", "evt.type=open"),
                              rule_item("some rule", "bar", "  append: false\n")});
    EXPECT_LOAD_ERROR(redefine, E::kValidate, "Undefined macro 'bar' used in filter.");
}

TEST(LoaderCases, E6_UnknownField) {
    for (const char* skip : {"  skip-if-unknown-filter: false\n", ""}) {
        auto l = load_all({rule_item("Contains Unknown Event And Not Skipping (field)",
                                     "evt.type=open and proc.nobody=cat", skip)});
        EXPECT_LOAD_ERROR(l, E::kCompileCondition,
                          "filter_check called with nonexistent field proc.nobody");
        EXPECT_EQ(l.results()[0].errors().size(), 1u);
    }
}

TEST(LoaderCases, E7_SkipIfUnknownFilter) {
    const std::string skip = "  skip-if-unknown-filter: true\n";
    auto l = load_all({rule_item("a", "evt.type=open and proc.nobody=cat", skip) +
                       rule_item("b", "evt.type=some_invalid_event", skip) +
                       "- rule: c\n  desc: d\n  condition: evt.type=open\n  output: "
                       "proc.nobody=%proc.nobody\n  priority: INFO\n" +
                       skip + rule_item("legit", "evt.type=open")});
    EXPECT_LOADS(l);
    EXPECT_EQ(count_warnings(l, W::kUnknownFilter), 3u) << dump(l);
    EXPECT_WARNS(l, W::kUnknownFilter, "filter_check called with nonexistent field proc.nobody");
    EXPECT_WARNS(l, W::kUnknownFilter, "unknown event type some_invalid_event");
    EXPECT_WARNS(l, W::kUnknownFilter, "invalid formatting token proc.nobody");
    ASSERT_EQ(l.ruleset().rules.size(), 1u);
    EXPECT_EQ(l.ruleset().rules[0].name, "legit");
}

TEST(LoaderCases, E7b_EventTypePatternsAreNotNames) {
    auto l = load_all({rule_item("r", "evt.type startswith open and evt.type != close")});
    EXPECT_LOADS(l);
    auto bad = load_all({rule_item("r", "evt.type in (open, nosuchcall)")});
    EXPECT_LOAD_ERROR(bad, E::kCompileCondition, "unknown event type nosuchcall");
}

TEST(LoaderCases, E8_FieldArgumentsAccepted) {
    auto l = load_all(
        {rule_item("r", "evt.type=open and evt.arg.path=\"foo\" and evt.arg[0]=\"foo\" and "
                        "proc.aname=\"ls\" and proc.aname[1]=\"ls\" and proc.apid=10 and "
                        "proc.apid[1]=10")});
    EXPECT_LOADS(l);
}

TEST(LoaderCases, E9_RuleNamesWithRegexCharacters) {
    auto l = load_all({"- macro: is_cat\n  condition: proc.name=cat\n- rule: Open From Cat "
                       "($\\.*+?()[]{}|^)\n  desc: d\n  condition: evt.type=open and is_cat\n  "
                       "output: o\n  priority: INFO\n"});
    EXPECT_LOADS(l);
    ASSERT_EQ(l.ruleset().rules.size(), 1u);
    EXPECT_EQ(l.ruleset().rules[0].name, "Open From Cat ($\\.*+?()[]{}|^)");
}

TEST(LoaderCases, E10_RuleRedefinitionLastWins) {
    auto l = load_all({rule_item("open_from_cat", "evt.type=open and proc.name=not_cat") +
                       "- macro: is_cat\n  condition: proc.name=cat\n" +
                       rule_item("open_from_cat", "evt.type=open and is_cat")});
    EXPECT_EQ(compiled(l, "open_from_cat"), "(evt.type = open and proc.name = cat)");
    auto later = load_all({kSingleRule, rule_item("open_from_cat", "evt.type=open and "
                                                                   "proc.name=not-cat")});
    EXPECT_EQ(compiled(later, "open_from_cat"), "(evt.type = open and proc.name = not-cat)");
}

TEST(LoaderCases, E11_FullRedefinitionReplacesEnabled) {
    auto l = load_all({rule_item("r", "evt.type=open", "  enabled: false\n"),
                       rule_item("r", "proc.name = cat", "  enabled: true\n")});
    EXPECT_LOADS(l);
    ASSERT_EQ(l.ruleset().rules.size(), 1u);
    EXPECT_TRUE(l.ruleset().rules[0].enabled);
    EXPECT_EQ(compiled(l, "r"), "proc.name = cat");
}

TEST(LoaderCases, E12_UnknownKeyOnRule) {
    auto l = load_all({rule_item("r", "evt.type=open", "  typo_field: some_value\n")});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kUnknownKey, "Unknown key 'typo_field'. The key will be ignored.");
}

TEST(LoaderCases, E13_ValidOptionalKeys) {
    auto l = load_all({rule_item("r", "evt.type=open",
                                 "  warn_evttypes: false\n  skip-if-unknown-filter: true\n  "
                                 "capture: true\n  capture_duration: 10000\n")});
    EXPECT_LOADS(l);
    EXPECT_NO_WARNING(l, W::kUnknownKey);
    EXPECT_TRUE(l.ruleset().rules[0].capture);
    EXPECT_EQ(l.ruleset().rules[0].capture_duration, 10000u);
    auto d = load_all({rule_item("r", "evt.type=open")});
    EXPECT_FALSE(d.ruleset().rules[0].capture);
    EXPECT_EQ(d.ruleset().rules[0].capture_duration, 0u);
}

TEST(LoaderCases, E14_WronglyTypedOptionalKeys) {
    auto yes = load_all({rule_item("r", "evt.type=open", "  capture: \"yes\"\n")});
    EXPECT_LOADS(yes);
    auto bad =
        load_all({rule_item("r", "evt.type=open", "  capture_duration: \"not_a_number\"\n")});
    EXPECT_LOAD_ERROR(bad, E::kYamlValidate, "Can't decode YAML scalar value");
}

TEST(LoaderCases, E15_DeprecatedFieldInOutput) {
    auto l =
        load_all({"- rule: r\n  desc: d\n  condition: evt.type=open\n  output: user=%user.name "
                  "evt.dir=%evt.dir\n  priority: INFO\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kDeprecatedItem,
                 "usage of deprecated field 'evt.dir' has been detected in the rule output");
    auto clean = load_all({rule_item("r", "evt.type=open")});
    EXPECT_NO_WARNING(clean, W::kDeprecatedItem);
}

TEST(LoaderCases, E16_DeprecatedFieldInCondition) {
    auto l = load_all({rule_item("r", ">\n    evt.type = close and evt.dir = <")});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kDeprecatedItem, "evt.dir");
    auto via_macro = load_all({"- macro: spawned_process\n  condition: evt.type in (execve, "
                               "execveat) and evt.dir = <\n" +
                               rule_item("r", "spawned_process")});
    EXPECT_LOADS(via_macro);
    EXPECT_WARNS(via_macro, W::kDeprecatedItem, "evt.dir");
    for (const char* c : {"evt.type = open and evt.dir = >", "evt.type = open and proc.name=test "
                                                             "and evt.dir = <"}) {
        auto more = load_all({rule_item("r", c)});
        EXPECT_WARNS(more, W::kDeprecatedItem, "evt.dir");
    }
}

TEST(LoaderCases, E17_ContainerInfo) {
    auto l =
        load_all({"- rule: r\n  desc: d\n  condition: evt.type=open\n  output: proc=%proc.name "
                  "%container.info\n  priority: INFO\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kDeprecatedItem, "%container.info is deprecated and no more useful");
    EXPECT_EQ(l.ruleset().rules[0].output.find("%container.info"), std::string::npos);
}

TEST(LoaderCases, E18_ExtraOutputFormats) {
    // append_output is configuration (src/daemon); the loader keeps outputs as written.
    auto l =
        load_all({"- rule: r\n  desc: d\n  condition: evt.type=open\n  output: user=%user.name "
                  "command=%proc.cmdline file=%fd.name\n  priority: INFO\n"});
    EXPECT_LOADS(l);
    EXPECT_EQ(l.ruleset().rules[0].output_fields,
              (std::vector<std::string>{"user.name", "proc.cmdline", "fd.name"}));
}

} // namespace
} // namespace kestrel::rules
