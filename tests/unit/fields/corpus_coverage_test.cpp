// Every field the corpus rules files reference (conditions, %field in outputs, exception
// fields) must resolve in the registry, so those files type-check as they do in Falco.

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "rules/field_registry.hpp"

namespace kestrel::rules {
namespace {

namespace fs = std::filesystem;

// Prefixes of every field class: a dotted word starting with one of these is taken as a field.
const std::set<std::string> kClassPrefixes = {
    "evt",   "syscall",   "proc", "thread",  "fd",     "fdlist", "fs",    "user",
    "group", "container", "k8s",  "k8smeta", "syslog", "span",   "evtin", "util"};

// Dotted words that look like fields but are not, each with its reason.
const std::set<std::string> kNotFields = {
    // %container.info is a placeholder the rules loader removes (Falco replaced it with container
    // details, then deprecated it); it never reaches field resolution.
    "container.info",
    // A log file name inside a list of file names.
    "user.log",
};

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// The text with YAML comment lines removed (comments mention field globs like `fs.path.*`).
std::string without_comment_lines(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    std::string out;
    while (std::getline(in, line)) {
        const auto first = line.find_first_not_of(" \t");
        if (first != std::string::npos && line[first] == '#') {
            continue;
        }
        out += line;
        out += '\n';
    }
    return out;
}

// Field references in `text`: `[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)+` optionally followed by a
// `[...]` argument, not glued to a preceding word, dot, dash or slash (paths, image names), and
// not followed by '/' or '-' (k8s.gcr.io/..., file names).
std::vector<std::string> field_references(const std::string& text) {
    std::vector<std::string> refs;
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        const char prev = i > 0 ? text[i - 1] : ' ';
        if (!std::islower(static_cast<unsigned char>(text[i])) || is_word_char(prev) ||
            prev == '.' || prev == '-' || prev == '/') {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < n && is_word_char(text[j])) {
            ++j;
        }
        const std::string first(text, i, j - i);
        int segments = 1;
        while (j + 1 < n && text[j] == '.' && is_word_char(text[j + 1])) {
            ++j;
            while (j < n && is_word_char(text[j])) {
                ++j;
            }
            ++segments;
        }
        size_t end = j;
        if (end < n && text[end] == '[') {
            const auto close = text.find(']', end);
            if (close != std::string::npos && text.find('\n', end) > close) {
                end = close + 1;
            }
        }
        const bool glued = end < n && (text[end] == '/' || text[end] == '-');
        if (segments >= 2 && !glued && kClassPrefixes.count(first) != 0) {
            refs.emplace_back(text, i, end - i);
        }
        i = end;
    }
    return refs;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(fields_corpus, ExtractorFindsFieldForms) {
    const auto refs = field_references(
        "condition: evt.type=open and proc.aname[2]=sh and fd.name startswith /etc/x.y\n"
        "output: %container.mount.dest[/var/run/docker.sock] k8s.gcr.io/pause user.log,\n");
    const std::vector<std::string> expected = {"evt.type", "proc.aname[2]", "fd.name",
                                               "container.mount.dest[/var/run/docker.sock]",
                                               "user.log"};
    EXPECT_EQ(refs, expected);
}

TEST(fields_corpus, EveryReferencedFieldResolves) {
    const fs::path dir = fs::path(KESTREL_SHARED_DIR) / "corpus" / "rules";
    ASSERT_TRUE(fs::is_directory(dir)) << dir;
    std::map<std::string, std::set<std::string>> unresolved; // name -> files
    std::set<std::string> seen;
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".yaml") {
            continue;
        }
        ++files;
        const std::string text = without_comment_lines(read_file(entry.path()));
        for (const std::string& ref : field_references(text)) {
            if (kNotFields.count(ref) != 0) {
                continue;
            }
            seen.insert(ref);
            if (find_field(ref) == nullptr) {
                unresolved[ref].insert(entry.path().filename().string());
            }
        }
    }
    EXPECT_GT(files, 0);
    RecordProperty("files", files);
    RecordProperty("distinct_references", static_cast<int>(seen.size()));
    // falco-compat.md 4.2 counts 90 distinct fields in the current upstream files alone; the
    // corpus also holds older revisions, and arguments count as distinct references here.
    EXPECT_GE(seen.size(), 90u);
    for (const auto& [name, in_files] : unresolved) {
        std::string where;
        for (const auto& f : in_files) {
            where += " " + f;
        }
        ADD_FAILURE() << "unresolved field '" << name << "' in" << where;
    }
}

} // namespace
} // namespace kestrel::rules
