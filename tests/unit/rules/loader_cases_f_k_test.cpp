// loader-cases.md sections F-K: event-type warnings, append/override, enabled, exceptions,
// sources, escaping.

#include "loader_test_util.hpp"
#include "rules/condition_checks.hpp"
#include "rules/condition_parser.hpp"

namespace kestrel::rules {
namespace {

using namespace kestrel::rules::testing;
using E = LoadErrorCode;
using W = LoadWarningCode;

bool warns_no_evttype(const std::string& cond, const std::string& extra = "") {
    auto l = load_all({rule_item("r", cond, extra)});
    EXPECT_LOADS(l);
    return has_warning(l, W::kNoEvttype);
}

// ---- F. Event-type restriction warning ----

TEST(LoaderCases, F1_NoEvttypeWarning) {
    auto l = load_all({rule_item("r", "proc.name = cat")});
    EXPECT_WARNS(l, W::kNoEvttype,
                 "Rule matches too many evt.type values. This has a significant performance "
                 "penalty.");
    EXPECT_FALSE(warns_no_evttype("evt.type = close"));
    EXPECT_FALSE(warns_no_evttype("proc.name = cat", "  warn_evttypes: false\n"));
    EXPECT_FALSE(warns_no_evttype("evt.num = 0"));
    EXPECT_FALSE(warns_no_evttype("evt.type = open and evt.type = close"));
    const std::string never_true = "- macro: never_true\n  condition: (evt.num=0)\n- macro: "
                                   "user_known_activity\n  condition: (never_true)\n";
    for (const char* c : {"evt.type = open and not user_known_activity", "never_true"}) {
        auto nt = load_all({never_true + rule_item("r", c)});
        EXPECT_LOADS(nt);
        EXPECT_NO_WARNING(nt, W::kNoEvttype);
    }
}

TEST(LoaderCases, F2_FalcoRulesWarnings) {
    for (const char* c :
         {"proc.name=foo", "evt.type!=execve", "not evt.type=execve",
          "evt.type=execve and proc.name=foo or evt.type=open or evt.type!=connect",
          "evt.type=execve and proc.name=foo or evt.type=open or not evt.type=connect",
          "evt.type=execve and proc.name!=foo or evt.type=open or not evt.type=connect",
          "evt.type in (execve, open) or evt.type!=connect", "not evt.type in (execve, open)",
          "not evt.type in (execve, open) or evt.type=connect"}) {
        EXPECT_TRUE(warns_no_evttype(c)) << c;
    }
}

TEST(LoaderCases, F2b_EventTypeSetAlgebra) {
    for (const char* c :
         {"evt.type=execve", "evt.type=execve and proc.name!=foo",
          "evt.type=execve and not proc.name=foo",
          "evt.type=execve and proc.name=foo or evt.type=open",
          "evt.type=execve and proc.name=foo or evt.type in (open, connect)",
          "evt.type in (execve, open) and proc.name=foo or evt.type=connect",
          "proc.name!=foo and evt.type=execve", "not proc.name=foo and evt.type in (execve, open)",
          "evt.type=execve and not proc.name=foo or evt.type=open",
          "evt.type=open or evt.type=open", "evt.type in (open, open)"}) {
        EXPECT_FALSE(warns_no_evttype(c)) << c;
    }
    auto l = load_all({rule_item("r", "evt.type=execve and proc.name=foo or evt.type=open")});
    EXPECT_EQ(l.ruleset().rules[0].event_types.names(),
              (std::vector<std::string>{"execve", "open"}));
}

TEST(LoaderCases, F3_UnsafeNaCheck) {
    // ka.*/jevt.* come from the k8saudit/json plugins, so this checks the warning pass alone
    // (as Falco's filter_warning_resolver test does).
    auto warns = [](const std::string& cond) {
        auto r = parse_condition(cond);
        EXPECT_TRUE(r.ok()) << cond;
        for (const auto& w : condition_warnings(*r.expr)) {
            if (w.code == W::kUnsafeNaCheck) {
                EXPECT_NE(w.message.find("comparing a field value with <NA> is unsafe"),
                          std::string::npos);
                return true;
            }
        }
        return false;
    };
    for (const char* c : {"jevt.field = <NA>", "ka.field = <NA>", "ka.field == <NA>",
                          "ka.field != <NA>", "ka.field in (<NA>)", "ka.field in (otherval, <NA>)",
                          "ka.field intersects (<NA>)", "ka.field pmatch (otherval, <NA>)"}) {
        EXPECT_TRUE(warns(c)) << c;
    }
    EXPECT_FALSE(warns("ka.field exists"));
    EXPECT_FALSE(warns("some.field = <NA>"));
}

TEST(FilterSyntax, L6_TransformerCompileErrors) {
    auto l = load_all({rule_item("r", "evt.type=open and toupper(fd.name)[x] = foo")});
    EXPECT_LOAD_ERROR(l, E::kCompileCondition,
                      "filter error: transformer 'toupper' does not support field arguments");
    for (const char* ok :
         {"tolower(proc.name) = cat", "len(proc.args) > 3", "basename(fd.name) = passwd",
          "proc.name = val(proc.pname)", "toupper(basename(fd.name)) = PASSWD"}) {
        SCOPED_TRACE(ok);
        auto l2 = load_all({rule_item("r", std::string("evt.type=open and ") + ok)});
        EXPECT_LOADS(l2);
    }
}

TEST(FilterSyntax, L8_OperatorTypeCompatibility) {
    for (const char* bad : {"evt.num contains 1", "proc.pid startswith 1", "evt.is_io > 1",
                            "fd.name bcontains 41", "fd.ip contains 1", "thread.cpu = 1.0",
                            "evt.buffer bstartswith g", "evt.buffer bcontains 123Z"}) {
        SCOPED_TRACE(bad);
        auto l = load_all({rule_item("r", std::string("evt.type=open and ") + bad)});
        EXPECT_LOAD_ERROR(l, E::kCompileCondition, "");
    }
    for (const char* ok : {"evt.num > 1", "proc.pid in (1, 2)", "evt.is_io = true",
                           "evt.buffer bcontains 656c6C", "fd.net = 127.0.0.1/32",
                           "fd.ip in (10.0.0.1, \"::1\")", "fd.name < 5", "thread.cpu = 1"}) {
        SCOPED_TRACE(ok);
        auto l = load_all({rule_item("r", std::string("evt.type=open and ") + ok)});
        EXPECT_LOADS(l);
    }
}

TEST(FilterSyntax, L9_CompilerWarnings) {
    auto count = [](const std::string& cond) {
        auto l = load_all({rule_item("r", "evt.type=open and " + cond)});
        EXPECT_LOADS(l);
        return count_warnings(l, W::kCompileCondition);
    };
    EXPECT_EQ(count("evt.source = evt.plugininfo"), 1u);
    for (const char* re : {"syscall", "^syscall$", ".*syscall.*", "syscall.+"}) {
        EXPECT_EQ(count(std::string("evt.source regex ") + re), 1u) << re;
    }
    for (const char* re : {"syscall.{1}", "s.*l", "syscal[l]?"}) {
        EXPECT_EQ(count(std::string("evt.source regex ") + re), 0u) << re;
    }
}

// ---- G. Rule append / override ----

const std::string kLegit = "- rule: legit_rule\n  desc: legit rule description\n  condition: "
                           "evt.type=open\n  output: user=%user.name command=%proc.cmdline "
                           "file=%fd.name\n  priority: INFO\n";

TEST(LoaderCases, G1_LegacyAppend) {
    auto l = load_all({kLegit + "- rule: legit_rule\n  condition: and proc.name = cat\n  append: "
                                "true\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kDeprecatedItem,
                 "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') "
                 "under 'override' instead.");
    EXPECT_EQ(compiled(l, "legit_rule"), "(evt.type = open and proc.name = cat)");
}

TEST(LoaderCases, G2_OverrideAppendConditionOutputDesc) {
    auto l = load_all({kLegit + "- rule: legit_rule\n  desc: with append\n  condition: and "
                                "proc.name = cat\n  output: proc=%proc.name\n  override:\n    "
                                "desc: append\n    condition: append\n    output: append\n"});
    EXPECT_LOADS(l);
    EXPECT_NO_WARNING(l, W::kDeprecatedItem);
    const auto& r = l.ruleset().rules[0];
    EXPECT_EQ(r.condition_text, "evt.type=open and proc.name = cat");
    EXPECT_EQ(r.output, "user=%user.name command=%proc.cmdline file=%fd.name proc=%proc.name");
    EXPECT_EQ(r.description, "legit rule description with append");
}

TEST(LoaderCases, G3_OverrideReplace) {
    auto l = load_all({kLegit + "- rule: legit_rule\n  desc: a replaced legit description\n  "
                                "condition: evt.type = close\n  override:\n    desc: replace\n    "
                                "condition: replace\n"});
    EXPECT_LOADS(l);
    const auto& r = l.ruleset().rules[0];
    EXPECT_EQ(r.condition_text, "evt.type = close");
    EXPECT_EQ(r.description, "a replaced legit description");
    EXPECT_EQ(r.output, "user=%user.name command=%proc.cmdline file=%fd.name");
}

TEST(LoaderCases, G4_MixedAppendReplace) {
    auto l = load_all({rule_item("legit_rule", "evt.type = close") +
                       "- rule: legit_rule\n  condition: and proc.name = cat\n  desc: new\n  "
                       "priority: WARNING\n  override:\n    desc: replace\n    condition: append\n "
                       "   priority: replace\n"});
    EXPECT_LOADS(l);
    EXPECT_EQ(l.ruleset().rules[0].condition_text, "evt.type = close and proc.name = cat");
    EXPECT_EQ(priority_name(l.ruleset().rules[0].priority), "Warning");
}

TEST(LoaderCases, G5_KeyCannotBeAppended) {
    auto l = load_all({kLegit + "- rule: legit_rule\n  priority: WARNING\n  override:\n    "
                                "priority: append\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate,
                      "Key 'priority' cannot be appended to, use 'replace' instead");
    EXPECT_NE(l.results()[0].as_verbose_string(l.contents()).find("priority: append"),
              std::string::npos)
        << dump(l);
}

TEST(LoaderCases, G6_BadOverrideOperation) {
    auto l = load_all({kLegit + "- rule: legit_rule\n  condition: and proc.name = cat\n  "
                                "override:\n    condition: merge\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate,
                      "Invalid override operation for key 'condition': 'merge'. Allowed values "
                      "are: append replace ");
}

TEST(LoaderCases, G7_AppendTogetherWithOverride) {
    auto l = load_all({kLegit + "- rule: legit_rule\n  desc: x\n  condition: and proc.name = cat\n "
                                " append: true\n  override:\n    desc: replace\n    condition: "
                                "append\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate,
                      "Keys 'override' and 'append: true' cannot be used together. Add an 'append' "
                      "entry (e.g. 'condition: append') under 'override' instead.");
    EXPECT_WARNS(l, W::kDeprecatedItem, "'append' key is deprecated");
}

TEST(LoaderCases, G8_OverrideOfKeyWithNoValue) {
    auto l = load_all({kLegit + "- rule: legit_rule\n  desc: x\n  override:\n    desc: replace\n  "
                                "  condition: append\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate,
                      "An append override for 'condition' was specified but 'condition' is not "
                      "defined");
}

TEST(LoaderCases, G9_ValueWithoutOverrideEntry) {
    auto l = load_all({kLegit + "- rule: legit_rule\n  condition: and proc.name = cat\n  "
                                "priority: WARNING\n  override:\n    condition: append\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate,
                      "Unexpected key 'priority': no corresponding entry under 'override' is "
                      "defined.");
}

TEST(LoaderCases, G10_OverrideAppendBeforeRuleExists) {
    const std::string msg = "Rule uses 'append' or 'override.<key>: append' but no rule by that "
                            "name already exists";
    auto l = load_all({"- rule: test_rule\n  condition: and proc.name = cat\n  override:\n    "
                       "condition: append\n" +
                       rule_item("test_rule", "evt.type=open")});
    EXPECT_LOAD_ERROR(l, E::kValidate, msg);
    auto l2 = load_all({"- rule: test_rule\n  condition: and proc.name = cat\n  append: true\n"});
    EXPECT_LOAD_ERROR(l2, E::kValidate, msg);
}

TEST(LoaderCases, G11_OverrideReplaceBeforeRuleExists) {
    auto l = load_all({"- rule: test_rule\n  condition: evt.type = close\n  override:\n    "
                       "condition: replace\n" +
                       rule_item("test_rule", "evt.type=open")});
    EXPECT_LOAD_ERROR(l, E::kValidate,
                      "An 'override.<key>: replace' to a rule was requested but no rule by that "
                      "name already exists");
}

TEST(LoaderCases, G12_AppendAfterDefinition) {
    for (const char* how : {"  override:\n    condition: append\n", "  append: true\n"}) {
        auto l = load_all({rule_item("test_rule", "evt.type in (open,openat)") +
                           "- rule: test_rule\n  condition: and proc.name = cat\n" + how});
        EXPECT_LOADS(l);
        EXPECT_EQ(compiled(l, "test_rule"), "(evt.type in (open, openat) and proc.name = cat)");
    }
}

TEST(LoaderCases, G13_AppendWithNothingToAppend) {
    auto l = load_all({"- rule: no condition rule\n  desc: simpe rule\n  condition: "
                       "evt.type=open\n  output: simple output\n  priority: WARNING\n- rule: no "
                       "condition rule\n  append: true\n"});
    EXPECT_LOAD_ERROR(l, E::kValidate, "Appended rule must have exceptions or condition property");
}

TEST(LoaderCases, G14_AppendMakesConditionUnparsable) {
    auto l = load_all({rule_item("some rule", "evt.type=open") +
                       "- rule: some rule\n  desc: d\n  condition: bar\n  output: o\n  priority: "
                       "INFO\n  append: true\n"});
    EXPECT_LOAD_ERROR(l, E::kCompileCondition,
                      "unexpected token after 'open', expecting 'or', 'and'");
}

TEST(LoaderCases, G15_RuntimeSemanticsOfAppend) {
    auto l = load_all({rule_item("my_rule", "(evt.type=open and fd.name=not-a-real-file)") +
                       "- rule: my_rule\n  append: true\n  condition: or (evt.type=open and "
                       "fd.name=/dev/null)\n"});
    EXPECT_EQ(compiled(l, "my_rule"), "((evt.type = open and fd.name = not-a-real-file) or "
                                      "(evt.type = open and fd.name = /dev/null))");
    auto l2 = load_all({rule_item("my_rule", "evt.type=open and fd.name=/dev/null") +
                        "- rule: my_rule\n  append: true\n  condition: and "
                        "fd.name=not-a-real-file\n"});
    EXPECT_EQ(compiled(l2, "my_rule"),
              "(evt.type = open and fd.name = /dev/null and fd.name = not-a-real-file)");
}

TEST(LoaderCases, G16_ReplaceOtherKeys) {
    auto l = load_all({kLegit + "- rule: legit_rule\n  warn_evttypes: false\n  capture: true\n  "
                                "capture_duration: 15000\n  tags: [network]\n  override:\n    "
                                "warn_evttypes: replace\n    capture: replace\n    "
                                "capture_duration: replace\n    tags: replace\n"});
    EXPECT_LOADS(l);
    const auto& r = l.ruleset().rules[0];
    EXPECT_TRUE(r.capture);
    EXPECT_EQ(r.capture_duration, 15000u);
    EXPECT_EQ(r.tags, (std::set<std::string>{"network"}));
    auto off = load_all({kLegit + "- rule: legit_rule\n  capture: false\n  override:\n    capture: "
                                  "replace\n"});
    EXPECT_FALSE(off.ruleset().rules[0].capture);
}

TEST(LoaderCases, G17_SourceConflicts) {
    const std::string k8s = rule_item("r", "ka.verb=create", "  source: k8s_audit\n");
    for (const std::string& second :
         {rule_item("r", "evt.type=open", "  source: syscall\n"),
          std::string("- rule: r\n  condition: and evt.type=open\n  append: true\n  source: "
                      "syscall\n"),
          std::string(
              "- rule: r\n  desc: x\n  override:\n    desc: replace\n  source: syscall\n")}) {
        auto l = load_all({k8s + second});
        EXPECT_LOAD_ERROR(l, E::kValidate, "Rule has been re-defined with a different source");
    }
    auto empty = load_all({k8s + "- rule: r\n  condition: and ka.user.name=x\n  append: true\n  "
                                 "source: \"\"\n"});
    EXPECT_LOADS(empty);
}

// ---- H. enabled ----

TEST(LoaderCases, H1_DisabledRule) {
    auto l = load_all({rule_item("r", "evt.type=open", "  enabled: false\n")});
    EXPECT_LOADS(l);
    EXPECT_TRUE(l.results()[0].warnings().empty());
    EXPECT_FALSE(l.ruleset().rules[0].enabled);
}

TEST(LoaderCases, H2_EnableOnlyItem) {
    auto l = load_all({rule_item("test_rule", "evt.type=open", "  enabled: false\n") +
                       "- rule: test_rule\n  enabled: true\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kDeprecatedItem,
                 "The standalone 'enabled' key usage is deprecated. The correct approach requires "
                 "also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').");
    EXPECT_TRUE(l.ruleset().rules[0].enabled);
    auto off = load_all(
        {rule_item("test_rule", "evt.type=open") + "- rule: test_rule\n  enabled: false\n"});
    EXPECT_FALSE(off.ruleset().rules[0].enabled);
}

TEST(LoaderCases, H3_EnableOnlyForMissingRule) {
    auto l = load_all({"- rule: nope\n  enabled: false\n"});
    EXPECT_LOAD_ERROR(l, E::kValidate,
                      "Rule has 'enabled' key but no rule by that name already "
                      "exists");
}

TEST(LoaderCases, H4_EnabledViaOverride) {
    auto l = load_all({rule_item("r", "evt.type=open", "  enabled: false\n") +
                       "- rule: r\n  desc: x\n  condition: and proc.name = cat\n  enabled: true\n "
                       " override:\n    desc: replace\n    condition: append\n    enabled: "
                       "replace\n"});
    EXPECT_LOADS(l);
    EXPECT_TRUE(l.results()[0].warnings().empty()) << dump(l);
    EXPECT_TRUE(l.ruleset().rules[0].enabled);
}

TEST(LoaderCases, H5_OverrideEnabledWithoutValue) {
    auto l = load_all({rule_item("r", "evt.type=open", "  enabled: false\n") +
                       "- rule: r\n  desc: x\n  condition: and proc.name = cat\n  override:\n    "
                       "desc: replace\n    condition: append\n    enabled: replace\n"});
    EXPECT_LOAD_ERROR(l, E::kYamlValidate, "'enabled' was specified but 'enabled' is not defined");
}

TEST(LoaderCases, H6_EnabledIgnoredByLegacyAppend) {
    auto l = load_all({rule_item("r", "evt.type=open", "  enabled: false\n") +
                       "- rule: r\n  condition: and proc.name = cat\n  enabled: true\n  append: "
                       "true\n"});
    EXPECT_LOADS(l);
    EXPECT_FALSE(l.ruleset().rules[0].enabled);
}

TEST(LoaderCases, H7_SelectionByNameAndTag) {
    // Selection itself is configuration (`rules:` enable/disable, src/daemon); the loader keeps
    // what it needs: names, tags as whole strings, enabled flags.
    auto l = load_all({rule_item("test rule", "evt.type=open", "  tags: [process]\n") +
                       rule_item("disabled rule", "evt.type=open",
                                 "  enabled: false\n  tags: [exec process]\n")});
    EXPECT_LOADS(l);
    EXPECT_TRUE(l.ruleset().find_rule("test rule")->enabled);
    EXPECT_FALSE(l.ruleset().find_rule("disabled rule")->enabled);
    EXPECT_EQ(l.ruleset().find_rule("disabled rule")->tags,
              (std::set<std::string>{"exec process"}));
}

// ---- I. Exceptions ----

const std::string kCatRule = "- rule: Open From Cat\n  desc: d\n  condition: evt.type=open and "
                             "proc.name=cat\n  output: o\n  priority: WARNING\n";

TEST(LoaderCases, I1_ListOfFieldsFormCompiled) {
    auto l = load_all({R"(- rule: test_rule
  desc: test rule
  condition: proc.cmdline contains curl or proc.cmdline contains wget
  output: command=%proc.cmdline
  priority: INFO
  exceptions:
    - name: test_exception
      fields: [proc.cmdline]
      comps: [contains]
      values:
        - [curl 127.0.0.1]
)"});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "test_rule"), "((proc.cmdline contains curl or proc.cmdline contains "
                                        "wget) and not proc.cmdline contains \"curl 127.0.0.1\")");
}

const std::string kThreeExceptions = R"(  exceptions:
    - name: proc_name
      fields: [proc.name]
    - name: proc_name_cmdline
      fields: [proc.name, proc.cmdline]
    - name: proc_name_cmdline_pname
      fields: [proc.name, proc.cmdline, proc.pname]
)";

TEST(LoaderCases, I2_ExceptionsWithoutValues) {
    auto l = load_all({kCatRule + kThreeExceptions});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "Open From Cat"), "(evt.type = open and proc.name = cat)");
}

TEST(LoaderCases, I3_ExceptionsThatSuppress) {
    struct Case {
        std::string exceptions;
        std::string compiled;
    } cases[] = {
        {"  exceptions:\n    - name: proc_name\n      fields: [proc.name]\n      values:\n        "
         "- "
         "[cat]\n",
         "((evt.type = open and proc.name = cat) and not proc.name = cat)"},
        {"  exceptions:\n    - name: proc_name_cmdline\n      fields: [proc.name, proc.cmdline]\n  "
         "    values:\n        - [cat, \"cat /dev/null\"]\n",
         "((evt.type = open and proc.name = cat) and not (proc.name = cat and proc.cmdline = \"cat "
         "/dev/null\"))"},
        {"  exceptions:\n    - name: e\n      fields: [proc.name, proc.cmdline]\n      values:\n   "
         "  "
         "   - [not-cat, not-cat]\n        - [cat, \"cat /dev/null\"]\n",
         "((evt.type = open and proc.name = cat) and not ((proc.name = not-cat and proc.cmdline = "
         "not-cat) or (proc.name = cat and proc.cmdline = \"cat /dev/null\")))"},
        {"  exceptions:\n    - name: e\n      fields: [proc.name]\n      comps: [contains]\n      "
         "values:\n        - [cat]\n",
         "((evt.type = open and proc.name = cat) and not proc.name contains cat)"},
        {"  exceptions:\n    - name: e\n      fields: proc.cmdline\n      comps: in\n      values: "
         "[cat /dev/zero, \"cat /dev/null\"]\n",
         "((evt.type = open and proc.name = cat) and not proc.cmdline in (\"cat /dev/zero\", \"cat "
         "/dev/null\"))"},
        {"  exceptions:\n    - name: e\n      fields: [proc.name, proc.cmdline]\n      comps: [=, "
         "in]\n      values:\n        - [cat, [cat /dev/zero, \"cat /dev/null\"]]\n",
         "((evt.type = open and proc.name = cat) and not (proc.name = cat and proc.cmdline in "
         "(\"cat "
         "/dev/zero\", \"cat /dev/null\")))"},
        {"  exceptions:\n    - name: e\n      fields: [proc.name, proc.cmdline]\n      comps: [=, "
         "in]\n      values:\n        - [cat, (cat_cmdlines)]\n",
         "((evt.type = open and proc.name = cat) and not (proc.name = cat and proc.cmdline in "
         "(\"cat "
         "/dev/zero\", \"cat /dev/null\")))"},
        {"  exceptions:\n    - name: e\n      fields: [proc.name, proc.cmdline]\n      comps: [=, "
         "in]\n      values:\n        - [cat, cat_cmdlines]\n",
         "((evt.type = open and proc.name = cat) and not (proc.name = cat and proc.cmdline in "
         "(\"cat "
         "/dev/zero\", \"cat /dev/null\")))"},
        {"  exceptions:\n    - name: e\n      fields: [proc.name, proc.cmdline]\n      values:\n   "
         "  "
         "   - [not-cat, not-cat]\n        - [cat, '\"cat /dev/null\"']\n",
         "((evt.type = open and proc.name = cat) and not ((proc.name = not-cat and proc.cmdline = "
         "not-cat) or (proc.name = cat and proc.cmdline = \"cat /dev/null\")))"},
    };
    const std::string list = "- list: cat_cmdlines\n  items: [cat /dev/zero, \"cat /dev/null\"]\n";
    for (const auto& c : cases) {
        auto l = load_all({list + kCatRule + c.exceptions});
        EXPECT_LOADS(l);
        EXPECT_EQ(compiled(l, "Open From Cat"), c.compiled) << c.exceptions;
    }
}

TEST(LoaderCases, I4_AppendingExceptionValues) {
    auto l = load_all({kCatRule + kThreeExceptions +
                       "- rule: Open From Cat\n  exceptions:\n    - name: proc_name\n      "
                       "values:\n        - [cat]\n  append: true\n"});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "Open From Cat"),
              "((evt.type = open and proc.name = cat) and not proc.name = cat)");
    auto two = load_all({kCatRule + kThreeExceptions,
                         "- rule: Open From Cat\n  exceptions:\n    - name: proc_name\n      "
                         "values:\n        - [not-cat]\n  append: true\n",
                         "- rule: Open From Cat\n  exceptions:\n    - name: proc_name\n      "
                         "values:\n        - [cat]\n  append: true\n"});
    EXPECT_LOADS(two);
    EXPECT_EQ(compiled(two, "Open From Cat"),
              "((evt.type = open and proc.name = cat) and not (proc.name = not-cat or proc.name = "
              "cat))");
    auto single = load_all({kCatRule +
                            "  exceptions:\n    - name: e\n      fields: proc.cmdline\n "
                            "     comps: in\n      values: [cat /dev/zero]\n" +
                            "- rule: Open From Cat\n  exceptions:\n    - name: e\n      values: "
                            "[\"cat /dev/null\"]\n  append: true\n"});
    EXPECT_LOADS(single);
    EXPECT_EQ(compiled(single, "Open From Cat"),
              "((evt.type = open and proc.name = cat) and not proc.cmdline in (\"cat /dev/zero\", "
              "\"cat /dev/null\"))");
}

TEST(LoaderCases, I5_AppendingNewException) {
    const std::string add = "- rule: Open From Cat\n  exceptions:\n    - name: proc_cmdline\n      "
                            "fields: proc.cmdline\n      comps: in\n      values: [\"cat "
                            "/dev/null\"]\n  append: true\n";
    auto l = load_all({kCatRule + add});
    EXPECT_LOADS(l);
    EXPECT_EQ(
        compiled(l, "Open From Cat"),
        "((evt.type = open and proc.name = cat) and not proc.cmdline in (\"cat /dev/null\"))");
    std::string add2 = add;
    add2.replace(add2.find("proc_cmdline"), 12, "proc_cmdline_2");
    auto l2 = load_all({kCatRule + add + add2});
    EXPECT_LOADS(l2);
}

TEST(LoaderCases, I6_ExceptionShapeErrors) {
    const std::string base = "- rule: My Rule\n  desc: d\n  condition: evt.type=open and "
                             "proc.name=cat\n  output: o\n  priority: error\n  exceptions:\n";
    struct Case {
        std::string ex;
        LoadErrorCode code;
        std::string msg;
    } cases[] = {
        {"    - name: ex1\n", E::kYamlValidate, "Item has no mapping for key 'fields'"},
        {"    - fields: [proc.name, fd.filename]\n", E::kYamlValidate,
         "Item has no mapping for key 'name'"},
        {"    - name: ex1\n      fields: [proc.name, fd.filename]\n      comps: [=]\n",
         E::kValidate, "Fields and comps lists must have equal length"},
        {"    - name: ex1\n      fields: [proc.name, fd.filename]\n      comps: [=, no-comp]\n",
         E::kValidate, "'no-comp' is not a supported comparison operator"},
        {"    - name: ex1\n      fields: [not.exist]\n", E::kValidate,
         "'not.exist' is not a supported filter field"},
        {"    - name: ex1\n      fields: [proc.name, fd.filename]\n      values:\n        - "
         "[nginx]\n",
         E::kValidate, "Fields and values lists must have equal length"},
    };
    for (const auto& c : cases) {
        auto l = load_all({base + c.ex});
        EXPECT_LOAD_ERROR(l, c.code, c.msg);
    }
}

TEST(LoaderCases, I7_AppendingExceptionErrors) {
    const std::string base = "- rule: My Rule\n  desc: d\n  condition: evt.type=open and "
                             "proc.name=cat\n  output: o\n  priority: error\n  exceptions:\n    - "
                             "name: ex1\n      fields: [proc.name, fd.filename]\n";
    const std::string app = "- rule: My Rule\n  append: true\n  exceptions:\n";
    struct Case {
        std::string ex;
        LoadErrorCode code;
        std::string msg;
    } cases[] = {
        {"    - name: ex1\n      values: [[nginx]]\n", E::kValidate,
         "Fields and values lists must have equal length"},
        {"    - values: [[nginx, /tmp/foo]]\n", E::kYamlValidate,
         "Item has no mapping for key 'name'"},
        {"    - name: ex2\n      values: [[apache, /tmp]]\n", E::kValidate,
         "Rule exception must have fields property with a list of fields"},
        {"    - name: proc_cmdline\n      comps: in\n      values: [\"cat /dev/null\"]\n",
         E::kValidate, "Rule exception must have fields property with a list of fields"},
        {"    - name: ex3\n      fields: [proc.name]\n", E::kValidate,
         "Rule exception must have values property with a list of values"},
        {"    - name: ex1\n      fields: [proc.name]\n      values: [[a]]\n", E::kValidate,
         "Can not append exception fields to existing exception, only values"},
        {"    - name: ex1\n      comps: [=, =]\n      values: [[a, b]]\n", E::kValidate,
         "Can not append exception comps to existing exception, only values"},
    };
    for (const auto& c : cases) {
        auto l = load_all({base + app + c.ex});
        EXPECT_LOAD_ERROR(l, c.code, c.msg);
    }
    auto l = load_all({base + app + "    - name: ex2\n      values: [[apache, /tmp]]\n"});
    EXPECT_EQ(first_error(l)->ctx.locations().back().item_name, "ex2");
}

TEST(LoaderCases, I8_DuplicateExceptionNames) {
    auto l = load_all({kCatRule + "  exceptions:\n    - name: test_exception\n      fields: "
                                  "[proc.name]\n    - name: test_exception\n      fields: "
                                  "[proc.name]\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kExceptionNameNotUnique,
                 "Multiple definitions of exception 'test_exception' in the same rule");
}

TEST(LoaderCases, I9_AppendingExceptionWithNoValues) {
    const std::string base = kCatRule + "  exceptions:\n    - name: test_exception\n      fields: "
                                        "[proc.name]\n      values: [[cat]]\n";
    for (const char* how : {"  append: true\n", "  override:\n    exceptions: append\n"}) {
        auto l = load_all({base +
                           "- rule: Open From Cat\n  exceptions:\n    - name: "
                           "test_exception\n      value: curl 1.1.1.1\n" +
                           how});
        EXPECT_LOADS(l);
        EXPECT_WARNS(l, W::kAppendNoValues, "Overriding/appending exception with no values");
    }
}

TEST(LoaderCases, I10_ReplaceNeedsFullDefinitions) {
    const std::string base = kCatRule + "  exceptions:\n    - name: test_exception\n      fields: "
                                        "proc.name\n      comps: in\n      values: [\"cat\"]\n";
    auto ok = load_all({base + "- rule: Open From Cat\n  exceptions:\n    - name: "
                               "test_exception\n      values: [echo]\n  override:\n    "
                               "exceptions: append\n"});
    EXPECT_LOADS(ok);
    auto bad = load_all({base + "- rule: Open From Cat\n  exceptions:\n    - name: "
                                "test_exception\n      values: [id]\n  override:\n    exceptions: "
                                "replace\n"});
    EXPECT_LOAD_ERROR(bad, E::kYamlValidate, "Item has no mapping for key 'fields'");
    EXPECT_TRUE(bad.results()[0].warnings().empty()) << dump(bad);
}

std::string open_with_exception(const std::string& values,
                                const std::string& fields = "[proc.name]",
                                const std::string& comps = "[=]") {
    return "- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n  "
           "exceptions:\n    - name: e\n      fields: " +
           fields + "\n      comps: " + comps + "\n      values:\n        - " + values + "\n";
}

TEST(LoaderCases, I11_ValueLooksLikeField) {
    struct Case {
        std::string values;
        std::string compiled;
        std::string warning;
    } cases[] = {
        {"[proc.pname]", "(evt.type = open and not proc.name = proc.pname)",
         "'proc.pname' may be a valid field misused as a const string value"},
        {"[\"proc.pname\"]", "(evt.type = open and not proc.name = proc.pname)",
         "'proc.pname' may be a valid field misused as a const string value"},
        {"[\"proc.pname \"]", "(evt.type = open and not proc.name = \"proc.pname \")",
         "'proc.pname ' may be a valid field misused as a const string value"},
        {"[toupper(proc.pname)]", "(evt.type = open and not proc.name = toupper(proc.pname))", ""},
        {"[\"toupper(proc.pname)\"]", "(evt.type = open and not proc.name = toupper(proc.pname))",
         ""},
        {"[toupper( proc.pname)]", "(evt.type = open and not proc.name = \"toupper( proc.pname)\")",
         "'toupper( proc.pname)' may be a valid field transformer misused as a const string "
         "value"},
    };
    for (const auto& c : cases) {
        auto l = load_all({open_with_exception(c.values)});
        EXPECT_LOADS(l);
        EXPECT_EQ(compiled(l, "r"), c.compiled) << c.values;
        if (c.warning.empty()) {
            EXPECT_NO_WARNING(l, W::kCompileCondition);
        } else {
            EXPECT_WARNS(l, W::kCompileCondition, c.warning);
        }
    }
}

TEST(LoaderCases, I12_TransformerOnFieldSide) {
    for (const char* f :
         {"[tolower(proc.name)]", "[\"tolower(proc.name)\"]", "[\"tolower( proc.name)\"]"}) {
        auto l = load_all({open_with_exception("[test]", f)});
        EXPECT_LOADS(l);
        EXPECT_EQ(compiled(l, "r"), "(evt.type = open and not tolower(proc.name) = test)") << f;
        EXPECT_NO_WARNING(l, W::kCompileCondition);
    }
}

TEST(LoaderCases, I13_DefaultCompsAndSingleFieldForm) {
    auto def = load_all({"- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  "
                         "priority: INFO\n  exceptions:\n    - name: e\n      fields: [proc.name, "
                         "proc.pname]\n      values: [[a, b]]\n"});
    EXPECT_EQ(compiled(def, "r"), "(evt.type = open and not (proc.name = a and proc.pname = b))");
    auto single = load_all({"- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  "
                            "priority: INFO\n  exceptions:\n    - name: e\n      fields: "
                            "proc.name\n      values: [a, b]\n"});
    EXPECT_EQ(compiled(single, "r"), "(evt.type = open and not proc.name in (a, b))");
    auto bad_comp = load_all({"- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  "
                              "priority: INFO\n  exceptions:\n    - name: e\n      fields: "
                              "proc.name\n      comps: =\n      values: [a]\n"});
    EXPECT_LOAD_ERROR(bad_comp, E::kValidate,
                      "When fields is a single value, comps must be one of (in, pmatch, "
                      "intersects)");
    auto list_comps = load_all({"- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n "
                                " priority: INFO\n  exceptions:\n    - name: e\n      fields: "
                                "proc.name\n      comps: [in]\n      values: [a]\n"});
    EXPECT_LOAD_ERROR(list_comps, E::kValidate, "Fields and comps must both be strings");
    auto nested = load_all({"- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  "
                            "priority: INFO\n  exceptions:\n    - name: e\n      fields: "
                            "proc.name\n      values: [[a]]\n"});
    EXPECT_LOAD_ERROR(nested, E::kValidate, "Expected values array to contain a list of strings");
    auto scalar_in = load_all({open_with_exception("[x]", "[proc.name]", "[in]")});
    EXPECT_EQ(compiled(scalar_in, "r"), "(evt.type = open and not proc.name in (x))");
    auto spaced = load_all({open_with_exception("[a b]")});
    EXPECT_EQ(compiled(spaced, "r"), "(evt.type = open and not proc.name = \"a b\")");
}

TEST(LoaderCases, I14_ExceptionsOnUnknownSource) {
    auto l = load_all({"- rule: r\n  desc: d\n  condition: ct.name=x\n  output: o\n  priority: "
                       "INFO\n  source: aws_cloudtrail\n  exceptions:\n    - name: e\n      "
                       "fields: [ct.user]\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kUnknownSource, "Unknown source aws_cloudtrail, skipping");
}

TEST(LoaderCases, I15_ModifierOperatorsInComps) {
    auto l = load_all(
        {open_with_exception("[[sshd, sudo, systemd]]", "[proc.name]", "[startswith oneof]")});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "r"),
              "(evt.type = open and not proc.name startswith oneof (sshd, sudo, systemd))");
    for (const char* comp :
         {"[contains allof]", "[endswith anyof]", "[glob oneof]", "[icontains oneof]", "[= oneof]",
          "[regex oneof]", "[\"  startswith   oneof \"]"}) {
        auto ok = load_all({open_with_exception("[[a, b]]", "[proc.name]", comp)});
        EXPECT_LOADS(ok) << comp;
    }
    auto mixed = load_all({open_with_exception("[[sshd, sudo], /etc/]", "[proc.name, fd.name]",
                                               "[startswith oneof, startswith]")});
    EXPECT_LOADS(mixed);
    auto scalar = load_all({open_with_exception("[sshd]", "[proc.name]", "[startswith oneof]")});
    EXPECT_EQ(compiled(scalar, "r"), "(evt.type = open and not proc.name startswith oneof (sshd))");
    for (const char* bad : {"[frobulate oneof]", "[in oneof]", "[\">= oneof\"]", "[oneof]"}) {
        auto l2 = load_all({open_with_exception("[[a]]", "[proc.name]", bad)});
        EXPECT_LOAD_ERROR(l2, E::kValidate, "is not a supported comparison operator");
    }
    auto scalar_bad = load_all({"- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n "
                                " priority: INFO\n  exceptions:\n    - name: e\n      fields: "
                                "proc.name\n      comps: frobulate oneof\n      values: [a]\n"});
    EXPECT_LOAD_ERROR(scalar_bad, E::kValidate, "comps must be one of");
}

// ---- J. Sources ----

TEST(LoaderCases, J1_UnknownSource) {
    auto l = load_all({"- rule: Cloudtrail Create Instance\n  desc: d\n  condition: "
                       "ct.name=\"RunInstances\"\n  output: o\n  priority: INFO\n  source: "
                       "aws_cloudtrail\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kUnknownSource, "Unknown source aws_cloudtrail, skipping");
    EXPECT_EQ(l.results()[0].warnings()[0].ctx.locations().back().item_name,
              "Cloudtrail Create Instance");
    EXPECT_TRUE(l.ruleset().rules.empty());
}

TEST(LoaderCases, J2_AppendToUnknownSourceRule) {
    auto l = load_all({"- rule: Rule1\n  desc: NoDesc\n  condition: evt.type=open\n  priority: "
                       "INFO\n  output: Never\n  source: mysource\n- rule: Rule1\n  append: true\n "
                       " condition: or evt.type=openat\n"});
    EXPECT_LOADS(l);
    EXPECT_WARNS(l, W::kUnknownSource, "Unknown source mysource, skipping");
}

TEST(LoaderCases, J3_CompiledFormDropsQuotes) {
    // The case uses json.value[/test] from the json plugin; the rendering rule is the same for
    // any field: quotes that are not needed disappear from condition_compiled.
    auto l = load_all({rule_item("r", "evt.type=open and proc.env[/test] = \"test\"")});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "r"), "(evt.type = open and proc.env[/test] = test)");
}

// ---- K. Escaping and quoting ----

TEST(LoaderCases, K1_ListItemsQuoting) {
    auto l = load_all({"- list: my_list\n  items: [non_escaped_val, \"escaped val\"]\n" +
                       rule_item("r", "evt.type=open and proc.name in (my_list)")});
    EXPECT_EQ(compiled(l, "r"), "(evt.type = open and proc.name in (non_escaped_val, \"escaped "
                                "val\"))");
}

TEST(LoaderCases, K2_LiteralQuotesKept) {
    auto l = load_all({"- list: my_list\n  items: ['\"one string\"']\n"});
    EXPECT_EQ(l.ruleset().lists[0].items, std::vector<std::string>{"\"one string\""});
}

TEST(LoaderCases, K3_ExceptionValueQuoting) {
    for (const char* v : {"[\"cat /dev/null\"]", "['\"cat /dev/null\"']"}) {
        auto l = load_all({open_with_exception(v, "[proc.cmdline]")});
        EXPECT_EQ(compiled(l, "r"), "(evt.type = open and not proc.cmdline = \"cat /dev/null\")");
    }
}

TEST(LoaderCases, K4_TransformerWithSpaceIsString) {
    auto l = load_all({open_with_exception("[\"toupper( proc.pname)\"]")});
    EXPECT_EQ(compiled(l, "r"), "(evt.type = open and not proc.name = \"toupper( proc.pname)\")");
}

TEST(LoaderCases, K5_FilterStringEscaping) {
    auto l = load_all({rule_item("r", "evt.type=open and proc.name = 'hello \\'quoted\\''")});
    EXPECT_LOADS(l);
    EXPECT_EQ(compiled(l, "r"), "(evt.type = open and proc.name = \"hello 'quoted'\")");
}

} // namespace
} // namespace kestrel::rules
