#include "schema.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <yaml-cpp/yaml.h>

namespace kestrel::eventgen {
namespace {

using K = GetterKind;

// Sizes and encodings from schema/README.md (the wire-format contract).
const std::vector<TypeDesc> kTypes = {
    {"errno", "ERRNO", "kErrno", 8, K::kSigned, "int64_t", "int64, negative = -errno"},
    {"fd", "FD", "kFd", 8, K::kSigned, "int64_t", "int64 file descriptor"},
    {"pid", "PID", "kPid", 8, K::kSigned, "int64_t", "int64 thread/process id"},
    {"int64", "INT64", "kInt64", 8, K::kSigned, "int64_t", "int64"},
    {"int32", "INT32", "kInt32", 4, K::kSigned, "int32_t", "int32"},
    {"uint8", "UINT8", "kUint8", 1, K::kUnsigned, "uint8_t", "uint8"},
    {"uint16", "UINT16", "kUint16", 2, K::kUnsigned, "uint16_t", "uint16"},
    {"uint32", "UINT32", "kUint32", 4, K::kUnsigned, "uint32_t", "uint32"},
    {"uint64", "UINT64", "kUint64", 8, K::kUnsigned, "uint64_t", "uint64"},
    {"uid", "UID", "kUid", 4, K::kUnsigned, "uint32_t", "uint32 user id"},
    {"gid", "GID", "kGid", 4, K::kUnsigned, "uint32_t", "uint32 group id"},
    {"flags8", "FLAGS8", "kFlags8", 1, K::kUnsigned, "uint8_t", "uint8 PPM flag bits"},
    {"flags16", "FLAGS16", "kFlags16", 2, K::kUnsigned, "uint16_t", "uint16 PPM flag bits"},
    {"flags32", "FLAGS32", "kFlags32", 4, K::kUnsigned, "uint32_t", "uint32 PPM flag bits"},
    {"enumflags8", "ENUMFLAGS8", "kEnumflags8", 1, K::kUnsigned, "uint8_t", "uint8 PPM enum"},
    {"enumflags16", "ENUMFLAGS16", "kEnumflags16", 2, K::kUnsigned, "uint16_t", "uint16 PPM enum"},
    {"enumflags32", "ENUMFLAGS32", "kEnumflags32", 4, K::kUnsigned, "uint32_t", "uint32 PPM enum"},
    {"mode", "MODE", "kMode", 4, K::kUnsigned, "uint32_t", "uint32 PPM mode bits"},
    {"abstime", "ABSTIME", "kAbstime", 8, K::kUnsigned, "uint64_t", "uint64 ns since epoch"},
    {"reltime", "RELTIME", "kReltime", 8, K::kUnsigned, "uint64_t", "uint64 ns"},
    {"charbuf", "CHARBUF", "kCharbuf", 0, K::kString, "std::string_view", "text + trailing NUL"},
    {"fspath", "FSPATH", "kFspath", 0, K::kString, "std::string_view", "path + trailing NUL"},
    {"fsrelpath", "FSRELPATH", "kFsrelpath", 0, K::kString, "std::string_view",
     "path relative to the dirfd + trailing NUL"},
    {"bytebuf", "BYTEBUF", "kBytebuf", 0, K::kBytes, "std::span<const uint8_t>", "raw bytes"},
    {"socktuple", "SOCKTUPLE", "kSocktuple", 0, K::kBytes, "std::span<const uint8_t>",
     "family + source and destination addresses"},
    {"sockaddr", "SOCKADDR", "kSockaddr", 0, K::kBytes, "std::span<const uint8_t>",
     "family + address"},
    {"sigtype", "SIGTYPE", "kSigtype", 1, K::kUnsigned, "uint8_t", "uint8 signal number"},
    {"syscallid", "SYSCALLID", "kSyscallid", 2, K::kUnsigned, "uint16_t", "uint16 syscall id"},
};

// A generous bound: Falco's PPM_MAX_EVENT_PARAMS is 32.
constexpr size_t kParamLimit = 64;

const std::set<std::string_view> kEventKeys = {
    "id", "name", "category", "kind", "syscalls", "tracepoint", "desc", "params", "drop_params"};
const std::set<std::string_view> kParamKeys = {"name", "type", "desc"};
const std::set<std::string_view> kKinds = {"syscall", "tracepoint", "meta"};

Location location_of(const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) {
        return {};
    }
    return {mark.line + 1, mark.column + 1};
}

bool is_identifier(std::string_view s) {
    if (s.empty() || !(std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_')) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) ||
               std::isdigit(static_cast<unsigned char>(c)) || c == '_';
    });
}

class Loader {
  public:
    explicit Loader(std::vector<Diagnostic>& diags) : diags_(diags) {}

    void error(const YAML::Node& at, const std::string& message) {
        diags_.push_back({location_of(at), message});
    }

    // The string value of `map[key]`; reports a missing or non-scalar value.
    std::optional<std::string> required_string(const YAML::Node& map, const std::string& key,
                                               const std::string& what) {
        const YAML::Node value = map[key];
        if (!value.IsDefined() || value.IsNull()) {
            error(map, what + ": missing key '" + key + "'");
            return std::nullopt;
        }
        if (!value.IsScalar()) {
            error(value, what + ": key '" + key + "' must be a string");
            return std::nullopt;
        }
        return value.Scalar();
    }

    std::optional<std::vector<std::string>>
    string_list(const YAML::Node& value, const std::string& key, const std::string& what) {
        if (!value.IsSequence()) {
            error(value, what + ": key '" + key + "' must be a list of strings");
            return std::nullopt;
        }
        std::vector<std::string> out;
        for (const auto& item : value) {
            if (!item.IsScalar()) {
                error(item, what + ": key '" + key + "' must be a list of strings");
                return std::nullopt;
            }
            out.push_back(item.Scalar());
        }
        return out;
    }

    std::optional<Param> load_param(const YAML::Node& node, const std::string& what) {
        if (!node.IsMap()) {
            error(node, what + ": key 'params': each parameter must be a map {name, type}");
            return std::nullopt;
        }
        for (const auto& kv : node) {
            if (!kParamKeys.contains(kv.first.Scalar())) {
                error(kv.first, what + ": parameter: unknown key '" + kv.first.Scalar() +
                                    "' (expected name, type, desc)");
            }
        }
        auto name = required_string(node, "name", what + ": parameter");
        if (!name) {
            return std::nullopt;
        }
        const std::string pwhat = what + ": parameter '" + *name + "'";
        if (!is_identifier(*name)) {
            error(node["name"], pwhat + ": key 'name' must be a lower-case identifier");
        }
        auto type = required_string(node, "type", pwhat);
        if (!type) {
            return std::nullopt;
        }
        Param param;
        param.name = *name;
        param.where = location_of(node);
        param.type = find_type(*type);
        if (param.type == nullptr) {
            std::string known;
            for (const auto& t : kTypes) {
                known += (known.empty() ? "" : ", ") + std::string(t.yaml);
            }
            error(node["type"], pwhat + ": key 'type': unknown parameter type '" + *type +
                                    "' (known: " + known + ")");
            return std::nullopt;
        }
        if (node["desc"].IsDefined()) {
            if (!node["desc"].IsScalar()) {
                error(node["desc"], pwhat + ": key 'desc' must be a string");
            } else {
                param.desc = node["desc"].Scalar();
            }
        }
        return param;
    }

    std::optional<Event> load_event(const YAML::Node& node, size_t index) {
        std::string what = "event #" + std::to_string(index + 1);
        if (!node.IsMap()) {
            error(node, what + ": must be a map");
            return std::nullopt;
        }
        const size_t errors_before = diags_.size();
        for (const auto& kv : node) {
            if (!kEventKeys.contains(kv.first.Scalar())) {
                error(kv.first, what + ": unknown key '" + kv.first.Scalar() + "'");
            }
        }
        Event ev;
        ev.where = location_of(node);
        if (auto name = required_string(node, "name", what)) {
            ev.name = *name;
            what = "event '" + ev.name + "'";
            if (!is_identifier(ev.name)) {
                error(node["name"], what + ": key 'name' must be a lower-case identifier");
            }
        }
        if (const YAML::Node id = node["id"]; !id.IsDefined() || id.IsNull()) {
            error(node, what + ": missing key 'id'");
        } else {
            long long value = 0;
            if (!id.IsScalar() || !YAML::convert<long long>::decode(id, value) || value < 1 ||
                value > 65535) {
                error(id, what + ": key 'id' must be an integer in 1..65535");
            } else {
                ev.id = static_cast<uint16_t>(value);
            }
        }
        if (auto v = required_string(node, "category", what)) {
            ev.category = *v;
        }
        if (auto v = required_string(node, "kind", what)) {
            ev.kind = *v;
            if (!kKinds.contains(ev.kind)) {
                error(node["kind"], what +
                                        ": key 'kind' must be syscall, tracepoint or meta, not '" +
                                        ev.kind + "'");
            }
        }
        if (auto v = required_string(node, "desc", what)) {
            ev.desc = *v;
        }
        if (ev.kind == "syscall") {
            const YAML::Node sys = node["syscalls"];
            if (!sys.IsDefined()) {
                error(node, what + ": missing key 'syscalls' (required for kind: syscall)");
            } else if (auto list = string_list(sys, "syscalls", what)) {
                if (list->empty()) {
                    error(sys, what + ": key 'syscalls' must not be empty");
                }
                for (const auto& s : *list) {
                    if (!is_identifier(s)) {
                        error(sys, what + ": key 'syscalls': '" + s + "' is not a syscall name");
                    }
                }
                ev.syscalls = *list;
            }
        } else if (node["syscalls"].IsDefined()) {
            error(node["syscalls"], what + ": key 'syscalls' is only for kind: syscall");
        }
        if (ev.kind == "tracepoint") {
            if (auto v = required_string(node, "tracepoint", what)) {
                ev.tracepoint = *v;
            }
        }

        const YAML::Node params = node["params"];
        if (!params.IsDefined()) {
            error(node, what + ": missing key 'params' (use [] for none)");
        } else if (!params.IsSequence()) {
            error(params, what + ": key 'params' must be a list");
        } else {
            std::map<std::string, Location> seen;
            for (const auto& p : params) {
                auto param = load_param(p, what);
                if (!param) {
                    continue;
                }
                if (auto [it, inserted] = seen.emplace(param->name, param->where); !inserted) {
                    error(p, what + ": key 'params': duplicate parameter '" + param->name + "'");
                    continue;
                }
                ev.params.push_back(std::move(*param));
            }
        }
        if (const YAML::Node drop = node["drop_params"]; drop.IsDefined()) {
            if (auto list = string_list(drop, "drop_params", what)) {
                for (const auto& name : *list) {
                    auto it = std::find_if(ev.params.begin(), ev.params.end(),
                                           [&](const Param& p) { return p.name == name; });
                    if (it == ev.params.end()) {
                        error(drop,
                              what + ": key 'drop_params': no parameter named '" + name + "'");
                    } else {
                        ev.params.erase(it);
                    }
                }
            }
        }
        if (ev.params.size() > kParamLimit) {
            error(params, what + ": key 'params': " + std::to_string(ev.params.size()) +
                              " parameters, more than the limit of " + std::to_string(kParamLimit));
        }
        if (diags_.size() != errors_before) {
            return std::nullopt;
        }
        return ev;
    }

    std::optional<Schema> load(const YAML::Node& root) {
        if (!root.IsMap() || !root["events"].IsDefined()) {
            error(root, "missing top-level key 'events'");
            return std::nullopt;
        }
        for (const auto& kv : root) {
            if (kv.first.Scalar() != "events") {
                error(kv.first, "unknown top-level key '" + kv.first.Scalar() + "'");
            }
        }
        const YAML::Node events = root["events"];
        if (!events.IsSequence()) {
            error(events, "key 'events' must be a list");
            return std::nullopt;
        }
        Schema schema;
        std::map<uint16_t, std::pair<std::string, YAML::Node>> ids;
        std::map<std::string, YAML::Node> names;
        size_t index = 0;
        for (const auto& node : events) {
            auto ev = load_event(node, index++);
            if (!ev) {
                continue;
            }
            if (auto it = ids.find(ev->id); it != ids.end()) {
                const Location first = location_of(it->second.second);
                error(node["id"], "event '" + ev->name + "': key 'id': duplicate id " +
                                      std::to_string(ev->id) + " (already used by '" +
                                      it->second.first + "' at line " + std::to_string(first.line) +
                                      ")");
                continue;
            }
            if (auto it = names.find(ev->name); it != names.end()) {
                error(node["name"], "event '" + ev->name +
                                        "': key 'name': duplicate name (first at line " +
                                        std::to_string(location_of(it->second).line) + ")");
                continue;
            }
            ids.emplace(ev->id, std::make_pair(ev->name, node));
            names.emplace(ev->name, node);
            schema.events.push_back(std::move(*ev));
        }
        if (!diags_.empty()) {
            return std::nullopt;
        }
        if (schema.events.empty()) {
            error(events, "key 'events' is empty");
            return std::nullopt;
        }
        std::sort(schema.events.begin(), schema.events.end(),
                  [](const Event& a, const Event& b) { return a.id < b.id; });
        for (const auto& ev : schema.events) {
            schema.max_params = std::max(schema.max_params, ev.params.size());
            schema.max_id = std::max(schema.max_id, ev.id);
        }
        return schema;
    }

  private:
    std::vector<Diagnostic>& diags_;
};

} // namespace

const std::vector<TypeDesc>& param_types() { return kTypes; }

const TypeDesc* find_type(std::string_view yaml_name) {
    for (const auto& t : kTypes) {
        if (t.yaml == yaml_name) {
            return &t;
        }
    }
    return nullptr;
}

std::optional<Schema> load_schema(const std::string& path, std::vector<Diagnostic>& diags) {
    // yaml-cpp reports syntax errors and I/O failures by throwing: this is the adapter that
    // turns them into diagnostics.
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        diags.push_back({{}, "cannot open file"});
        return std::nullopt;
    } catch (const YAML::ParserException& e) {
        diags.push_back({{e.mark.line + 1, e.mark.column + 1}, "yaml syntax error: " + e.msg});
        return std::nullopt;
    } catch (const YAML::Exception& e) {
        diags.push_back({{}, std::string("yaml error: ") + e.what()});
        return std::nullopt;
    }
    try {
        Loader loader(diags);
        return loader.load(root);
    } catch (const YAML::Exception& e) {
        // Not expected (the loader checks node kinds first), but a generator must not crash.
        diags.push_back(
            {{e.mark.line + 1, e.mark.column + 1}, std::string("yaml error: ") + e.msg});
        return std::nullopt;
    }
}

} // namespace kestrel::eventgen
