// The kestrel binary's command line: validation (-V), configuration errors, --version, --help.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "kestrel_process.hpp"

namespace kestrel::e2e {
namespace {

std::string write_temp(const std::string& name, const std::string& content) {
    std::string path = "/tmp/kestrel-e2e-" + name;
    std::ofstream(path) << content;
    return path;
}

const std::string kStable = std::string(KESTREL_SHARED_DIR) + "/corpus/rules/falco_rules.yaml";

TEST(Cli, ValidateUpstreamRulesPrintsFalcoSuccess) {
    Outcome o = run_kestrel({"-V", kStable});
    EXPECT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(o.out, kStable + ": Ok\n");
}

TEST(Cli, ValidateBrokenRuleShowsPositionSnippetAndCode) {
    std::string path = write_temp("broken.yaml", "- rule: x\n  desc: d\n"
                                                 "  condition: evt.type=open and foo\n"
                                                 "  output: o\n  priority: WARNING\n");
    Outcome o = run_kestrel({"-V", path});
    EXPECT_EQ(o.exit_code, 1);
    EXPECT_NE(o.out.find(path + ": Invalid"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("rule 'x': (" + path + ":0:2)"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("evt.type=open and foo\n                    ^"), std::string::npos)
        << o.out;
    EXPECT_NE(o.out.find("LOAD_ERR_VALIDATE (Error validating rule/macro/list/exception "
                         "objects): Undefined macro 'foo' used in filter."),
              std::string::npos)
        << o.out;
}

TEST(Cli, ValidateJsonHasOneResultPerFile) {
    std::string broken = write_temp("broken2.yaml", "- macro: m\n");
    Outcome o = run_kestrel({"-V", kStable, "-V", broken, "-o", "json_output=true"});
    EXPECT_EQ(o.exit_code, 1);
    nlohmann::json doc = nlohmann::json::parse(o.out, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << o.out;
    const auto& results = doc["falco_load_results"];
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0]["name"], kStable);
    EXPECT_EQ(results[0]["successful"], true);
    EXPECT_EQ(results[1]["successful"], false);
    EXPECT_EQ(results[1]["errors"][0]["code"], "LOAD_ERR_YAML_VALIDATE");
}

TEST(Cli, MalformedConfigValueNamesTheKey) {
    Outcome o = run_kestrel({"-o", "engine.modern_ebpf.buf_size_preset=huge", "-M", "1"});
    EXPECT_EQ(o.exit_code, 1);
    EXPECT_NE(o.err.find("'engine.modern_ebpf.buf_size_preset'"), std::string::npos) << o.err;
}

TEST(Cli, ConfigFileErrorsNameTheFile) {
    std::string path = write_temp("bad-config.yaml", "json_output: [1,\n");
    Outcome o = run_kestrel({"-c", path});
    EXPECT_EQ(o.exit_code, 1);
    EXPECT_NE(o.err.find(path + ":"), std::string::npos) << o.err;
    EXPECT_NE(o.err.find("YAML syntax error"), std::string::npos) << o.err;
}

TEST(Cli, VersionAndHelp) {
    Outcome version = run_kestrel({"--version"});
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_NE(version.out.find("Kestrel version: "), std::string::npos);
    Outcome help = run_kestrel({"--help"});
    EXPECT_EQ(help.exit_code, 0);
    for (const char* flag : {"-c", "-o,--option", "-r", "-V,--validate", "--dump", "-M"}) {
        EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
    }
    Outcome bad = run_kestrel({"--no-such-flag"});
    EXPECT_EQ(bad.exit_code, 2);
}

} // namespace
} // namespace kestrel::e2e
