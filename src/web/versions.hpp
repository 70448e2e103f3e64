#pragma once
// The /versions document: Falco's keys (falco `versions_info::as_json`), Kestrel's values.

#include <string>

namespace kestrel::web {

// The Falco release whose rules, configuration, outputs and metrics Kestrel matches.
inline constexpr const char* kFalcoCompatVersion = "0.44.1";

// JSON object with falco_version, libs_version, plugin_api_version, driver_api_version,
// driver_schema_version, default_driver_version, engine_version, engine_version_semver, plus
// kestrel_version. See README.md for what each value means for Kestrel.
std::string versions_json();

} // namespace kestrel::web
