#pragma once
// Helpers for the loader-case tests: load YAML snippets in order, then assert on Falco's
// outcome (success, error code + message, warning codes, compiled conditions).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/loader.hpp"

namespace kestrel::rules::testing {

inline RulesLoader load_all(const std::vector<std::string>& files) {
    RulesLoader loader;
    int i = 0;
    for (const auto& f : files) {
        loader.load_content(f, "rules" + std::to_string(i++) + ".yaml");
    }
    return loader;
}

inline const LoadError* first_error(const RulesLoader& l) {
    for (const auto& r : l.results()) {
        if (!r.errors().empty()) {
            return &r.errors().front();
        }
    }
    return nullptr;
}

inline std::string dump(const RulesLoader& l) {
    std::string out;
    for (const auto& r : l.results()) {
        out += r.as_verbose_string(l.contents()) + "\n";
    }
    return out;
}

inline size_t count_warnings(const RulesLoader& l, LoadWarningCode code) {
    size_t n = 0;
    for (const auto& r : l.results()) {
        for (const auto& w : r.warnings()) {
            n += w.code == code ? 1 : 0;
        }
    }
    return n;
}

inline bool has_warning(const RulesLoader& l, LoadWarningCode code, const std::string& msg = "") {
    for (const auto& r : l.results()) {
        for (const auto& w : r.warnings()) {
            if (w.code == code && w.message.find(msg) != std::string::npos) {
                return true;
            }
        }
    }
    return false;
}

// Asserts the load failed with exactly this code and a message containing `msg`.
#define EXPECT_LOAD_ERROR(loader, want_code, msg)                                                  \
    do {                                                                                           \
        const auto* kes_err_ = ::kestrel::rules::testing::first_error(loader);                     \
        ASSERT_NE(kes_err_, nullptr) << ::kestrel::rules::testing::dump(loader);                   \
        EXPECT_EQ(code_name(kes_err_->code), code_name(want_code))                                 \
            << ::kestrel::rules::testing::dump(loader);                                            \
        EXPECT_NE(kes_err_->message.find(msg), std::string::npos)                                  \
            << "message: " << kes_err_->message << "\nexpected: " << (msg);                        \
    } while (0)

#define EXPECT_LOADS(loader)                                                                       \
    EXPECT_TRUE((loader).successful()) << ::kestrel::rules::testing::dump(loader)

#define EXPECT_WARNS(loader, want_code, msg)                                                       \
    EXPECT_TRUE(::kestrel::rules::testing::has_warning(loader, want_code, msg))                    \
        << ::kestrel::rules::testing::dump(loader)

#define EXPECT_NO_WARNING(loader, want_code)                                                       \
    EXPECT_FALSE(::kestrel::rules::testing::has_warning(loader, want_code))                        \
        << ::kestrel::rules::testing::dump(loader)

inline std::string compiled(const RulesLoader& l, const std::string& rule) {
    const CompiledRule* r = l.ruleset().find_rule(rule);
    return r ? r->compiled_condition() : "<no rule " + rule + ">";
}

// A complete rule item.
inline std::string rule_item(const std::string& name, const std::string& cond,
                             const std::string& extra = "", const std::string& priority = "INFO") {
    return "- rule: " + name + "\n  desc: d\n  condition: " + cond +
           "\n  output: o\n  priority: " + priority + "\n" + extra;
}

} // namespace kestrel::rules::testing
