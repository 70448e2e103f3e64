#pragma once

#include <string_view>

namespace kestrel::cli {

inline constexpr std::string_view kKestrelVersion = KESTREL_VERSION;
// The Falco release whose rules, configuration and outputs Kestrel matches.
inline constexpr std::string_view kFalcoCompatVersion = "0.44.1";

} // namespace kestrel::cli
