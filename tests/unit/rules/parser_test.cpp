// Filter-syntax cases of loader-cases.md section L (libs filter_parser.ut.cpp): every ACCEPT
// string parses, also with extra surrounding blanks and with spaces turned into newlines/tabs;
// every REJECT string fails.

#include "rules/condition_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace kestrel::rules {
namespace {

std::string replace_spaces(std::string s, char c) {
    std::replace(s.begin(), s.end(), ' ', c);
    return s;
}

void expect_accept(const std::string& in) {
    for (const std::string& variant :
         {in, "  " + in + "  ", replace_spaces(in, '\n'), replace_spaces(in, '\t')}) {
        auto r = parse_condition(variant);
        EXPECT_TRUE(r.ok()) << "should accept: [" << variant << "] error: " << r.error;
    }
}

void expect_reject(const std::string& in) {
    auto r = parse_condition(in);
    EXPECT_FALSE(r.ok()) << "should reject: [" << in << "] parsed as "
                         << (r.expr ? ast::to_string(*r.expr) : "");
}

TEST(FilterSyntax, L1_BooleanStructureAccept) {
    for (const char* s : {"a",
                          "(a)",
                          "a and b",
                          "a and b and c",
                          "a and b and(c)",
                          "(a)and(b)and(c)",
                          "(a and b)",
                          "a or b",
                          "a or b or(c)",
                          "(a)or(b)or(c)",
                          "(a.a exists and b)",
                          "(a.a exists) and (b)",
                          "a.a=1 or b.b=2 and c",
                          "not (a)",
                          "not(a)",
                          "not (not (a))",
                          "not (a.b=1)",
                          "not a",
                          "not not a",
                          "not not(a)",
                          "not(not(a))",
                          "not(a)and(not(b))",
                          "not a.b=1",
                          "not a.a exists",
                          "a and notb",
                          "a or notb",
                          "notz and a and b",
                          "macro and not_macro",
                          "macro and not not_macro",
                          "macro and and_macro",
                          "((macro) and (or_macro))",
                          "((((((((((a))))))))))"}) {
        expect_accept(s);
    }
}

TEST(FilterSyntax, L1_BooleanStructureReject) {
    for (const char* s : {"a andb",
                          "aand b",
                          "a and b and",
                          "a and b or",
                          "a and b not",
                          "and a",
                          "or a",
                          "a or b and",
                          "a or b not",
                          "a not b",
                          "a notb",
                          "anot b",
                          "a andnot b",
                          "(a)andnot(b)",
                          "a ornot b",
                          "(a)ornot(b)",
                          "a and or b",
                          "a andor b",
                          "a orb",
                          "aor b",
                          "a.b = b = 1",
                          "(a.b = 1",
                          "a.a invalidoperator xxx",
                          "macro > 12",
                          "#a and b; a and b",
                          "fd.name=/var/lo);g/httpd.log"}) {
        expect_reject(s);
    }
    auto r = parse_condition(std::string(100000, '('));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error, "exceeded max depth limit of 100");
}

TEST(FilterSyntax, L1_Precedence) {
    auto r = parse_condition("evt.name exists and evt.type in (a, b) or proc.name=cat");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(ast::to_string(*r.expr),
              "((evt.name exists and evt.type in (a, b)) or proc.name = cat)");
    r = parse_condition("not not not not not(not not(not not_macro))");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(ast::to_string(*r.expr), "not not not_macro");
}

TEST(FilterSyntax, L2_Operators) {
    for (const char* s :
         {"test.op exists", "test.op =value", "test.op ==value", "test.op !=value", "test.op >1",
          "test.op <=1", "test.op in()", "test.op intersects()", "test.op pmatch()",
          "test.op bcontains 48545450", "test.op bstartswith 12ab001fc5", "test.op existsand macro",
          "test.op iglob a*", "test.op regex a.*"}) {
        expect_accept(s);
    }
    for (const char* s :
         {"test.op ExIsTs", "test.op exists something", "test.op ===", "test.op === value",
          "test.op !== value", "test.op startswithvalue", "test.op containsvalue",
          "test.op globvalue", "test.op >", "test.op in", "test.list > (value)",
          "test.list = (value)", "test.list startswith (value)", "test.list contains (value)"}) {
        expect_reject(s);
    }
}

TEST(FilterSyntax, L3_ValuesNumbersLists) {
    for (const char* s : {"test.str = testval",
                          "test.str = 0a!@#456:/\\.;!$%^&*[]{}|",
                          "fd.name=*.log",
                          "a.b = not",
                          "a.b = a.a",
                          "test.str = \"\"",
                          "test.str = ''",
                          "test.str = \"test value\"",
                          "test.str = 'test value'",
                          "test.num > 1000",
                          "test.num < +1",
                          "test.num >= -1",
                          "test.num <= 0x12345",
                          "test.num <= 0XaB00AB",
                          "test.num > 1.2",
                          "test.num < -1.2",
                          "test.num > -0.1222e+10",
                          "test.str = 0xAAA.1",
                          "test.list in ()",
                          "test.list in (a)",
                          "test.list in ('single-quoted')",
                          "test.list in (\"double-quoted\")",
                          "test.list in (value, \"value\", 'value')",
                          "a.g in (1, 'a', b.c)"}) {
        expect_accept(s);
    }
    for (const char* s :
         {"test.str = a,", "test.str = a=", "test.str = a('\")", "test.str = '", "test.str = \"",
          "test.str = '\"", "test.str = \"'", "test.str = 'missing end quote",
          "test.str = missing start quote'", "test.num > !0.1222e+10", "test.num < 0xAAA.1",
          "test.num >= 0aaaaa", "test.num <= a", "test.list in (", "test.list in )",
          "test.list in (value,)", "test.list in (value,,)", "test.list in (,)",
          "a.g in ( 1 ,, , b)"}) {
        expect_reject(s);
    }
}

TEST(FilterSyntax, L4_Escaping) {
    for (const char* s : {"a.b = \"escape double quote \\\" \"", "a.b = 'escape single quote \\' '",
                          "a.b = 'multiple escape single quote \\' \\\\''", "a.b = 'mixed \"'",
                          "a.b = \"mixed '\"", "a.b = \"bad escape \\ \""}) {
        auto r = parse_condition(s);
        EXPECT_TRUE(r.ok()) << s << ": " << r.error;
    }
    for (const char* s :
         {"a.b = \"broken escape double quote\"\"", "a.b = 'broken escape single quote''",
          "a.b = \"mixed \\'\"", "a.b = 'mixed \\\"'", "a.b = \"\\x\"", "a.b = \"\\xf\"",
          "a.b = \"\\xgg\"", "a.b = \"\\x-1\""}) {
        expect_reject(s);
    }
    auto value_of = [](const std::string& cond) {
        auto r = parse_condition(cond);
        EXPECT_TRUE(r.ok()) << cond << ": " << r.error;
        return r.ok() ? r.expr->rhs.value : std::string();
    };
    EXPECT_EQ(value_of("c.c = 'hello \\'quoted\\''"), "hello 'quoted'");
    EXPECT_EQ(value_of("c.c = \"hello 'quoted'\""), "hello 'quoted'");
    EXPECT_EQ(value_of("c.c = 'hello \"quoted\"'"), "hello \"quoted\"");
    EXPECT_EQ(value_of("c.c = \"hello \\\"quoted\\\"\""), "hello \"quoted\"");
    EXPECT_EQ(value_of("c.c = \"\\x41\""), "A");
    EXPECT_EQ(value_of("c.c = \"\\x413\""), "A3");
    EXPECT_EQ(value_of("c.c = \"a\\x00b\""), std::string("a\0b", 3));
}

TEST(FilterSyntax, L5_FieldArguments) {
    for (const char* s :
         {"evt.arg[0] contains /bin", "evt.arg[a] contains /bin", "test.str[aaaa1] = a",
          "test.str[1234] = a", "test.str[+0.25e+10] = a", "test.str[\"\"] = empty",
          "test.str['a aa'] = a", "test.str[\"test \\\"with\\\"escaping\"] = a",
          "test.str[0a!@#456:/\\.;!$%^&*(){}|] = testval"}) {
        auto r = parse_condition(s);
        EXPECT_TRUE(r.ok()) << s << ": " << r.error;
    }
    auto r = parse_condition("evt.arg[] contains /bin");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error, "expected a valid field argument: a quoted string or a bare string");
    r = parse_condition("evt.arg[\"x\" = value");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error, "expected a ']' token");
    for (const char* s :
         {"test.str[[] = testval", "test.str[]] = testval", "test.str['''] = a",
          "test.str[aaa\"] = a", "test.str[   test   ] = testval", "test.str] = testval"}) {
        expect_reject(s);
    }
    auto with_arg = parse_condition("x.y[\"\"] = a");
    auto without = parse_condition("x.y = a");
    ASSERT_TRUE(with_arg.ok() && without.ok());
    EXPECT_FALSE(ast::equal(*with_arg.expr, *without.expr));
}

TEST(FilterSyntax, L6_Transformers) {
    for (const char* s :
         {"tolower(test.field) exists", "b64(toupper(test.field)) exists",
          "b64( test.field) exists", "some.field = val(test.field)",
          "some.field in val(test.field)", "tolower(some.field) = b64(test.field)",
          "some.field = b64 and(some_macro)", "some.field = 'some_fake_transformer(some_macro)'",
          "join(\"-\", (fd.name, fd.directory)) = /tmp", "join(\"-\", ()) = /tmp",
          "getopt(proc.args, \"nt:\")[t] = value", "toupper(fd.name)[x] = foo"}) {
        auto r = parse_condition(s);
        EXPECT_TRUE(r.ok()) << s << ": " << r.error;
    }
    for (const char* s : {"val(test.field) exists", "b64(val(test.field)) exists",
                          "some_fake_transformer(test.field) exists", "b64 (test.field) exists",
                          "b64(test.field exists", "(test.field) exists",
                          "some.field = val(val(test.field))", "some.field = (b64(test.field))",
                          "some.field = b64and(some_macro)", "some.field in (a, b64(test.field))",
                          "join(\"-\", (macro)) = /tmp", "join(\"-\", (fd.name,)) = /tmp"}) {
        expect_reject(s);
    }
    auto r = parse_condition("tolower(proc.name) = val(proc.pname)");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(ast::to_string(*r.expr), "tolower(proc.name) = val(proc.pname)");
}

TEST(FilterSyntax, L7_Modifiers) {
    for (const char* s :
         {"proc.name == oneof (cat, nginx)", "proc.name != allof (cat, nginx)",
          "proc.name contains anyof (cat, nginx)", "proc.name == oneof allowed_processes",
          "proc.name == oneof", "tolower(proc.name) == oneof (cat, nginx)"}) {
        expect_accept(s);
    }
    for (const char* s : {"proc.name ==oneof (cat, nginx)", "proc.name == oneof(cat, nginx)",
                          "proc.name == ONEOF (cat)", "proc.num > oneof (1, 2)",
                          "proc.name in oneof (cat)", "proc.name == oneof (cat,)"}) {
        expect_reject(s);
    }
    auto r = parse_condition("proc.name startswith oneof (sshd, sudo)");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(ast::to_string(*r.expr), "proc.name startswith oneof (sshd, sudo)");
}

TEST(FilterSyntax, ErrorMessagesAndPositions) {
    auto r = parse_condition("evt.type=open bar");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error, "unexpected token after 'open', expecting 'or', 'and'");
    EXPECT_EQ(r.error_pos.col, 15u);
    r = parse_condition("");
    EXPECT_EQ(r.error, "filter input string is empty");
    r = parse_condition("a and\n  #");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error_pos.line, 2u);
}

TEST(FilterSyntax, RenderLikeConditionCompiled) {
    auto r = parse_condition("evt.type in (open,openat) and proc.cmdline contains \"curl 1\"");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(ast::to_string(*r.expr),
              "(evt.type in (open, openat) and proc.cmdline contains \"curl 1\")");
    r = parse_condition("json.value[/test] = \"test\"");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(ast::to_string(*r.expr), "json.value[/test] = test");
}

} // namespace
} // namespace kestrel::rules
