#pragma once
// `kestrel -V file...`: Falco's rules validation. Files are loaded cumulatively in order (a later
// file sees the earlier files' items), each gets its own result; text or JSON as json_output.

#include <string>
#include <vector>

namespace kestrel::daemon {

// Prints the results (stdout; warnings of the text form go to the log) and returns Falco's exit
// code: 1 when any file failed to load, 0 otherwise (warnings do not fail).
int validate_rules_files(const std::vector<std::string>& files, bool json_output);

} // namespace kestrel::daemon
