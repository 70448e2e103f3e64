// Every upstream rules file in ../shared/corpus/rules loads with zero errors: the current
// stable + incubating + sandbox files together (in Falco's default order) and each alone, the
// deprecated rules, and each older stable file alone. Warnings are printed (and explained in
// src/rules/README.md).

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "rules/loader.hpp"

namespace kestrel::rules {
namespace {

const std::string kCorpus = std::string(KESTREL_SHARED_DIR) + "/corpus/rules/";

void print_warnings(const RulesLoader& l) {
    for (const auto& r : l.results()) {
        std::map<std::string, int> counts;
        for (const auto& w : r.warnings()) {
            counts[std::string(code_name(w.code))]++;
        }
        std::cout << "  " << r.as_summary_string() << "\n";
        for (const auto& w : r.warnings()) {
            const auto& loc = w.ctx.locations();
            std::cout << "    " << code_name(w.code) << " "
                      << (loc.size() > 1 ? loc[1].item_name : std::string()) << ": " << w.message
                      << "\n";
        }
    }
}

void expect_loads(const std::vector<std::string>& files, size_t min_rules) {
    RulesLoader l;
    for (const auto& f : files) {
        l.load_file(kCorpus + f);
    }
    print_warnings(l);
    for (const auto& r : l.results()) {
        EXPECT_TRUE(r.successful()) << r.as_verbose_string(l.contents());
    }
    EXPECT_GE(l.ruleset().rules.size(), min_rules);
    for (const auto& r : l.ruleset().rules) {
        ASSERT_NE(r.condition, nullptr) << r.name;
    }
}

TEST(Corpus, CurrentStableIncubatingSandboxTogether) {
    expect_loads({"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"},
                 93);
}

TEST(Corpus, CurrentStableAlone) { expect_loads({"falco_rules.yaml"}, 25); }
TEST(Corpus, CurrentIncubatingAlone) { expect_loads({"falco-incubating_rules.yaml"}, 31); }
TEST(Corpus, CurrentSandboxAlone) { expect_loads({"falco-sandbox_rules.yaml"}, 37); }
TEST(Corpus, DeprecatedAlone) { expect_loads({"falco-deprecated_rules.yaml"}, 4); }

TEST(Corpus, OlderStableFilesAlone) {
    for (const char* f : {"falco_rules.2023-01-25.yaml", "falco_rules.2023-06-06.yaml",
                          "falco_rules.2023-06-19.yaml", "falco_rules.2023-09-21.yaml",
                          "falco_rules.2024-05-22.yaml", "falco_rules.2025-05-23.yaml",
                          "falco_rules.2025-10-15.yaml"}) {
        SCOPED_TRACE(f);
        std::cout << f << "\n";
        expect_loads({f}, 25);
    }
}

TEST(Corpus, EveryFileInTheDirectoryIsCovered) {
    size_t yaml = 0;
    for (const auto& e : std::filesystem::directory_iterator(kCorpus)) {
        yaml += e.path().extension() == ".yaml" ? 1 : 0;
    }
    EXPECT_EQ(yaml, 11u) << "a new corpus file needs a test above";
}

} // namespace
} // namespace kestrel::rules
