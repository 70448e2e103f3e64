#include "web/versions.hpp"

#include <nlohmann/json.hpp>

#include "rules/items.hpp"

namespace kestrel::web {

std::string versions_json() {
    nlohmann::json doc;
    // Tools (falcoctl, dashboards) key on Falco's version and engine version to decide which
    // rules artifacts fit: Kestrel answers with the Falco release and rule engine it matches.
    doc["falco_version"] = kFalcoCompatVersion;
    doc["engine_version"] = std::to_string(rules::kEngineVersion.minor); // Falco: minor only
    doc["engine_version_semver"] = rules::kEngineVersion.to_string();
    // Kestrel's own capture library and probe replace falcosecurity/libs and its drivers; they
    // ship inside the kestrel binary, so their versions are Kestrel's.
    doc["libs_version"] = KESTREL_VERSION;
    doc["driver_api_version"] = KESTREL_VERSION;
    doc["driver_schema_version"] = KESTREL_VERSION;
    doc["default_driver_version"] = KESTREL_VERSION;
    // Kestrel loads no plugins (container.* fields are native), so there is no plugin API and,
    // as in Falco with no plugin loaded, no plugin_versions object.
    doc["plugin_api_version"] = "";
    doc["kestrel_version"] = KESTREL_VERSION;
    return doc.dump();
}

} // namespace kestrel::web
