#include "daemon/config_tree.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace kestrel::daemon {
namespace {

using base::ErrorCode;
using base::make_error;

std::string expand_scalar(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    for (size_t i = 0; i < value.size();) {
        if (value.compare(i, 3, "$${") == 0 && value.find('}', i) != std::string::npos) {
            out += "${"; // escaped: keep one '$' literally
            i += 3;
            continue;
        }
        if (value.compare(i, 2, "${") == 0) {
            size_t close = value.find('}', i);
            if (close != std::string::npos) {
                std::string name = value.substr(i + 2, close - i - 2);
                if (const char* env = std::getenv(name.c_str())) {
                    out += env;
                }
                i = close + 1;
                continue;
            }
        }
        out += value[i++];
    }
    return out;
}

// One step of a key path: a map key, or a sequence index (-1 = append a new element).
struct PathStep {
    std::string key;
    bool is_index = false;
    long index = 0;
};

base::Result<std::vector<PathStep>> parse_key_path(std::string_view key) {
    std::vector<PathStep> steps;
    std::string name;
    bool have_name = false;
    auto flush_name = [&]() -> base::Status {
        if (!have_name) {
            return make_error(ErrorCode::kInvalidArgument, "empty key segment");
        }
        steps.push_back(PathStep{name, false, 0});
        name.clear();
        have_name = false;
        return base::Ok{};
    };
    for (size_t i = 0; i < key.size(); ++i) {
        char c = key[i];
        if (c == '\\' && i + 1 < key.size() &&
            (key[i + 1] == '.' || key[i + 1] == '[' || key[i + 1] == '\\')) {
            name += key[++i];
            have_name = true;
        } else if (c == '.') {
            if (have_name) {
                KES_TRY(flush_name());
            } else if (steps.empty() || !steps.back().is_index) {
                return make_error(ErrorCode::kInvalidArgument,
                                  fmt::format("unexpected '.' at position {}", i));
            }
        } else if (c == '[') {
            if (have_name) {
                KES_TRY(flush_name());
            } else if (steps.empty()) {
                return make_error(ErrorCode::kInvalidArgument, "index without a key name");
            }
            size_t close = key.find(']', i);
            if (close == std::string_view::npos) {
                return make_error(ErrorCode::kInvalidArgument, "missing ']'");
            }
            std::string_view digits = key.substr(i + 1, close - i - 1);
            PathStep step{{}, true, -1};
            if (!digits.empty()) {
                char* end = nullptr;
                std::string copy(digits);
                step.index = std::strtol(copy.c_str(), &end, 10);
                if (*end != '\0' || step.index < 0) {
                    return make_error(ErrorCode::kInvalidArgument,
                                      fmt::format("expected a numeric index, found '{}'", digits));
                }
            }
            steps.push_back(step);
            i = close;
        } else {
            if (!steps.empty() && steps.back().is_index && !have_name && i > 0 &&
                key[i - 1] == ']') {
                return make_error(ErrorCode::kInvalidArgument,
                                  fmt::format("expected '.' at position {}", i));
            }
            name += c;
            have_name = true;
        }
    }
    if (have_name) {
        KES_TRY(flush_name());
    }
    if (steps.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "empty key");
    }
    return steps;
}

YAML::Node parse_value(const std::string& text) {
    // A value written as a flow list or mapping (`[a, b]`, `{k: v}`) is YAML, as in Falco;
    // anything else is kept verbatim as a scalar (typed when read), so a shell command such
    // as `jq '{text: .output}'` is not mistaken for a mapping.
    size_t first = text.find_first_not_of(" \t");
    if (first != std::string::npos && (text[first] == '[' || text[first] == '{')) {
        try {
            return YAML::Load(text);
        } catch (const YAML::Exception&) {
            // Not valid YAML after all: keep the text literally.
        }
    }
    return YAML::Node(text);
}

} // namespace

void expand_environment(YAML::Node& node) {
    if (node.IsScalar()) {
        node = expand_scalar(node.Scalar());
    } else if (node.IsSequence()) {
        for (size_t i = 0; i < node.size(); ++i) {
            YAML::Node child = node[i];
            expand_environment(child);
        }
    } else if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            YAML::Node child = it->second;
            expand_environment(child);
        }
    }
}

base::Result<ConfigTree> ConfigTree::load_string(std::string_view text, std::string_view origin) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        return make_error(ErrorCode::kParse,
                          fmt::format("{}:{}:{}: YAML syntax error: {}", origin, e.mark.line + 1,
                                      e.mark.column + 1, e.msg));
    }
    if (root.IsNull() || !root.IsDefined()) {
        return ConfigTree();
    }
    if (!root.IsMap()) {
        return make_error(ErrorCode::kParse,
                          fmt::format("{}: the configuration must be a YAML mapping", origin));
    }
    expand_environment(root);
    return ConfigTree(root);
}

base::Result<ConfigTree> ConfigTree::load_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return base::errno_error(fmt::format("cannot read configuration file {}", path), errno);
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return load_string(buffer.str(), path);
}

base::Status ConfigTree::apply_override(std::string_view assignment) {
    size_t eq = assignment.find('=');
    if (eq == std::string_view::npos || eq == 0) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("option '{}' is not of the form key=value", assignment));
    }
    std::string_view key = assignment.substr(0, eq);
    auto steps = parse_key_path(key);
    if (!steps.ok()) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("option key '{}': {}", key, steps.error().message));
    }
    // yaml-cpp nodes are handles: walking with reset() keeps a reference into the tree.
    YAML::Node node;
    node.reset(root_);
    for (const PathStep& step : *steps) {
        if (!step.is_index) {
            if (node.IsDefined() && !node.IsNull() && !node.IsMap()) {
                return make_error(ErrorCode::kInvalidArgument,
                                  fmt::format("option key '{}': '{}' is inside a value that is "
                                              "not a mapping",
                                              key, step.key));
            }
            node.reset(node[step.key]);
            continue;
        }
        if (node.IsDefined() && !node.IsNull() && !node.IsSequence()) {
            return make_error(
                ErrorCode::kInvalidArgument,
                fmt::format("option key '{}': indexing a value that is not a list", key));
        }
        long index = step.index;
        if (index < 0) {
            node.push_back(YAML::Node());
            index = static_cast<long>(node.size()) - 1;
        } else if (index > static_cast<long>(node.size())) {
            return make_error(ErrorCode::kInvalidArgument,
                              fmt::format("option key '{}': index {} is past the end of a list "
                                          "of {}",
                                          key, index, node.size()));
        } else if (index == static_cast<long>(node.size())) {
            node.push_back(YAML::Node());
        }
        node.reset(node[static_cast<size_t>(index)]);
    }
    node = parse_value(std::string(assignment.substr(eq + 1)));
    return base::Ok{};
}

YAML::Node ConfigTree::find(std::string_view dotted_key) const {
    YAML::Node node;
    node.reset(root_);
    size_t start = 0;
    while (start <= dotted_key.size()) {
        size_t dot = dotted_key.find('.', start);
        std::string part(dotted_key.substr(start, dot == std::string_view::npos ? dotted_key.npos
                                                                                : dot - start));
        if (!node.IsMap()) {
            return YAML::Node(YAML::NodeType::Undefined);
        }
        // Const access: yaml-cpp's non-const operator[] would insert the key.
        const YAML::Node& current = node;
        YAML::Node child = current[part];
        if (!child.IsDefined()) {
            return YAML::Node(YAML::NodeType::Undefined);
        }
        node.reset(child);
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    return node;
}

} // namespace kestrel::daemon
