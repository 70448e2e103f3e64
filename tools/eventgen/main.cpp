// kestrel-eventgen: schema/events.yaml -> the generated files (see schema/README.md).
//
//   kestrel-eventgen --schema <events.yaml> --out <root> [--check <source-root>]
//
// Writes <root>/bpf/gen/kestrel_events.h, <root>/src/event/gen/events.{hpp,cpp} and
// <root>/docs/events.md (a file is rewritten only when its content changes, so builds that
// depend on it are not redone for nothing). With --check, then compares each file with the copy
// under <source-root> and exits 1 if any differs: that is the `schema.generated_files_up_to_date`
// test.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "emit.hpp"
#include "schema.hpp"

namespace fs = std::filesystem;
using namespace kestrel::eventgen;

namespace {

struct Output {
    const char* relpath;
    std::string (*emit)(const Schema&);
};

const Output kOutputs[] = {
    {"bpf/gen/kestrel_events.h", emit_c_header},
    {"src/event/gen/events.hpp", emit_cpp_header},
    {"src/event/gen/events.cpp", emit_cpp_source},
    {"docs/events.md", emit_docs},
};

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool write_if_changed(const fs::path& path, const std::string& content) {
    if (auto old = read_file(path); old && *old == content) {
        return true;
    }
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out.flush()) {
            std::fprintf(stderr, "kestrel-eventgen: cannot write %s\n", tmp.c_str());
            return false;
        }
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        std::fprintf(stderr, "kestrel-eventgen: cannot write %s: %s\n", path.c_str(),
                     ec.message().c_str());
        return false;
    }
    return true;
}

// 1-based number of the first line where a and b differ.
size_t first_diff_line(const std::string& a, const std::string& b) {
    size_t line = 1;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        if (a[i] != b[i]) {
            return line;
        }
        if (a[i] == '\n') {
            ++line;
        }
    }
    return line;
}

int usage() {
    std::fprintf(stderr,
                 "usage: kestrel-eventgen --schema <events.yaml> --out <root> [--check <root>]\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    std::string schema_path;
    std::string out_root;
    std::string check_root;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) {
            return usage();
        }
        if (arg == "--schema") {
            schema_path = argv[++i];
        } else if (arg == "--out") {
            out_root = argv[++i];
        } else if (arg == "--check") {
            check_root = argv[++i];
        } else {
            return usage();
        }
    }
    if (schema_path.empty() || out_root.empty()) {
        return usage();
    }

    std::vector<Diagnostic> diags;
    auto schema = load_schema(schema_path, diags);
    if (!schema) {
        for (const auto& d : diags) {
            if (d.where.line > 0) {
                std::fprintf(stderr, "%s:%d:%d: error: %s\n", schema_path.c_str(), d.where.line,
                             d.where.column, d.message.c_str());
            } else {
                std::fprintf(stderr, "%s: error: %s\n", schema_path.c_str(), d.message.c_str());
            }
        }
        std::fprintf(stderr, "kestrel-eventgen: %zu error(s), nothing written\n", diags.size());
        return 1;
    }

    bool ok = true;
    int stale = 0;
    for (const auto& output : kOutputs) {
        const std::string content = output.emit(*schema);
        const fs::path generated = fs::path(out_root) / output.relpath;
        ok = write_if_changed(generated, content) && ok;
        if (check_root.empty()) {
            continue;
        }
        const fs::path committed = fs::path(check_root) / output.relpath;
        auto old = read_file(committed);
        if (!old) {
            std::fprintf(stderr, "error: %s is missing\n", committed.c_str());
            ++stale;
        } else if (*old != content) {
            std::fprintf(stderr,
                         "error: %s differs from what schema/events.yaml generates (first "
                         "difference at line %zu)\n  see: diff -u %s %s\n",
                         committed.c_str(), first_diff_line(*old, content), committed.c_str(),
                         generated.c_str());
            ++stale;
        }
    }
    if (stale > 0) {
        std::fprintf(stderr,
                     "%d generated file(s) out of date: run `cmake --build <build-dir> --target "
                     "regenerate-events` and commit the result with events.yaml\n",
                     stale);
        return 1;
    }
    return ok ? 0 : 1;
}
