// Alert output: compiled format strings (fields, <NA>, width, transformers), the text and JSON
// lines exactly as Falco prints them, append_output, suggested_output, static_fields, escaping.

#include <cstdlib>
#include <ctime>

#include "eval/alert.hpp"
#include "eval_test_util.hpp"

namespace kestrel::eval {
namespace {

using namespace testing;

// 2024-05-31T13:05:11.123456789Z
constexpr uint64_t kWall = 1717160711123456789ULL;

class evalOutput : public ::testing::Test {
  protected:
    // Local-time forms must not depend on the machine's zone.
    static void SetUpTestSuite() {
        setenv("TZ", "UTC", 1);
        tzset();
    }
};

struct RuleText {
    std::string name;
    std::string output;
    std::string tags = "[]";
    std::string source; // empty: default (syscall)
    std::string priority = "WARNING";
};

struct OutLoaded {
    std::unique_ptr<rules::RulesLoader> loader = std::make_unique<rules::RulesLoader>();
    std::unique_ptr<OutputFormatter> fmt;
    Alert alert;

    const rules::CompiledRule& rule(const std::string& name) {
        const auto* r = loader->ruleset().find_rule(name);
        EXPECT_NE(r, nullptr) << name;
        return *r;
    }
    std::string line(const std::string& name, const event::View& evt, uint64_t evt_num = 7) {
        fmt->build_alert(rule(name), evt, nullptr, evt_num, kWall, alert);
        std::string out;
        fmt->append_line(alert, out);
        return out;
    }
};

OutLoaded load_outputs(const std::vector<RuleText>& rules, OutputOptions opt = {}) {
    std::string y;
    for (const auto& r : rules) {
        y += "- rule: " + r.name + "\n  desc: d\n  condition: evt.type = openat\n  output: \"" +
             r.output + "\"\n  priority: " + r.priority + "\n  tags: " + r.tags + "\n";
        if (!r.source.empty()) {
            y += "  source: " + r.source + "\n";
        }
    }
    OutLoaded l;
    l.loader->load_content(y, "test.yaml");
    EXPECT_TRUE(l.loader->successful()) << y;
    if (opt.hostname.empty()) {
        opt.hostname = "node-1";
    }
    auto f = OutputFormatter::compile(l.loader->ruleset(), std::move(opt));
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message);
    if (f.ok()) {
        l.fmt = std::make_unique<OutputFormatter>(std::move(*f));
    }
    return l;
}

OutputOptions json() {
    OutputOptions o;
    o.json_output = true;
    return o;
}

TEST_F(evalOutput, PresentAndMissingFields) {
    auto l = load_outputs({{"r", "file=%fd.name user=%user.name proc=%proc.name fd=%fd.num"}});
    auto e = openat("/etc/shadow", KES_O_RDONLY);
    EXPECT_EQ(l.line("r", e->view),
              "13:05:11.123456789: Warning file=/etc/shadow user=<NA> proc=cat fd=3");
    EXPECT_EQ(l.alert.message(), "file=/etc/shadow user=<NA> proc=cat fd=3");
    EXPECT_TRUE(l.alert.fields.empty()); // text output: no typed fields needed
}

TEST_F(evalOutput, WidthPadsAndTruncates) {
    auto l = load_outputs({{"r", "[%10proc.name][%2fd.name][%6user.name]"}});
    auto e = openat("/etc/shadow", KES_O_RDONLY);
    l.line("r", e->view);
    EXPECT_EQ(l.alert.message(), "[cat       ][/e][<NA>  ]");
}

TEST_F(evalOutput, TokenEndsWhereTheFieldEnds) {
    auto l = load_outputs({{"r", "(%proc.name) %proc.name. x=%fd.name, %evt.arg.flags|"}});
    auto e = openat("/etc/shadow", KES_O_RDONLY | KES_O_CLOEXEC);
    l.line("r", e->view);
    EXPECT_EQ(l.alert.message(), "(cat) cat. x=/etc/shadow, O_RDONLY|O_CLOEXEC|");
}

TEST_F(evalOutput, Transformers) {
    auto l = load_outputs({{"r", "%toupper(proc.name) %basename(fd.name) %len(fd.name) "
                                 "%toupper(basename(fd.name)) %8tolower(proc.name)|"}},
                          json());
    auto e = openat("/etc/Shadow", KES_O_RDONLY);
    auto line = l.line("r", e->view);
    EXPECT_EQ(l.alert.message(), "CAT Shadow 11 SHADOW cat     |");
    // Transformer tokens are not keys; their inner fields are, untransformed.
    EXPECT_NE(line.find(R"("output_fields":{"evt.time":1717160711123456789,)"
                        R"("fd.name":"/etc/Shadow","proc.name":"cat"})"),
              std::string::npos)
        << line;
}

TEST_F(evalOutput, JsonExactLine) {
    auto l = load_outputs({{"Read sensitive file untrusted",
                            "Sensitive file opened (file=%fd.name proc=%proc.name "
                            "flags=%evt.arg.flags fd=%fd.num uid=%user.uid)",
                            "[filesystem, T1555, host]"}},
                          json());
    auto e = openat("/etc/shadow", KES_O_RDONLY);
    EXPECT_EQ(
        l.line("Read sensitive file untrusted", e->view),
        R"j({"hostname":"node-1","output":"13:05:11.123456789: Warning Sensitive file opened )j"
        R"j((file=/etc/shadow proc=cat flags=O_RDONLY fd=3 uid=<NA>)",)j"
        R"j("output_fields":{"evt.arg.flags":"O_RDONLY","evt.time":1717160711123456789,)j"
        R"j("fd.name":"/etc/shadow","fd.num":3,"proc.name":"cat","user.uid":null},)j"
        R"j("priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall",)j"
        R"j("tags":["T1555","filesystem","host"],"time":"2024-05-31T13:05:11.123456789Z"})j");
}

TEST_F(evalOutput, JsonIncludeToggles) {
    auto e = openat("/etc/shadow", KES_O_RDONLY);
    {
        auto o = json();
        o.json_include_output_property = false;
        auto l = load_outputs({{"r", "p=%proc.name", "[a]", "", "INFO"}}, o);
        EXPECT_EQ(l.line("r", e->view),
                  R"({"hostname":"node-1","output_fields":{"evt.time":1717160711123456789,)"
                  R"("proc.name":"cat"},"priority":"Informational","rule":"r",)"
                  R"("source":"syscall","tags":["a"],"time":"2024-05-31T13:05:11.123456789Z"})");
    }
    {
        auto o = json();
        o.json_include_output_fields_property = false;
        o.json_include_message_property = true;
        o.json_include_tags_property = false;
        auto l = load_outputs({{"r", "p=%proc.name", "[a]", "", "DEBUG"}}, o);
        EXPECT_EQ(l.line("r", e->view),
                  R"({"hostname":"node-1","message":"p=cat",)"
                  R"("output":"13:05:11.123456789: Debug p=cat","priority":"Debug","rule":"r",)"
                  R"("source":"syscall","time":"2024-05-31T13:05:11.123456789Z"})");
        EXPECT_TRUE(l.alert.fields.empty());
    }
    {
        auto l = load_outputs({{"r", "no fields", "[]", "", "CRITICAL"}}, json());
        EXPECT_EQ(l.line("r", e->view),
                  R"({"hostname":"node-1","output":"13:05:11.123456789: Critical no fields",)"
                  R"("output_fields":{"evt.time":1717160711123456789},"priority":"Critical",)"
                  R"("rule":"r","source":"syscall","tags":[],)"
                  R"("time":"2024-05-31T13:05:11.123456789Z"})");
    }
}

TEST_F(evalOutput, TimeFormats) {
    auto e = openat("/etc/shadow", KES_O_RDONLY);
    auto o = json();
    o.time_format_iso_8601 = true;
    auto l = load_outputs({{"r", "t=%evt.time d=%evt.datetime.s s=%evt.time.s"}}, o);
    EXPECT_EQ(l.line("r", e->view),
              R"({"hostname":"node-1","output":"2024-05-31T13:05:11.123456789+0000: Warning )"
              R"(t=13:05:11.123456789 d=2024-05-31 13:05:11 s=13:05:11",)"
              R"("output_fields":{"evt.datetime.s":1717160711123456789,)"
              R"("evt.time":1717160711123456789,"evt.time.iso8601":1717160711123456789,)"
              R"("evt.time.s":1717160711123456789},"priority":"Warning","rule":"r",)"
              R"("source":"syscall","tags":[],"time":"2024-05-31T13:05:11.123456789Z"})");
    OutputOptions text;
    text.time_format_iso_8601 = true;
    auto t = load_outputs({{"r", "x"}}, text);
    EXPECT_EQ(t.line("r", e->view), "2024-05-31T13:05:11.123456789+0000: Warning x");
}

TEST_F(evalOutput, LocalTimeFollowsTheZone) {
    setenv("TZ", "Asia/Kolkata", 1); // +05:30, no DST
    tzset();
    auto e = openat("/etc/shadow", KES_O_RDONLY);
    auto l = load_outputs({{"r", "x"}});
    std::string line = l.line("r", e->view);
    setenv("TZ", "UTC", 1);
    tzset();
    // Where the zone database is missing, glibc falls back to UTC.
    EXPECT_TRUE(line == "18:35:11.123456789: Warning x" || line == "13:05:11.123456789: Warning x")
        << line;
}

TEST_F(evalOutput, ContextFields) {
    auto e = openat("/etc/shadow", KES_O_RDONLY);
    auto l = load_outputs(
        {{"r", "n=%evt.num h=%evt.hostname s=%evt.source raw=%evt.rawtime ns=%evt.rawtime.ns "
               "sec=%evt.rawtime.s"}},
        json());
    auto line = l.line("r", e->view, 42);
    EXPECT_EQ(l.alert.message(), "n=42 h=node-1 s=syscall raw=1717160711123456789 "
                                 "ns=123456789 sec=1717160711");
    EXPECT_NE(line.find(R"("evt.hostname":"node-1","evt.num":42,"evt.rawtime":1717160711123456789,)"
                        R"("evt.rawtime.ns":123456789,"evt.rawtime.s":1717160711,)"
                        R"("evt.source":"syscall","evt.time":1717160711123456789})"),
              std::string::npos)
        << line;
}

TEST_F(evalOutput, AppendOutputBySourceTagAndRule) {
    OutputOptions o = json();
    AppendOutput all; // no match keys: every rule
    all.extra_output = "cpu=%evt.cpu";
    AppendOutput by_tag;
    by_tag.tags = {"filesystem", "mitre"};
    by_tag.extra_output = "tagged";
    by_tag.extra_fields = {{"home", "dir=%fd.directory", false}, {"proc.pid", "", true}};
    AppendOutput by_rule;
    by_rule.rule = "b";
    by_rule.extra_output = "only-b";
    AppendOutput by_source;
    by_source.source = "k8s_audit";
    by_source.extra_output = "never";
    o.append_output = {all, by_tag, by_rule, by_source};
    auto l = load_outputs(
        {{"a", "A", "[filesystem, mitre, x]"}, {"b", "B", "[filesystem]"}, {"c", "C %proc.name"}},
        o);
    auto e = openat("/etc/shadow", KES_O_RDONLY, 3, "cat", 100);
    auto la = l.line("a", e->view);
    EXPECT_EQ(l.alert.message(), "A cpu=1 tagged");
    EXPECT_NE(la.find(R"("output_fields":{"evt.cpu":1,"evt.time":1717160711123456789,)"
                      R"("home":"dir=/etc","proc.pid":100})"),
              std::string::npos)
        << la;
    l.line("b", e->view);
    EXPECT_EQ(l.alert.message(), "B cpu=1 only-b");
    l.line("c", e->view);
    EXPECT_EQ(l.alert.message(), "C cat cpu=1");
    EXPECT_EQ(l.fmt->output(l.rule("c"))->format, "C %proc.name cpu=%evt.cpu");
}

TEST_F(evalOutput, SuggestedOutput) {
    OutputOptions o = json();
    AppendOutput s;
    s.suggested_output = true;
    AppendOutput both; // extra_output first, then the suggested fields
    both.suggested_output = true;
    both.extra_output = "on=%evt.cpu";
    both.rule = "both";
    AppendOutput other_source;
    other_source.suggested_output = true;
    other_source.source = "k8s_audit";
    o.append_output = {s, both, other_source};
    auto l = load_outputs({{"r", "x=%proc.name"}, {"both", "y"}}, o);
    EXPECT_EQ(l.fmt->output(l.rule("r"))->format,
              "x=%proc.name container_id=%container.id container_name=%container.name");
    EXPECT_EQ(l.fmt->output(l.rule("both"))->format,
              "y container_id=%container.id container_name=%container.name on=%evt.cpu "
              "container_id=%container.id container_name=%container.name");
    auto e = openat("/etc/shadow", KES_O_RDONLY);
    auto line = l.line("r", e->view);
    // Without state the container fields are absent.
    EXPECT_EQ(l.alert.message(), "x=cat container_id=<NA> container_name=<NA>");
    EXPECT_NE(line.find(R"("output_fields":{"container.id":null,"container.name":null,)"),
              std::string::npos)
        << line;
}

TEST_F(evalOutput, StaticFields) {
    // Static fields are libs filterchecks flagged EPF_FORMAT_SUGGESTED: usable as %static.k, and
    // appended (before the container fields) by suggested_output.
    OutputOptions o = json();
    o.static_fields = {{"env", "prod"}, {"team", "sec \"blue\""}};
    AppendOutput a;
    a.extra_output = "env=%static.env";
    a.rule = "r";
    AppendOutput s;
    s.suggested_output = true;
    s.rule = "suggested";
    o.append_output = {a, s};
    auto l = load_outputs({{"r", "x"}, {"suggested", "y"}}, o);
    auto e = openat("/etc/shadow", KES_O_RDONLY);
    auto line = l.line("r", e->view);
    EXPECT_EQ(l.alert.message(), "x env=prod");
    EXPECT_NE(line.find(R"("output_fields":{"evt.time":1717160711123456789,"static.env":"prod"})"),
              std::string::npos)
        << line;
    EXPECT_EQ(l.fmt->output(l.rule("suggested"))->format,
              "y static_env=%static.env static_team=%static.team container_id=%container.id "
              "container_name=%container.name");
    line = l.line("suggested", e->view);
    EXPECT_EQ(l.alert.message(), "y static_env=prod static_team=sec \"blue\" "
                                 "container_id=<NA> container_name=<NA>");
    EXPECT_NE(line.find(R"("static.env":"prod","static.team":"sec \"blue\""})"), std::string::npos)
        << line;
}

TEST_F(evalOutput, AppendOutputMatchesAllGivenKeys) {
    OutputOptions o;
    AppendOutput src;
    src.source = "syscall";
    src.extra_output = "s";
    AppendOutput src_and_rule; // both keys must match
    src_and_rule.source = "syscall";
    src_and_rule.rule = "b";
    src_and_rule.extra_output = "sr";
    AppendOutput wrong_rule;
    wrong_rule.source = "syscall";
    wrong_rule.tags = {"t"};
    wrong_rule.rule = "a";
    wrong_rule.extra_output = "never";
    o.append_output = {src, src_and_rule, wrong_rule};
    auto l = load_outputs({{"a", "A"}, {"b", "B", "[t]"}}, o);
    EXPECT_EQ(l.fmt->output(l.rule("a"))->format, "A s");
    EXPECT_EQ(l.fmt->output(l.rule("b"))->format, "B s sr");
}

TEST(evalHostname, FalcoHostnameWins) {
    setenv("FALCO_HOSTNAME", "from-env", 1);
    EXPECT_EQ(resolve_hostname(), "from-env");
    unsetenv("FALCO_HOSTNAME");
    EXPECT_FALSE(resolve_hostname().empty());
    EXPECT_NE(resolve_hostname(), "from-env");
}

TEST_F(evalOutput, BadAppendOutputFailsTheLoad) {
    rules::RulesLoader loader;
    loader.load_content("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: x\n"
                        "  priority: INFO\n",
                        "t.yaml");
    ASSERT_TRUE(loader.successful());
    for (std::string bad : {"x=%no.such_field", "trailing %", "ip=%fd.ip", "s=%static.nope"}) {
        OutputOptions o;
        AppendOutput a;
        a.extra_output = bad;
        o.append_output = {a};
        EXPECT_FALSE(OutputFormatter::compile(loader.ruleset(), o).ok()) << bad;
    }
    OutputOptions o;
    AppendOutput a;
    a.extra_fields = {{"nope.field", "", true}};
    o.append_output = {a};
    EXPECT_FALSE(OutputFormatter::compile(loader.ruleset(), o).ok());
}

TEST_F(evalOutput, TextLineIsEscapedLikeAJsonString) {
    auto l = load_outputs({{"r", "file=%fd.name"}});
    auto e = openat("/tmp/a\"b\\c\td\x01\x7f\xff\xc3(\xe2\x82\xac", KES_O_RDONLY);
    EXPECT_EQ(l.line("r", e->view),
              "13:05:11.123456789: Warning file=/tmp/a\\\"b\\\\c\\td\\u0001\x7f"
              "\xEF\xBF\xBD\xEF\xBF\xBD(\xe2\x82\xac");
    auto j = load_outputs({{"r", "file=%fd.name"}}, json());
    auto line = j.line("r", e->view);
    EXPECT_NE(line.find(R"("fd.name":"/tmp/a\"b\\c\td\u0001)"), std::string::npos) << line;
}

TEST(evalOutputFormat, CompileErrorsAndTokens) {
    FieldTable table;
    EXPECT_FALSE(CompiledFormat::compile("a %", table).ok());
    EXPECT_FALSE(CompiledFormat::compile("a %12", table).ok());
    EXPECT_FALSE(CompiledFormat::compile("a %nosuch", table).ok());
    EXPECT_FALSE(CompiledFormat::compile("a %fd.net", table).ok()); // filter only
    auto f = CompiledFormat::compile("*%proc.aname[2] %evt.arg.flags %tolower(fd.name)", table);
    ASSERT_TRUE(f.ok());
    ASSERT_EQ(f->fields().size(), 3U);
    EXPECT_EQ(f->fields()[0].key, "proc.aname[2]");
    EXPECT_EQ(f->fields()[1].key, "evt.arg.flags");
    EXPECT_EQ(f->fields()[2].key, "fd.name");
    EXPECT_TRUE(f->tokens()[0].literal.empty()); // the leading * is the <NA> flag, not text
    // The same field in two formats is one table entry.
    auto g = CompiledFormat::compile("%fd.name", table);
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(g->fields()[0].field, f->fields()[2].field);
}

TEST(evalOutputFormat, UnsupportedTransformerPrintsNA) {
    FieldTable table;
    auto f = CompiledFormat::compile("j=%join(\",\", proc.name) c=%5concat(\"a\", \"b\")|", table);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->unsupported().size(), 2U);
    auto e = openat("/etc/shadow", KES_O_RDONLY);
    AlertContext ctx;
    ctx.eval.evt = &e->view;
    table.begin(ctx);
    std::string out;
    RenderScratch scratch;
    f->render(table, ctx, out, scratch);
    EXPECT_EQ(out, "j=<NA> c=<NA> |");
}

TEST_F(evalOutput, AlertReusesItsBuffers) {
    auto l = load_outputs({{"r", "file=%fd.name proc=%proc.name"}}, json());
    auto e = openat("/etc/shadow", KES_O_RDONLY);
    l.line("r", e->view);
    const char* data = l.alert.data.data();
    const AlertField* fields = l.alert.fields.data();
    l.line("r", e->view);
    EXPECT_EQ(l.alert.data.data(), data);
    EXPECT_EQ(l.alert.fields.data(), fields);
    EXPECT_EQ(l.alert.rule->name, "r");
    EXPECT_EQ(l.alert.wall_ns, kWall);
}

} // namespace
} // namespace kestrel::eval

namespace kestrel::eval {
namespace {

TEST(evalOutputFormat, DisplayFormatsInJson) {
    FieldTable table;
    auto dev = table.add("fd.dev"); // INT32, PF_HEX
    ASSERT_TRUE(dev.ok());
    int64_t i = 0;
    uint64_t u = 0;
    bool b = false;
    std::string text;
    EXPECT_EQ(table.json_scalar(*dev, Value::of_int(0x80a), &i, &u, &b, text), JsonKind::kString);
    EXPECT_EQ(text, "80A"); // libs PRIX: upper case, no prefix
    auto num = table.add("evt.num");
    ASSERT_TRUE(num.ok());
    text.clear();
    EXPECT_EQ(table.json_scalar(*num, Value::of_uint(5), &i, &u, &b, text), JsonKind::kUint);
    EXPECT_EQ(u, 5U);
    EXPECT_TRUE(text.empty());
    auto name = table.add("proc.name");
    ASSERT_TRUE(name.ok());
    EXPECT_EQ(table.json_scalar(*name, Value::of_string("cat"), &i, &u, &b, text),
              JsonKind::kString);
    EXPECT_EQ(text, "cat");
    auto ns = table.add("evt.rawtime.ns"); // PF_10_PADDED_DEC text, Int64 in JSON
    ASSERT_TRUE(ns.ok());
    text.clear();
    table.append_value_text(*ns, Value::of_uint(42), text);
    EXPECT_EQ(text, "000000042");
    EXPECT_EQ(table.json_scalar(*ns, Value::of_uint(42), &i, &u, &b, text), JsonKind::kInt);
    EXPECT_EQ(i, 42);
}

TEST(evalOutputFormat, ThroughTheRuleset) {
    // The daemon's path: evaluate, then build the alert of each match with the ruleset's evt.num.
    rules::RulesLoader loader;
    loader.load_content("- rule: open etc\n  desc: d\n  condition: evt.type = openat and "
                        "fd.name startswith /etc\n  output: \"%evt.num %proc.name %fd.name\"\n"
                        "  priority: NOTICE\n  tags: [fs]\n",
                        "t.yaml");
    ASSERT_TRUE(loader.successful());
    auto rs = Ruleset::compile(loader.ruleset(), {});
    ASSERT_TRUE(rs.ok());
    OutputOptions o;
    o.hostname = "h";
    auto fmt = OutputFormatter::compile(loader.ruleset(), o);
    ASSERT_TRUE(fmt.ok());
    auto skip = testing::openat("/tmp/x", KES_O_RDONLY);
    auto hit = testing::openat("/etc/hosts", KES_O_RDONLY, 4, "vi");
    std::vector<std::string> lines;
    Alert alert;
    for (const auto* e : {&skip->view, &hit->view}) {
        rs->evaluate(*e, [&](const Match& m) {
            fmt->build_alert(*m.rule.source, m.evt, nullptr, rs->stats().events, kWall, alert);
            std::string line;
            fmt->append_line(alert, line);
            lines.push_back(line);
        });
    }
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0].substr(lines[0].find(": ")), ": Notice 2 vi /etc/hosts");
}

} // namespace
} // namespace kestrel::eval

namespace kestrel::eval {
namespace {

TEST(evalOutputFormat, EveryUpstreamOutputCompiles) {
    const std::string dir = std::string(KESTREL_SHARED_DIR) + "/corpus/rules/";
    rules::RulesLoader loader;
    for (const char* f :
         {"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"}) {
        loader.load_file(dir + f);
    }
    ASSERT_TRUE(loader.successful());
    OutputOptions o;
    o.json_output = true;
    AppendOutput s;
    s.suggested_output = true; // the shipped falco.yaml default
    o.append_output = {s};
    auto fmt = OutputFormatter::compile(loader.ruleset(), o);
    ASSERT_TRUE(fmt.ok());
    for (const auto& issue : fmt->issues()) {
        ADD_FAILURE() << issue.rule << ": " << issue.message;
    }
    // Every %field of every output became a token, and shows up in output_fields.
    size_t tokens = 0;
    for (const auto& r : loader.ruleset().rules) {
        const RuleOutput* out = fmt->output(r);
        ASSERT_NE(out, nullptr);
        size_t percents = std::count(out->format.begin(), out->format.end(), '%');
        size_t fields = 0;
        for (const auto& t : out->message.tokens()) {
            fields += t.field >= 0 ? 1 : 0;
        }
        EXPECT_EQ(fields, percents) << r.name << ": " << out->format;
        tokens += fields;
    }
    EXPECT_GT(tokens, 500U);
    // And every one renders (most fields are <NA> without state).
    auto e = testing::openat("/etc/shadow", KES_O_RDONLY);
    Alert alert;
    std::string line;
    for (const auto& r : loader.ruleset().rules) {
        line.clear();
        fmt->build_alert(r, e->view, nullptr, 1, kWall, alert);
        fmt->append_line(alert, line);
        EXPECT_TRUE(line.starts_with(R"({"hostname":)") && line.ends_with(R"(Z"})")) << line;
    }
}

} // namespace
} // namespace kestrel::eval
