#pragma once
// The rules side of the main job, shared by every engine (replay now, live next): the rules
// files from the configuration loaded and compiled once, each event evaluated, and each alert
// rendered in Falco's text or JSON form.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "daemon/config.hpp"
#include "eval/alert.hpp"
#include "eval/ruleset.hpp"
#include "event/view.hpp"
#include "output/outputs.hpp"
#include "rules/loader.hpp"

namespace kestrel::daemon {

class RulesEngine {
  public:
    // Loads `config.rules_files` (directories expand to their .yml/.yaml files) and compiles
    // them with the configured priority, rule_matching, rule selection and output options. A
    // file that fails to load is an error carrying Falco's validation text for it.
    static base::Result<std::unique_ptr<RulesEngine>> load(const Config& config);

    // Evaluates one event; renders each alert straight into a free slot of the outputs' queue
    // (none free: the alert is dropped and counted there, never waited for). `wall_ns` is the
    // event's wall-clock time. Returns the number of alerts raised.
    size_t process(const event::View& evt, uint64_t wall_ns, const state::Tables* state,
                   output::Outputs& outputs);

    // How the sinks must render lines to match this engine's formatter.
    [[nodiscard]] const eval::OutputOptions& format_options() const {
        return formatter_->options();
    }

    [[nodiscard]] const eval::Ruleset& ruleset() const { return *ruleset_; }
    [[nodiscard]] uint64_t alerts() const { return alerts_; }

  private:
    RulesEngine() = default;

    rules::RulesLoader loader_; // owns the CompiledRuleset that ruleset_ and formatter_ point into
    std::optional<eval::Ruleset> ruleset_;
    std::optional<eval::OutputFormatter> formatter_;
    uint64_t alerts_ = 0;
};

} // namespace kestrel::daemon
