#pragma once
// Internal to the scap reader: the PPME table as written (one line per code), parsed once by
// ppme_table.cpp into PpmEventInfo entries.

#include <cstdint>
#include <span>
#include <string_view>

namespace kestrel::capture::scap::detail {

struct PpmSpec {
    std::string_view name;
    uint32_t flags;
    // "param:type param:type ..." with the type names of ppm_type_name(); empty = no parameters.
    std::string_view params;
};

// Exactly kPpmEventCount entries, indexed by PPME code.
std::span<const PpmSpec> ppm_specs();

} // namespace kestrel::capture::scap::detail
