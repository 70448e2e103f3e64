#include "eval/path.hpp"

namespace kestrel::eval::detail {

namespace {

void append_components(std::string_view path, std::string& out) {
    size_t pos = 0;
    while (pos <= path.size()) {
        size_t end = path.find('/', pos);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        std::string_view comp = path.substr(pos, end - pos);
        pos = end + 1;
        if (comp.empty() || comp == ".") {
            continue;
        }
        if (comp == "..") {
            size_t last = out.rfind('/');
            out.resize(last == 0 || last == std::string::npos ? 1 : last);
            continue;
        }
        if (out.size() > 1) {
            out.push_back('/');
        }
        out.append(comp);
    }
}

} // namespace

void join_path(std::string_view base, std::string_view rel, std::string& out) {
    out.assign("/");
    if (rel.empty() || rel[0] != '/') {
        append_components(base, out);
    }
    append_components(rel, out);
}

} // namespace kestrel::eval::detail
