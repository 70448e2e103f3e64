// The typed readers every *_config.cpp uses: absent and empty keys keep the default, a malformed
// value is an error naming the key, integers are read as yaml-cpp reads them for Falco.
#include <gtest/gtest.h>

#include "daemon/config_read.hpp"

namespace kestrel::daemon {
namespace {

ConfigTree tree_of(std::string_view yaml) {
    auto tree = ConfigTree::load_string(yaml, "falco.yaml");
    EXPECT_TRUE(tree.ok());
    return std::move(*tree);
}

std::string error_of(const base::Status& s) {
    return s.ok() ? std::string("(no error)") : s.error().message;
}

TEST(ConfigRead, AbsentAndEmptyKeysKeepTheDefault) {
    ConfigTree tree = tree_of("a:\nb: ~\n");
    bool flag = true;
    std::string text = "keep";
    uint32_t n = 7;
    double d = 1.5;
    std::vector<std::string> list{"x"};
    for (std::string_view key : {"a", "b", "missing", "a.b"}) {
        EXPECT_TRUE(read_bool(tree, key, &flag).ok()) << key;
        EXPECT_TRUE(read_string(tree, key, &text).ok()) << key;
        EXPECT_TRUE(read_uint(tree, key, &n).ok()) << key;
        EXPECT_TRUE(read_double(tree, key, &d).ok()) << key;
        EXPECT_TRUE(read_string_list(tree, key, &list).ok()) << key;
        EXPECT_TRUE(read_one_of(tree, key, {"keep"}, &text).ok()) << key;
    }
    EXPECT_TRUE(flag);
    EXPECT_EQ(text, "keep");
    EXPECT_EQ(n, 7U);
    EXPECT_EQ(d, 1.5);
    EXPECT_EQ(list, std::vector<std::string>{"x"});
}

TEST(ConfigRead, Booleans) {
    ConfigTree tree = tree_of("t: true\nf: no\nbad: maybe\nlist: [1]\n");
    bool v = false;
    ASSERT_TRUE(read_bool(tree, "t", &v).ok());
    EXPECT_TRUE(v);
    ASSERT_TRUE(read_bool(tree, "f", &v).ok());
    EXPECT_FALSE(v);
    EXPECT_EQ(error_of(read_bool(tree, "bad", &v)),
              "configuration key 'bad': expected a boolean (true or false), got 'maybe'");
    EXPECT_EQ(error_of(read_bool(tree, "list", &v)),
              "configuration key 'list': expected a boolean (true or false), got a list");
    EXPECT_FALSE(v); // unchanged by a failed read
}

TEST(ConfigRead, IntegersInRangeAsYamlCppReadsThem) {
    ConfigTree tree = tree_of("dec: 8080\nhex: 0x1f\noct: 010\nneg: -1\nbig: 65536\n"
                              "word: ten\nmap: {a: 1}\nzero: 0\n");
    uint16_t port = 0;
    ASSERT_TRUE(read_uint(tree, "dec", &port).ok());
    EXPECT_EQ(port, 8080);
    ASSERT_TRUE(read_uint(tree, "hex", &port).ok());
    EXPECT_EQ(port, 31);
    ASSERT_TRUE(read_uint(tree, "oct", &port).ok());
    EXPECT_EQ(port, 8);
    EXPECT_EQ(error_of(read_uint(tree, "neg", &port)),
              "configuration key 'neg': expected an integer between 0 and 65535, got '-1'");
    EXPECT_EQ(error_of(read_uint(tree, "big", &port)),
              "configuration key 'big': expected an integer between 0 and 65535, got '65536'");
    EXPECT_EQ(error_of(read_uint(tree, "word", &port)),
              "configuration key 'word': expected an integer between 0 and 65535, got 'ten'");
    EXPECT_EQ(error_of(read_uint(tree, "map", &port)),
              "configuration key 'map': expected an integer between 0 and 65535, got a mapping");
    EXPECT_EQ(port, 8);
    uint64_t ms = 5;
    EXPECT_EQ(error_of(read_uint(tree, "zero", &ms, 1, 100)),
              "configuration key 'zero': expected an integer between 1 and 100, got '0'");
    EXPECT_EQ(error_of(read_uint(tree, "dec", &ms, 1, 100)),
              "configuration key 'dec': expected an integer between 1 and 100, got '8080'");
    ASSERT_TRUE(read_uint(tree, "hex", &ms, 1, 100).ok());
    EXPECT_EQ(ms, 31U);
}

TEST(ConfigRead, StringsListsAndChoices) {
    ConfigTree tree = tree_of("s: text\nn: 12\nm: {a: b}\none: x\nmany: [x, y]\nnested: [x, [y]]\n"
                              "level: WARNING\n");
    std::string s;
    ASSERT_TRUE(read_string(tree, "s", &s).ok());
    EXPECT_EQ(s, "text");
    ASSERT_TRUE(read_string(tree, "n", &s).ok());
    EXPECT_EQ(s, "12");
    EXPECT_EQ(error_of(read_string(tree, "m", &s)),
              "configuration key 'm': expected a string, got a mapping");

    std::vector<std::string> list;
    ASSERT_TRUE(read_string_list(tree, "one", &list).ok());
    EXPECT_EQ(list, std::vector<std::string>{"x"});
    ASSERT_TRUE(read_string_list(tree, "many", &list).ok());
    EXPECT_EQ(list, (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(error_of(read_string_list(tree, "nested", &list)),
              "configuration key 'nested[1]': expected a string, got a list");
    EXPECT_EQ(error_of(read_string_list(tree, "m", &list)),
              "configuration key 'm': expected a list of strings, got a mapping");

    std::string level = "info";
    EXPECT_EQ(error_of(read_one_of(tree, "level", {"warning", "info"}, &level)),
              "configuration key 'level': expected one of 'warning' 'info', got 'WARNING'");
    ASSERT_TRUE(read_one_of(tree, "level", {"warning", "info"}, &level, true).ok());
    EXPECT_EQ(level, "warning");
}

TEST(ConfigRead, Doubles) {
    ConfigTree tree = tree_of("r: 0.03333\ni: 10\nbad: 1.5x\nempty: ''\n");
    double d = 0;
    ASSERT_TRUE(read_double(tree, "r", &d).ok());
    EXPECT_DOUBLE_EQ(d, 0.03333);
    ASSERT_TRUE(read_double(tree, "i", &d).ok());
    EXPECT_EQ(d, 10.0);
    EXPECT_EQ(error_of(read_double(tree, "bad", &d)),
              "configuration key 'bad': expected a number, got '1.5x'");
    EXPECT_EQ(error_of(read_double(tree, "empty", &d)),
              "configuration key 'empty': expected a number, got ''");
}

} // namespace
} // namespace kestrel::daemon
