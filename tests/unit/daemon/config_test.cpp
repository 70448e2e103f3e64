#include "config_test_util.hpp"
#include "daemon/config.hpp"
#include "state/tables.hpp"

#include <gtest/gtest.h>

namespace kestrel::daemon {
namespace {

using testing::error_of;
using testing::Loaded;
using testing::read;

TEST(Config, DefaultsMatchFalcoShippedConfig) {
    Loaded loaded = read("");
    ASSERT_TRUE(loaded.config.ok());
    const Config& c = *loaded.config;
    EXPECT_EQ(c.engine.kind, "modern_ebpf");
    EXPECT_EQ(c.engine.cpus_for_each_buffer, 2u);
    EXPECT_EQ(c.engine.buf_size_preset, 4u);
    EXPECT_EQ(c.rule_matching, "first");
    EXPECT_EQ(c.priority, "debug");
    EXPECT_FALSE(c.json_output);
    EXPECT_TRUE(c.stdout_output_enabled);
    EXPECT_TRUE(loaded.warnings.empty());
}

TEST(Config, ReadsValuesAndOverrides) {
    Loaded loaded = read("json_output: true\nengine:\n  kind: modern_ebpf\n"
                         "  modern_ebpf: {cpus_for_each_buffer: 1, buf_size_preset: 2}\n"
                         "rules_files: [/etc/falco/falco_rules.yaml]\n",
                         {"json_output=false", "engine.modern_ebpf.buf_size_preset=6"});
    ASSERT_TRUE(loaded.config.ok()) << loaded.config.error().to_string();
    EXPECT_FALSE(loaded.config->json_output);
    EXPECT_EQ(loaded.config->engine.cpus_for_each_buffer, 1u);
    EXPECT_EQ(loaded.config->engine.buf_size_preset, 6u);
    ASSERT_EQ(loaded.config->rules_files.size(), 1u);
}

TEST(Config, FalcoLibsAndBaseSyscalls) {
    Loaded defaults = read("");
    ASSERT_TRUE(defaults.config.ok());
    EXPECT_EQ(defaults.config->falco_libs.snaplen, 80u);
    EXPECT_EQ(defaults.config->falco_libs.thread_table_size, 262144u);
    Loaded loaded = read("falco_libs: {thread_table_size: 1000, snaplen: 0, "
                         "thread_table_auto_purging_thread_timeout_s: 60}\n"
                         "base_syscalls: {custom_set: [clone, '!openat'], repair: true}\n",
                         {"falco_libs.snaplen=256"});
    ASSERT_TRUE(loaded.config.ok()) << loaded.config.error().to_string();
    const Config& c = *loaded.config;
    EXPECT_EQ(c.falco_libs.snaplen, 256u);
    EXPECT_EQ(state_config(c).thread_table_size, 1000u);
    EXPECT_EQ(state_config(c).thread_timeout_ns, 60ULL * 1000 * 1000 * 1000);
    EXPECT_EQ(c.base_syscalls.custom_set, (std::vector<std::string>{"clone", "!openat"}));
    EXPECT_TRUE(c.base_syscalls.repair);
    EXPECT_FALSE(c.base_syscalls.all);
    // Falco's 0 means libs' default.
    Loaded zero = read("falco_libs: {snaplen: 0}\n");
    ASSERT_TRUE(zero.config.ok());
    EXPECT_EQ(zero.config->falco_libs.snaplen, 80u);
}

TEST(Config, MalformedValueNamesTheKey) {
    Loaded loaded = read("json_output: maybe\n");
    ASSERT_FALSE(loaded.config.ok());
    EXPECT_EQ(loaded.config.error().message,
              "configuration key 'json_output': expected a boolean (true or false), got 'maybe'");

    loaded = read("", {"engine.modern_ebpf.cpus_for_each_buffer=-1"});
    ASSERT_FALSE(loaded.config.ok());
    EXPECT_NE(loaded.config.error().message.find("engine.modern_ebpf.cpus_for_each_buffer"),
              std::string::npos);

    loaded = read("", {"engine.modern_ebpf.buf_size_preset=11"});
    ASSERT_FALSE(loaded.config.ok());
    EXPECT_NE(loaded.config.error().message.find("buf_size_preset"), std::string::npos);

    loaded = read("rule_matching: some\n");
    ASSERT_FALSE(loaded.config.ok());
    EXPECT_NE(loaded.config.error().message.find("'rule_matching'"), std::string::npos);
    EXPECT_NE(loaded.config.error().message.find("'first'"), std::string::npos);
}

TEST(Config, PriorityIgnoresCase) {
    Loaded loaded = read("", {"priority=WARNING"});
    ASSERT_TRUE(loaded.config.ok()) << loaded.config.error().to_string();
    EXPECT_EQ(loaded.config->priority, "warning");
    EXPECT_FALSE(read("", {"priority=LOUD"}).config.ok());
}

TEST(Config, UnknownKeysWarnWithTheirPath) {
    Loaded loaded = read("json_outptu: true\nengine:\n  modern_ebpf:\n    cpus_per_buffer: 1\n"
                         "plugins: [{name: x, init_config: {anything: 1}}]\n");
    ASSERT_TRUE(loaded.config.ok());
    ASSERT_EQ(loaded.warnings.size(), 2u);
    EXPECT_EQ(loaded.warnings[0], "unknown configuration key 'json_outptu' (ignored)");
    EXPECT_EQ(loaded.warnings[1],
              "unknown configuration key 'engine.modern_ebpf.cpus_per_buffer' (ignored)");
}

TEST(Config, RuleSelectionFromOverridesInOrder) {
    Loaded loaded = read("rules:\n  - disable: {tag: network}\n",
                         {"rules[].enable.rule=Read sensitive*", "rules[].disable.rule=x"});
    ASSERT_TRUE(loaded.config.ok()) << loaded.config.error().to_string();
    const auto& selection = loaded.config->rule_selection;
    ASSERT_EQ(selection.size(), 3u);
    EXPECT_FALSE(selection[0].enable);
    EXPECT_TRUE(selection[0].by_tag);
    EXPECT_EQ(selection[0].pattern, "network");
    EXPECT_TRUE(selection[1].enable);
    EXPECT_FALSE(selection[1].by_tag);
    EXPECT_EQ(selection[1].pattern, "Read sensitive*");
    EXPECT_EQ(selection[2].pattern, "x");
}

TEST(Config, RuleSelectionRejectsUnknownActions) {
    Loaded loaded = read("rules:\n  - drop: {rule: x}\n");
    ASSERT_FALSE(loaded.config.ok());
    EXPECT_NE(loaded.config.error().message.find("rules[0]"), std::string::npos);
}

TEST(Config, RulesFileAliasAndConflicts) {
    Loaded loaded = read("rules_file: /a.yaml\n");
    ASSERT_TRUE(loaded.config.ok());
    ASSERT_EQ(loaded.config->rules_files.size(), 1u);
    EXPECT_EQ(loaded.config->rules_files[0], "/a.yaml");
    EXPECT_FALSE(read("rules_file: /a.yaml\nrules_files: [/b.yaml]\n").config.ok());
}

TEST(Config, ReplayNeedsACaptureFile) {
    Loaded loaded = read("", {"engine.kind=replay"});
    ASSERT_FALSE(loaded.config.ok());
    EXPECT_NE(loaded.config.error().message.find("engine.replay.capture_file"), std::string::npos);
    loaded = read("", {"engine.kind=replay", "engine.replay.capture_file=/tmp/x.scap"});
    ASSERT_TRUE(loaded.config.ok());
    EXPECT_EQ(loaded.config->engine.replay_capture_file, "/tmp/x.scap");
}

} // namespace
} // namespace kestrel::daemon
