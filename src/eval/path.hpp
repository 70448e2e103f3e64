#pragma once
// Path joining for the fields libsinsp resolves against a directory (a relative open path
// against the cwd or dirfd: fd.name of a failed open, evt.arg.name). Writes into a caller's
// buffer so the hot path does not allocate once the buffer has grown.

#include <string>
#include <string_view>

namespace kestrel::eval::detail {

// out = normalize(base + "/" + rel): "." and empty components dropped, ".." removes the
// previous component (never above "/"), as libsinsp's concatenate_paths does. `rel` absolute:
// base is ignored.
void join_path(std::string_view base, std::string_view rel, std::string& out);

} // namespace kestrel::eval::detail
