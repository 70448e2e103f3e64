#include "daemon/config_tree.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace kestrel::daemon {
namespace {

ConfigTree load(std::string_view text) {
    auto tree = ConfigTree::load_string(text, "test.yaml");
    EXPECT_TRUE(tree.ok()) << tree.error().to_string();
    return *tree;
}

TEST(ConfigTree, ReportsYamlSyntaxErrorsWithPosition) {
    auto tree = ConfigTree::load_string("a: [1, 2\nb: 3\n", "bad.yaml");
    ASSERT_FALSE(tree.ok());
    EXPECT_NE(tree.error().message.find("bad.yaml:"), std::string::npos);
    EXPECT_NE(tree.error().message.find("YAML syntax error"), std::string::npos);
}

TEST(ConfigTree, RejectsNonMappingDocument) {
    auto tree = ConfigTree::load_string("- a\n- b\n", "list.yaml");
    ASSERT_FALSE(tree.ok());
    EXPECT_NE(tree.error().message.find("mapping"), std::string::npos);
}

TEST(ConfigTree, MissingFileIsNotFound) {
    auto tree = ConfigTree::load_file("/nonexistent/falco.yaml");
    ASSERT_FALSE(tree.ok());
    EXPECT_EQ(tree.error().code, base::ErrorCode::kNotFound);
    EXPECT_NE(tree.error().message.find("/nonexistent/falco.yaml"), std::string::npos);
}

TEST(ConfigTree, ExpandsEnvironmentVariables) {
    setenv("KESTREL_TEST_DIR", "/var/x", 1);
    unsetenv("KESTREL_TEST_UNSET");
    ConfigTree tree = load("a: ${KESTREL_TEST_DIR}/f\nb: pre${KESTREL_TEST_UNSET}post\n"
                           "c: $${KESTREL_TEST_DIR}\nd: [\"${KESTREL_TEST_DIR}\"]\n");
    EXPECT_EQ(tree.find("a").Scalar(), "/var/x/f");
    EXPECT_EQ(tree.find("b").Scalar(), "prepost");
    EXPECT_EQ(tree.find("c").Scalar(), "${KESTREL_TEST_DIR}");
    EXPECT_EQ(tree.find("d")[0].Scalar(), "/var/x");
}

TEST(ConfigTree, OverrideSetsNestedScalar) {
    ConfigTree tree = load("engine:\n  kind: kmod\n");
    ASSERT_TRUE(tree.apply_override("engine.kind=modern_ebpf").ok());
    ASSERT_TRUE(tree.apply_override("engine.modern_ebpf.cpus_for_each_buffer=1").ok());
    EXPECT_EQ(tree.find("engine.kind").Scalar(), "modern_ebpf");
    EXPECT_EQ(tree.find("engine.modern_ebpf.cpus_for_each_buffer").Scalar(), "1");
}

TEST(ConfigTree, OverrideAppendCreatesOneElementPerOption) {
    ConfigTree tree;
    ASSERT_TRUE(tree.apply_override("rules[].disable.rule=x").ok());
    ASSERT_TRUE(tree.apply_override("rules[].enable.tag=network").ok());
    YAML::Node rules = tree.find("rules");
    ASSERT_TRUE(rules.IsSequence());
    ASSERT_EQ(rules.size(), 2u);
    EXPECT_EQ(rules[0]["disable"]["rule"].Scalar(), "x");
    EXPECT_EQ(rules[1]["enable"]["tag"].Scalar(), "network");
}

TEST(ConfigTree, OverrideIndexesExistingListElement) {
    ConfigTree tree = load("rules_files: [a.yaml, b.yaml]\n");
    ASSERT_TRUE(tree.apply_override("rules_files[1]=c.yaml").ok());
    ASSERT_TRUE(tree.apply_override("rules_files[2]=d.yaml").ok()); // one past the end: append
    YAML::Node files = tree.find("rules_files");
    ASSERT_EQ(files.size(), 3u);
    EXPECT_EQ(files[1].Scalar(), "c.yaml");
    EXPECT_EQ(files[2].Scalar(), "d.yaml");
}

TEST(ConfigTree, OverrideValueMayBeYaml) {
    ConfigTree tree;
    ASSERT_TRUE(tree.apply_override("rules_files=[/a.yaml, /b.yaml]").ok());
    ASSERT_TRUE(tree.apply_override("static_fields={env: prod}").ok());
    EXPECT_EQ(tree.find("rules_files").size(), 2u);
    EXPECT_EQ(tree.find("static_fields")["env"].Scalar(), "prod");
    ASSERT_TRUE(tree.apply_override("program_output.program=jq '{text: .output}'").ok());
    EXPECT_EQ(tree.find("program_output.program").Scalar(), "jq '{text: .output}'");
}

TEST(ConfigTree, OverrideEscapesLiteralCharacters) {
    ConfigTree tree;
    ASSERT_TRUE(tree.apply_override(R"(static_fields.a\.b=1)").ok());
    EXPECT_EQ(tree.root()["static_fields"]["a.b"].Scalar(), "1");
}

TEST(ConfigTree, OverrideRejectsMalformedKeys) {
    ConfigTree tree = load("json_output: true\n");
    for (const char* bad : {"noequals", "=value", "a..b=1", "list[x]=1", "list[1=2",
                            "json_output.sub=1", "[0]=1", "rules[5]=x"}) {
        auto status = tree.apply_override(bad);
        EXPECT_FALSE(status.ok()) << bad;
    }
    auto status = tree.apply_override("list[x]=1");
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("list[x]"), std::string::npos);
    EXPECT_NE(status.error().message.find("numeric index"), std::string::npos);
}

} // namespace
} // namespace kestrel::daemon
