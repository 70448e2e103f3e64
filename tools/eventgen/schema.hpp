#pragma once
// The in-memory model of schema/events.yaml, and its loader. The loader is the only place that
// touches yaml-cpp, so yaml-cpp's exceptions stop here: every problem becomes a diagnostic with
// file:line:column, and the caller decides whether to go on.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kestrel::eventgen {

// What the generator knows about each parameter type of schema/README.md.
enum class GetterKind { kSigned, kUnsigned, kString, kBytes };

struct TypeDesc {
    std::string_view yaml;     // "errno"
    std::string_view upper;    // "ERRNO": KES_PT_ERRNO
    std::string_view cpp_enum; // "kErrno": ParamType::kErrno
    int size;                  // fixed size in bytes, 0 = variable length
    GetterKind getter;
    std::string_view cpp_type; // return type of the typed getter
    std::string_view doc;      // encoding, for docs/events.md
};

// All the types, in the order of their numeric value (KES_PT_* and ParamType).
const std::vector<TypeDesc>& param_types();
const TypeDesc* find_type(std::string_view yaml_name);

struct Location {
    int line = 0; // 1-based; 0 = unknown
    int column = 0;
};

struct Param {
    std::string name;
    const TypeDesc* type = nullptr;
    std::string desc;
    Location where;
};

struct Event {
    uint16_t id = 0;
    std::string name;
    std::string category;
    std::string kind; // syscall | tracepoint | meta
    std::vector<std::string> syscalls;
    std::string tracepoint;
    std::string desc;
    std::vector<Param> params;
    Location where;
};

struct Schema {
    std::vector<Event> events; // sorted by id
    size_t max_params = 0;
    uint16_t max_id = 0;
};

struct Diagnostic {
    Location where;
    std::string message;
};

// Loads and validates `path`. On failure returns nullopt and fills `diags`
// (all problems found, not only the first).
std::optional<Schema> load_schema(const std::string& path, std::vector<Diagnostic>& diags);

} // namespace kestrel::eventgen
