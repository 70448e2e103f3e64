#include "base/log.hpp"

#include <atomic>
#include <cstdio>
#include <ctime>

#include "base/time.hpp"

namespace kestrel::base {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};

std::string_view level_tag(LogLevel level) {
    switch (level) {
    case LogLevel::kDebug:
        return "debug";
    case LogLevel::kInfo:
        return "info";
    case LogLevel::kWarning:
        return "warning";
    case LogLevel::kError:
        return "error";
    case LogLevel::kFatal:
        return "fatal";
    }
    return "?";
}

} // namespace

void set_log_level(LogLevel level) { g_level.store(level, std::memory_order_relaxed); }
LogLevel log_level() { return g_level.load(std::memory_order_relaxed); }

bool parse_log_level(std::string_view name, LogLevel* out) {
    // Falco's syslog-style names, mapped onto our five levels.
    struct Entry {
        std::string_view name;
        LogLevel level;
    };
    static constexpr Entry kNames[] = {
        {"emergency", LogLevel::kFatal}, {"alert", LogLevel::kFatal},
        {"critical", LogLevel::kError},  {"error", LogLevel::kError},
        {"warning", LogLevel::kWarning}, {"notice", LogLevel::kInfo},
        {"info", LogLevel::kInfo},       {"debug", LogLevel::kDebug},
    };
    for (const auto& entry : kNames) {
        if (entry.name == name) {
            *out = entry.level;
            return true;
        }
    }
    return false;
}

void log_line(LogLevel level, std::string_view message) {
    std::string stamp = format_wall_time_iso(wall_clock_ns());
    std::fprintf(stderr, "%s kestrel %.*s: %.*s\n", stamp.c_str(),
                 static_cast<int>(level_tag(level).size()), level_tag(level).data(),
                 static_cast<int>(message.size()), message.data());
}

} // namespace kestrel::base
