// Falco's own expectations for its capture files (falcosecurity/testing, tests/falco/legacy_test.go
// and config_test.go; summarized in shared/reference/falco-testing.md §3-6 and
// shared/corpus/scap/SOURCE.md), checked against the real kestrel binary replaying the same files.
//
// Expectations that cannot hold yet, and why (no test is written for them):
// * syscalls.yaml on syscall.scap: detect_madvise = 2 needs generic `syscall` events (madvise is
//   recorded as one in this old capture) to reach the rules; Kestrel delivers them as foreign
//   events, which replay does not evaluate. detect_open = 2 (`evt.dir=<`) needs eval's evt.dir
//   to read the record's KES_HDR_F_ENTER flag (it answers '<' for every record today, so the two
//   enter events of those opens would match too).
// * rule_matching on read-sensitive-file-untrusted.scap, and every §4 trace-file count: those
//   captures are download-only (not in the corpus). rule_matching is checked below on cat_write
//   with the same two shadowing rules instead.
// * priority=ERROR with single_rule + append_single_rule: append_single_rule.yaml is not in
//   loader-cases.md.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "../falco_test_rules.hpp"
#include "kestrel_process.hpp"

namespace kestrel::e2e {
namespace {

const std::string kCorpus = std::string(KESTREL_SHARED_DIR) + "/corpus/scap/falco/";
const std::string kCatWrite = kCorpus + "cat_write.scap";
const std::string kOpenMultiple = kCorpus + "open-multiple-files.scap";

std::string write_file(const std::string& name, const std::string& text) {
    std::string path = "/tmp/kestrel-e2e-expect-" + name;
    std::ofstream(path) << text;
    return path;
}

using falco_test_rules::kSingleRule;

// double_rule.yaml (loader-cases.md A6): uses single_rule's macro.
const char* const kDoubleRule = R"yaml(- rule: exec_from_cat
  desc: A process named cat does execve
  condition: evt.type=execve and is_cat
  output: "An exec was seen (command=%proc.cmdline)"
  priority: ERROR
- rule: access_from_cat
  desc: A process named cat does an access
  condition: evt.type=access and is_cat
  output: "An access was seen (command=%proc.cmdline)"
  priority: INFO
)yaml";

// tagged_rules.yaml, as falcosecurity/testing tests/data/rules/falco.go has it.
std::string tagged_rules() {
    const std::vector<std::string> tags = {"[a]",    "[b]",       "[c]",    "[a, b]", "[a, c]",
                                           "[b, c]", "[a, b, c]", "[b, a]", "[c, a]", "[b, c, a]",
                                           "[d]",    "[]",        ""};
    std::string y = "- macro: open_read\n"
                    "  condition: evt.type in (open,openat,openat2) and evt.is_open_read=true "
                    "and fd.typechar='f'\n";
    for (size_t i = 0; i < tags.size(); ++i) {
        const std::string n = std::to_string(i + 1);
        y += "\n- rule: open_" + n + "\n  desc: open " + n + "\n  condition: open_read and " +
             "fd.name=/tmp/file-" + n + "\n  output: Open " + n +
             " (file=%fd.name)\n  priority: WARNING\n";
        if (!tags[i].empty()) {
            y += "  tags: " + tags[i] + "\n";
        }
    }
    return y;
}

struct ReplayRun {
    int exit_code = -1;
    std::vector<nlohmann::json> alerts; // JSON lines
    std::vector<std::string> lines;     // every stdout line
    std::string err;
};

ReplayRun replay(std::vector<std::string> args) {
    KestrelProcess kestrel(args);
    ReplayRun run;
    run.exit_code = kestrel.wait_exit();
    run.err = kestrel.read_stderr();
    std::istringstream in(kestrel.read_stdout());
    for (std::string line; std::getline(in, line);) {
        run.lines.push_back(line);
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded() && j.is_object() && j.contains("rule")) {
            run.alerts.push_back(std::move(j));
        }
    }
    return run;
}

std::map<std::string, int> count_by_rule(const ReplayRun& run) {
    std::map<std::string, int> n;
    for (const auto& a : run.alerts) {
        ++n[a["rule"].get<std::string>()];
    }
    return n;
}

// single_rule + cat_write: Falco's expected text output, line for line (falco-testing.md §3b).
// The enter events of the four opens alert too: current Falco evaluates them.
TEST(ReplayExpectations, CatWriteSingleRuleEightAlertsAtFalcosTimes) {
    ReplayRun run = replay({"-e", kCatWrite, "-r", write_file("single_rule.yaml", kSingleRule),
                            "-o", "time_format_iso_8601=true"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const std::vector<std::string> times = {"881781397", "881785348", "881796705", "881799840",
                                            "882003104", "882008208", "882045694", "882054739"};
    std::vector<std::string> expected;
    for (const auto& t : times) {
        expected.push_back("2016-08-04T16:17:57." + t +
                           "+0000: Warning An open was seen (command=cat /dev/null)");
    }
    EXPECT_EQ(run.lines, expected) << run.err;
}

// The first line of Falco's single_rule_with_cat_write.json, the fields Kestrel renders.
TEST(ReplayExpectations, CatWriteSingleRuleJson) {
    ReplayRun run =
        replay({"-o", "engine.kind=replay", "-o", "engine.replay.capture_file=" + kCatWrite, "-r",
                write_file("single_rule.yaml", kSingleRule), "-o", "json_output=true"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ASSERT_EQ(run.alerts.size(), 8U) << run.err;
    const auto& a = run.alerts.front();
    EXPECT_EQ(a["rule"], "open_from_cat");
    EXPECT_EQ(a["priority"], "Warning");
    EXPECT_EQ(a["source"], "syscall");
    EXPECT_EQ(a["time"], "2016-08-04T16:17:57.881781397Z");
    EXPECT_EQ(a["output_fields"]["proc.cmdline"], "cat /dev/null");
    for (const auto& x : run.alerts) {
        EXPECT_EQ(x["rule"], "open_from_cat");
    }
}

// falco-testing.md §6: priority=WARNING with single_rule + double_rule. Falco's suite passes
// "WARNING" (its parser ignores case); Kestrel's config rejects the upper-case spelling today
// (daemon/config.cpp, reported), so the lower-case one is used here.
TEST(ReplayExpectations, MinimumPriorityWarning) {
    ReplayRun run = replay({"-e", kCatWrite, "-r", write_file("single_rule.yaml", kSingleRule),
                            "-r", write_file("double_rule.yaml", kDoubleRule), "-o",
                            "json_output=true", "-o", "priority=warning"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto n = count_by_rule(run);
    EXPECT_EQ(n["open_from_cat"], 8);
    EXPECT_EQ(n["exec_from_cat"], 1); // the execve enter runs as the shell: not cat yet
    EXPECT_EQ(n["access_from_cat"], 0);
    for (const auto& a : run.alerts) {
        if (a["rule"] == "exec_from_cat") {
            EXPECT_EQ(a["priority"], "Error");
        }
    }
}

// falco-testing.md §6: disabled_rules, by exact name and by wildcard.
TEST(ReplayExpectations, DisableRuleByNameAndWildcard) {
    const std::string rules = write_file("single_rule.yaml", kSingleRule);
    for (const std::string sel : {"open_from_cat", "open_from*", "*"}) {
        ReplayRun run = replay({"-e", kCatWrite, "-r", rules, "-o", "json_output=true", "-o",
                                "rules[].disable.rule=" + sel});
        ASSERT_EQ(run.exit_code, 0) << sel << ": " << run.err;
        EXPECT_TRUE(run.alerts.empty()) << sel << ": " << run.alerts.size() << " alerts";
    }
    // A wildcard that matches nothing disables nothing.
    ReplayRun run = replay({"-e", kCatWrite, "-r", rules, "-o", "json_output=true", "-o",
                            "rules[].disable.rule=exec_*"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.alerts.size(), 8U);
}

// config_test.go's shadowing rules (two rules, one condition), on cat_write.
TEST(ReplayExpectations, RuleMatchingFirstAndAll) {
    const std::string rules = write_file("shadowing_rules.yaml", R"yaml(- rule: open_1
  desc: open one
  condition: evt.type=open and proc.name=cat
  output: "Open one (file=%fd.name)"
  priority: WARNING
- rule: open_2
  desc: open two
  condition: evt.type=open and proc.name=cat
  output: "Open two (file=%fd.name)"
  priority: WARNING
)yaml");
    ReplayRun first = replay(
        {"-e", kCatWrite, "-r", rules, "-o", "json_output=true", "-o", "rule_matching=first"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    auto n = count_by_rule(first);
    EXPECT_EQ(n["open_1"], 8);
    EXPECT_EQ(n["open_2"], 0);

    ReplayRun all =
        replay({"-e", kCatWrite, "-r", rules, "-o", "json_output=true", "-o", "rule_matching=all"});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    n = count_by_rule(all);
    EXPECT_EQ(n["open_1"], 8);
    EXPECT_EQ(n["open_2"], 8);

    ReplayRun wrong = replay({"-e", kCatWrite, "-r", rules, "-o", "rule_matching=wrong"});
    EXPECT_EQ(wrong.exit_code, 1);
    EXPECT_TRUE(wrong.alerts.empty());
}

// falco-testing.md §5: tag selections with tagged_rules on open-multiple-files; every enabled
// rule fires exactly once (the enter events fail fd.typechar='f': they have no fd).
struct TagCase {
    const char* name;
    std::vector<std::string> opts;
    std::set<int> fire;
};

std::vector<std::string> disable_tags(std::initializer_list<const char*> tags) {
    std::vector<std::string> o;
    for (const char* t : tags) {
        o.push_back("-o");
        o.push_back(std::string("rules[].disable.tag=") + t);
    }
    return o;
}

std::vector<std::string> run_tags(std::initializer_list<const char*> tags) {
    std::vector<std::string> o = {"-o", "rules[].disable.rule=*"};
    for (const char* t : tags) {
        o.push_back("-o");
        o.push_back(std::string("rules[].enable.tag=") + t);
    }
    return o;
}

TEST(ReplayExpectations, TagSelectionsOnOpenMultipleFiles) {
    const std::string rules = write_file("tagged_rules.yaml", tagged_rules());
    const std::vector<TagCase> cases = {
        {"none", {}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}},
        {"disable a", disable_tags({"a"}), {2, 3, 6, 11, 12, 13}},
        {"disable b", disable_tags({"b"}), {1, 3, 5, 9, 11, 12, 13}},
        {"disable c", disable_tags({"c"}), {1, 2, 4, 8, 11, 12, 13}},
        {"disable a,b", disable_tags({"a", "b"}), {3, 11, 12, 13}},
        {"disable a,b,c", disable_tags({"a", "b", "c"}), {11, 12, 13}},
        {"run a", run_tags({"a"}), {1, 4, 5, 7, 8, 9, 10}},
        {"run b", run_tags({"b"}), {2, 4, 6, 7, 8, 10}},
        {"run c", run_tags({"c"}), {3, 5, 6, 7, 9, 10}},
        {"run a,b", run_tags({"a", "b"}), {1, 2, 4, 5, 6, 7, 8, 9, 10}},
        {"run b,c", run_tags({"b", "c"}), {2, 3, 4, 5, 6, 7, 8, 9, 10}},
        {"run a,b,c", run_tags({"a", "b", "c"}), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
        {"run d", run_tags({"d"}), {11}},
    };
    for (const TagCase& c : cases) {
        std::vector<std::string> args = {"-e",  kOpenMultiple, "-r",
                                         rules, "-o",          "json_output=true"};
        args.insert(args.end(), c.opts.begin(), c.opts.end());
        ReplayRun run = replay(args);
        ASSERT_EQ(run.exit_code, 0) << c.name << ": " << run.err;
        std::map<std::string, int> expected;
        for (int i : c.fire) {
            expected["open_" + std::to_string(i)] = 1;
        }
        EXPECT_EQ(count_by_rule(run), expected) << c.name;
    }
}

} // namespace
} // namespace kestrel::e2e
