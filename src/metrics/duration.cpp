#include "metrics/duration.hpp"

#include <array>
#include <string>

namespace kestrel::metrics {

uint64_t parse_prometheus_duration_ms(std::string_view text) {
    std::string s;
    for (char c : text) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') {
            s += c;
        }
    }
    struct UnitMs {
        std::string_view unit;
        uint64_t ms;
    };
    constexpr std::array<UnitMs, 7> kUnits = {{{"y", 365ULL * 24 * 3600 * 1000},
                                               {"w", 7ULL * 24 * 3600 * 1000},
                                               {"d", 24ULL * 3600 * 1000},
                                               {"h", 3600ULL * 1000},
                                               {"m", 60ULL * 1000},
                                               {"s", 1000},
                                               {"ms", 1}}};
    uint64_t total = 0;
    size_t next_unit = 0; // units must appear in this order, each at most once
    size_t pos = 0;
    while (pos < s.size()) {
        size_t digits = pos;
        uint64_t number = 0;
        while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') {
            number = number * 10 + static_cast<uint64_t>(s[digits] - '0');
            ++digits;
        }
        if (digits == pos) {
            return 0;
        }
        // "ms" before "m": the longer unit when both fit.
        std::string_view rest = std::string_view(s).substr(digits);
        size_t matched = kUnits.size();
        if (rest.starts_with("ms")) {
            matched = 6;
        } else {
            for (size_t u = 0; u < 6; ++u) {
                if (rest.starts_with(kUnits[u].unit)) {
                    matched = u;
                    break;
                }
            }
        }
        if (matched == kUnits.size() || matched < next_unit) {
            return 0;
        }
        total += number * kUnits[matched].ms;
        next_unit = matched + 1;
        pos = digits + kUnits[matched].unit.size();
    }
    return total;
}

} // namespace kestrel::metrics
