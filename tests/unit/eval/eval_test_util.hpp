#pragma once
// Shared helpers for the eval tests: load conditions through the real RulesLoader (so the ASTs
// are exactly what production compiles) and build synthetic records with RecordBuilder.

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "eval/ruleset.hpp"
#include "event/builder.hpp"
#include "event/view.hpp"
#include "rules/loader.hpp"

namespace kestrel::eval::testing {

struct RuleSpec {
    std::string name;
    std::string condition;
    std::string priority = "WARNING";
    std::string tags = "[]";
    std::string enabled = "true";
};

struct Loaded {
    std::unique_ptr<rules::RulesLoader> loader = std::make_unique<rules::RulesLoader>();
    std::unique_ptr<Ruleset> ruleset;
};

inline std::string rules_yaml(const std::vector<RuleSpec>& specs, const std::string& prelude) {
    std::string y = prelude;
    for (const auto& r : specs) {
        y += "- rule: " + r.name + "\n  desc: d\n  condition: >\n    " + r.condition +
             "\n  output: o\n  priority: " + r.priority + "\n  tags: " + r.tags +
             "\n  enabled: " + r.enabled + "\n";
    }
    return y;
}

inline Loaded load(const std::vector<RuleSpec>& specs, RulesetOptions options = {},
                   const std::string& prelude = "") {
    Loaded l;
    l.loader->load_content(rules_yaml(specs, prelude), "test.yaml");
    EXPECT_TRUE(l.loader->successful())
        << rules_yaml(specs, prelude) << l.loader->results().back().as_json(l.loader->contents());
    auto rs = Ruleset::compile(l.loader->ruleset(), std::move(options));
    EXPECT_TRUE(rs.ok());
    if (rs.ok()) {
        l.ruleset = std::make_unique<Ruleset>(std::move(*rs));
        for (const auto& s : l.ruleset->skipped()) {
            ADD_FAILURE() << "skipped " << s.name << ": " << s.reason;
        }
    }
    return l;
}

// A record kept alive with its view.
struct Event {
    std::vector<uint8_t> buf;
    event::View view;
};

inline std::unique_ptr<Event> finish(std::unique_ptr<Event> e) {
    auto v = event::decode(e->buf, nullptr);
    EXPECT_TRUE(v.ok());
    if (v.ok()) {
        e->view = *v;
    }
    return e;
}

inline std::unique_ptr<Event> openat(std::string_view path, uint32_t flags, int64_t fd = 3,
                                     std::string_view comm = "cat", uint32_t pid = 100,
                                     uint32_t mode = 0) {
    auto e = std::make_unique<Event>();
    event::RecordBuilder b(e->buf, KES_EVT_OPENAT);
    b.ts_ns(1000).tid(pid).pid(pid).cpu(1).comm(comm);
    b.add_int64(fd)
        .add_int64(-100)
        .add_string(path)
        .add_uint32(flags)
        .add_uint32(mode)
        .add_uint32(0x803)
        .add_uint64(1234);
    b.finish();
    return finish(std::move(e));
}

inline std::unique_ptr<Event> execve(std::string_view exe, std::string_view comm,
                                     uint32_t pid = 200) {
    auto e = std::make_unique<Event>();
    event::RecordBuilder b(e->buf, KES_EVT_EXECVE);
    b.ts_ns(2000).tid(pid).pid(pid).comm(comm);
    b.add_int64(0).add_string(exe).add_string_list({"-c", "x"});
    b.finish();
    return finish(std::move(e));
}

inline uint32_t ip4(const char* s) {
    in_addr a{};
    inet_pton(AF_INET, s, &a);
    return a.s_addr;
}

inline std::unique_ptr<Event> connect(const char* sip, uint16_t sport, const char* dip,
                                      uint16_t dport, int64_t res = 0, uint32_t pid = 300) {
    auto e = std::make_unique<Event>();
    event::RecordBuilder b(e->buf, KES_EVT_CONNECT);
    b.ts_ns(3000).tid(pid).pid(pid).comm("curl");
    b.add_int64(res)
        .add_socktuple_in(ip4(sip), sport, ip4(dip), dport)
        .add_int64(5)
        .add_sockaddr_in(ip4(dip), dport);
    b.finish();
    return finish(std::move(e));
}

// Names of the rules that match `evt`, in order.
inline std::vector<std::string> matches(Ruleset& rs, const event::View& evt) {
    std::vector<std::string> out;
    rs.evaluate(evt, [&](const Match& m) { out.push_back(m.rule.source->name); });
    return out;
}

// Whether a single-rule condition matches `evt` (RuleMatching::kAll).
inline bool cond(const std::string& condition, const event::View& evt,
                 const state::Tables* state = nullptr) {
    RulesetOptions o;
    o.matching = RuleMatching::kAll;
    o.state = state;
    auto l = load({{"r", condition}}, std::move(o));
    if (!l.ruleset) {
        return false;
    }
    return l.ruleset->evaluate(evt) == 1;
}

} // namespace kestrel::eval::testing
