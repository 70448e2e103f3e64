#include "rules/items.hpp"

#include <array>
#include <cctype>

#include <fmt/format.h>

namespace kestrel::rules {
namespace {

constexpr std::array<std::string_view, 8> kPriorityNames = {
    "Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); i++) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

bool parse_component(std::string_view s, uint32_t* out) {
    if (s.empty() || s.size() > 9) {
        return false;
    }
    uint32_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10 + static_cast<uint32_t>(c - '0');
    }
    *out = v;
    return true;
}

} // namespace

bool parse_priority(std::string_view text, Priority* out) {
    for (size_t i = 0; i < kPriorityNames.size(); i++) {
        if (iequals(text, kPriorityNames[i])) {
            *out = static_cast<Priority>(i);
            return true;
        }
    }
    if (iequals(text, "info")) {
        *out = Priority::kInformational;
        return true;
    }
    return false;
}

std::string_view priority_name(Priority p) { return kPriorityNames[static_cast<size_t>(p)]; }

std::string Version::to_string() const { return fmt::format("{}.{}.{}", major, minor, patch); }

bool parse_version(std::string_view text, Version* out) {
    // Pre-release and build suffixes do not take part in compatibility checks.
    size_t end = text.find_first_of("-+");
    std::string_view core = text.substr(0, end);
    size_t d1 = core.find('.');
    if (d1 == std::string_view::npos) {
        return false;
    }
    size_t d2 = core.find('.', d1 + 1);
    if (d2 == std::string_view::npos) {
        return false;
    }
    Version v;
    if (!parse_component(core.substr(0, d1), &v.major) ||
        !parse_component(core.substr(d1 + 1, d2 - d1 - 1), &v.minor) ||
        !parse_component(core.substr(d2 + 1), &v.patch)) {
        return false;
    }
    *out = v;
    return true;
}

} // namespace kestrel::rules
