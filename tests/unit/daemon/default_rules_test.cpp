// The built-in ruleset (rules/kestrel_rules.yaml compiled into the binary): the embedded bytes
// are the repository file, it loads without a warning, every rule compiles for evaluation with
// no field Kestrel cannot extract, and it covers the families the README promises.

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "daemon/default_rules.hpp"
#include "eval/ruleset.hpp"
#include "rules/loader.hpp"
#include "rules/validation_output.hpp"

namespace kestrel::daemon {
namespace {

std::string repository_file() {
    std::ifstream in(std::string(KESTREL_SOURCE_DIR) + "/rules/kestrel_rules.yaml");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(DefaultRules, EmbeddedBytesAreTheRepositoryFile) {
    std::string file = repository_file();
    ASSERT_FALSE(file.empty());
    EXPECT_EQ(default_rules_content(), file);
}

TEST(DefaultRules, LoadsWithoutWarningsAndCompilesEveryRule) {
    rules::RulesLoader loader;
    const rules::LoadResult& result =
        loader.load_content(std::string(default_rules_content()), kDefaultRulesName);
    rules::ValidationText text = rules::validation_text({result}, loader.contents());
    ASSERT_TRUE(result.successful()) << text.summary;
    EXPECT_FALSE(result.has_warnings()) << text.warnings;
    std::string plugin_error;
    EXPECT_TRUE(loader.check_plugin_requirements({}, &plugin_error)) << plugin_error;

    auto ruleset = eval::Ruleset::compile(loader.ruleset(), eval::RulesetOptions{});
    ASSERT_TRUE(ruleset.ok()) << ruleset.error().to_string();
    for (const eval::SkippedRule& skipped : ruleset->skipped()) {
        ADD_FAILURE() << "rule '" << skipped.name << "' is not evaluated: " << skipped.reason;
    }
    EXPECT_EQ(ruleset->program().unsupported_fields(), 0u);
    EXPECT_EQ(ruleset->rules().size(), loader.ruleset().rules.size());
}

// evt.res is text (SUCCESS or an errno name) in Falco: `evt.res=0` never matches a success, a
// mistake that loads cleanly. Success checks use evt.rawres.
TEST(DefaultRules, SuccessChecksUseRawres) {
    std::string_view content = default_rules_content();
    EXPECT_EQ(content.find("evt.res=0"), std::string_view::npos);
    EXPECT_EQ(content.find("evt.res = 0"), std::string_view::npos);
}

TEST(DefaultRules, CoversTheFamilies) {
    rules::RulesLoader loader;
    ASSERT_TRUE(
        loader.load_content(std::string(default_rules_content()), kDefaultRulesName).successful());
    std::set<std::string> names;
    for (const auto& rule : loader.ruleset().rules) {
        EXPECT_TRUE(rule.enabled) << rule.name;
        EXPECT_FALSE(rule.output.empty()) << rule.name;
        names.insert(rule.name);
    }
    for (const char* expected : {
             "Shell spawned by a server program",
             "Shell started in a container",
             "Sensitive file read by an unexpected program",
             "Search for private keys or passwords",
             "Write below /etc by an unexpected program",
             "Write below a binary directory",
             "Outbound connection from an offline program",
             "Root program started from a user session without an elevation tool",
             "User id changed to root by a non-root program",
             "Set-user-id or set-group-id bit set",
             "Log file cleared",
             "Log file deleted",
             "Program executed from memory",
             "Program executed from /dev/shm",
         }) {
        EXPECT_TRUE(names.count(expected) == 1) << expected;
    }
}

} // namespace
} // namespace kestrel::daemon
