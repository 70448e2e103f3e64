#include "rules/yaml_guard.hpp"

#include <algorithm>
#include <optional>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

namespace kestrel::rules {
namespace {

// Watches the root node of each document; throws when an empty root repeats at the same mark.
class StuckDocumentDetector : public YAML::EventHandler {
  public:
    void OnDocumentStart(const YAML::Mark&) override { depth_ = 0; }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
        if (depth_ != 0) {
            return;
        }
        if (last_empty_root_ && same(*last_empty_root_, mark)) {
            throw YAML::ParserException(mark, "unexpected token: no YAML node can start here");
        }
        last_empty_root_ = mark;
    }
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { other_node(); }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {
        other_node();
    }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        open();
    }
    void OnSequenceEnd() override { depth_--; }
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        open();
    }
    void OnMapEnd() override { depth_--; }

  private:
    static bool same(const YAML::Mark& a, const YAML::Mark& b) {
        return a.pos == b.pos && a.line == b.line && a.column == b.column;
    }
    void other_node() {
        if (depth_ == 0) {
            last_empty_root_.reset();
        }
    }
    void open() {
        other_node();
        depth_++;
    }

    int depth_ = 0;
    std::optional<YAML::Mark> last_empty_root_;
};

} // namespace

std::vector<YAML::Node> load_all_documents(const std::string& content) {
    std::istringstream in(content);
    YAML::Parser parser(in);
    StuckDocumentDetector detector;
    while (parser.HandleNextDocument(detector)) {
    }
    return YAML::LoadAll(content);
}

bool find_nul(const std::string& s, size_t* line, size_t* column) {
    size_t at = s.find('\0');
    if (at == std::string::npos) {
        return false;
    }
    size_t line_start = s.rfind('\n', at);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    *line = static_cast<size_t>(
        std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    *column = at - line_start;
    return true;
}

} // namespace kestrel::rules
