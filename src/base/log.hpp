#pragma once
// Minimal leveled logging to stderr. Never called per event on the hot path.

#include <fmt/format.h>

#include <string_view>

namespace kestrel::base {

enum class LogLevel { kDebug = 0, kInfo, kWarning, kError, kFatal };

void set_log_level(LogLevel level);
LogLevel log_level();
// Parses Falco's level names (emergency...debug); unknown names give nullopt-like false.
bool parse_log_level(std::string_view name, LogLevel* out);
void log_line(LogLevel level, std::string_view message);

template <typename... Args>
void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
    if (level < log_level()) {
        return;
    }
    log_line(level, fmt::format(format, std::forward<Args>(args)...));
}

#define KES_LOG_DEBUG(...) ::kestrel::base::log(::kestrel::base::LogLevel::kDebug, __VA_ARGS__)
#define KES_LOG_INFO(...) ::kestrel::base::log(::kestrel::base::LogLevel::kInfo, __VA_ARGS__)
#define KES_LOG_WARN(...) ::kestrel::base::log(::kestrel::base::LogLevel::kWarning, __VA_ARGS__)
#define KES_LOG_ERROR(...) ::kestrel::base::log(::kestrel::base::LogLevel::kError, __VA_ARGS__)

} // namespace kestrel::base
