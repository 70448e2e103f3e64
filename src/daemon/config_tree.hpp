#pragma once
// The configuration document as Falco builds it: a YAML tree loaded from falco.yaml, with
// `${ENV}` expansion, then `-o key=value` overrides applied on top, in command-line order.

#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "base/result.hpp"

namespace kestrel::daemon {

class ConfigTree {
  public:
    ConfigTree() : root_(YAML::NodeType::Map) {}

    // Reads a falco.yaml-style file. Errors name the file and, for YAML syntax, line:column.
    static base::Result<ConfigTree> load_file(const std::string& path);
    static base::Result<ConfigTree> load_string(std::string_view text, std::string_view origin);

    // Applies one `-o key=value`. Keys follow Falco's grammar: `a.b.c`, `list[2].x`, `list[].x`
    // (appends a new element), with `\.`, `\[` and `\\` escaping literal characters in a name.
    // The value is YAML (so `-o rules_files=[a,b]` sets a list); scalars stay strings until read.
    base::Status apply_override(std::string_view assignment);

    [[nodiscard]] const YAML::Node& root() const { return root_; }
    // The node at a dotted key (no indexes), or an undefined node.
    [[nodiscard]] YAML::Node find(std::string_view dotted_key) const;

  private:
    explicit ConfigTree(YAML::Node root) : root_(std::move(root)) {}
    YAML::Node root_;
};

// Replaces `${NAME}` by the environment variable's value (empty when unset) and `$${x}` by
// the literal `${x}`, in every scalar of the tree, as Falco does when it loads a config file.
void expand_environment(YAML::Node& node);

} // namespace kestrel::daemon
