#pragma once
// What `falco -V <files>` prints, given the per-file load results (falco
// app/actions/validate_rules_files.cpp): a text summary on stdout (errors in full, files with
// only warnings as "<file>: Ok, with warnings", the warnings themselves going to the log), or
// with json_output one JSON document {"falco_load_results":[...]}.

#include <map>
#include <string>
#include <vector>

#include "rules/diagnostics.hpp"

namespace kestrel::rules {

struct ValidationText {
    std::string summary;  // stdout
    std::string warnings; // logged at WARNING level (stderr)
};

ValidationText validation_text(const std::vector<LoadResult>& results,
                               const std::map<std::string, std::string>& contents);

std::string validation_json(const std::vector<LoadResult>& results,
                            const std::map<std::string, std::string>& contents);

} // namespace kestrel::rules
