#pragma once
// Falco's own test rules files (falco-testing.md), one copy for the unit and e2e tiers.

#include <string>

namespace kestrel::falco_test_rules {

// single_rule.yaml (loader-cases.md): a rule on `open` by cat, through a macro and nested lists.
inline const std::string kSingleRule = R"yaml(- required_engine_version: 2
- list: cat_binaries
  items: [cat]
- list: cat_capable_binaries
  items: [cat_binaries]
- macro: is_cat
  condition: proc.name in (cat_capable_binaries)
- rule: open_from_cat
  desc: A process named cat does an open
  condition: evt.type=open and is_cat
  output: "An open was seen (command=%proc.cmdline)"
  priority: WARNING
)yaml";

// rules_dir/000-single_rule.yaml (falco-testing.md §3d, TestFalco_Print_Rules): the same items,
// one blank line apart, with no required_engine_version.
inline const std::string kRulesDirSingleRule = R"yaml(
- list: cat_binaries
  items: [cat]

- list: cat_capable_binaries
  items: [cat_binaries]

- macro: is_cat
  condition: proc.name in (cat_capable_binaries)

- rule: open_from_cat
  desc: A process named cat does an open
  condition: evt.type=open and is_cat
  output: "An open was seen (command=%proc.cmdline)"
  priority: WARNING
)yaml";

// The file §3d appends to that rule. Falco's appends `json.value[/test] = "test"` and requires
// the json plugin, which Kestrel does not have; this one appends the container plugin's
// `container.label[test]` (a plugin field with an argument too, native in Kestrel) and requires
// the container plugin instead.
inline const std::string kAppendContainerLabel = R"yaml(
- required_engine_version: 0.11.0
- required_plugin_versions:
  - name: container
    version: 0.1.0
- rule: open_from_cat
  append: true
  condition: and container.label[test] = "test"
)yaml";

} // namespace kestrel::falco_test_rules
