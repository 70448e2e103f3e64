// Fuzzes the whole loader on one rules file: YAML reading (yaml-cpp exceptions must not escape),
// item validation, overrides, exceptions, list/macro expansion, compilation, and the -V text and
// JSON renderings of whatever diagnostics come out.

#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/loader.hpp"
#include "rules/validation_output.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace kestrel::rules;
    const std::string content(reinterpret_cast<const char*>(data), size);
    RulesLoader loader;
    // Twice: the second load redefines/appends/overrides everything the first defined.
    loader.load_content(content, "fuzz.yaml");
    loader.load_content(content, "fuzz2.yaml");
    (void)validation_text(loader.results(), loader.contents());
    (void)validation_json(loader.results(), loader.contents());
    for (const auto& rule : loader.ruleset().rules) {
        (void)rule.compiled_condition();
    }
    return 0;
}
