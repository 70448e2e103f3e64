#include "rules/yaml_guard.hpp"

#include <algorithm>

#include <string_view>

namespace kestrel::rules {
namespace {

class HangingCommaScanner {
  public:
    explicit HangingCommaScanner(const std::string& s) : s_(s) {}

    // The 0-based line of the offending comma, or npos.
    size_t find() {
        for (i_ = 0; i_ < s_.size(); i_++, col_++) {
            if (step()) {
                return line_;
            }
        }
        return std::string::npos;
    }

  private:
    static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\0'; }

    // Returns true on a hanging comma.
    bool step() {
        const char c = s_[i_];
        const char prev = i_ > 0 ? s_[i_ - 1] : '\n';
        if (c == '\n') {
            line_++;
            col_ = static_cast<size_t>(-1);
            comment_ = false;
            at_line_start_ = true;
            if (check_after_close_) {
                // A closed root scalar/collection not followed by ':' on its line is the node.
                check_after_close_ = false;
                root_is_flow_ = true;
            }
            return false;
        }
        if (comment_) {
            return false;
        }
        if (quote_ != 0) {
            if (quote_ == '"' && c == '\\') {
                i_++;
                col_++;
            } else if (c == quote_) {
                quote_ = 0;
                close_root_candidate();
            }
            return false;
        }
        // yaml-cpp skips NUL bytes like blanks.
        if (is_blank(c)) {
            return false;
        }
        if (check_after_close_) {
            check_after_close_ = false;
            root_is_flow_ = c != ':'; // `"key": value` is a block mapping
        }
        if (at_line_start_ && flow_depth_ == 0 && c != '#') {
            at_line_start_ = false;
            if (line_start(c)) {
                return true;
            }
            if (at_line_start_ || comment_) {
                return false; // a document marker or a directive was consumed
            }
        }
        at_line_start_ = false;
        if (c == ',' && flow_depth_ == 0 && root_is_flow_) {
            return true;
        }
        const bool token_start = prev == '\n' || is_blank(prev) || prev == '[' || prev == '{' ||
                                 prev == ',' || prev == ':' || prev == '-';
        if ((c == '"' || c == '\'') && token_start) {
            quote_ = c;
            root_candidate_ = root_candidate_ || i_ == root_candidate_pos_;
        } else if (c == '#' && (prev == '\n' || is_blank(prev))) {
            comment_ = true;
        } else if ((c == '[' || c == '{') && (token_start || flow_depth_ > 0)) {
            root_candidate_ = root_candidate_ || (i_ == root_candidate_pos_ && flow_depth_ == 0);
            flow_depth_++;
        } else if ((c == ']' || c == '}') && flow_depth_ > 0) {
            if (--flow_depth_ == 0) {
                close_root_candidate();
            }
        }
        return false;
    }

    void close_root_candidate() {
        if (root_candidate_ && flow_depth_ == 0) {
            root_candidate_ = false;
            check_after_close_ = true;
        }
    }

    // The first token of a line at flow level 0. Returns true on a hanging comma.
    bool line_start(char c) {
        const std::string_view rest = std::string_view(s_).substr(i_, 4);
        const std::string_view marker = rest.substr(0, 3);
        if (col_ == 0 && (marker == "---" || marker == "...") &&
            (rest.size() == 3 || rest[3] == ' ' || rest[3] == '\t' || rest[3] == '\r' ||
             rest[3] == '\n')) {
            // A new document; its first token may follow on this line.
            doc_has_token_ = false;
            root_is_flow_ = false;
            at_line_start_ = true;
            i_ += 2;
            col_ += 2;
            return false;
        }
        if (col_ == 0 && c == '%') {
            // yaml-cpp reads a directive anywhere at column 0; a new document follows.
            doc_has_token_ = false;
            root_is_flow_ = false;
            comment_ = true;
            return false;
        }
        if (doc_has_token_ && col_ > root_col_) {
            return false; // inside the root block collection
        }
        // A root node starts here; tags and anchors may come before its content.
        root_is_flow_ = false;
        size_t j = i_;
        while (j < s_.size() && (s_[j] == '!' || s_[j] == '&')) {
            while (j < s_.size() && !is_blank(s_[j]) && s_[j] != '\n' && s_[j] != ',') {
                j++;
            }
            while (j < s_.size() && is_blank(s_[j])) {
                j++;
            }
        }
        if (j < s_.size() && s_[j] == ',') {
            return true;
        }
        if (j == s_.size() || s_[j] == '\n' || s_[j] == '#') {
            doc_has_token_ = false; // only properties here: the content comes on a later line
            return false;
        }
        if (!doc_has_token_) {
            doc_has_token_ = true;
            root_col_ = col_;
        }
        root_candidate_pos_ = j;
        return false;
    }

    const std::string& s_;
    size_t i_ = 0;
    size_t line_ = 0;
    size_t col_ = 0;
    int flow_depth_ = 0;
    char quote_ = 0;
    bool comment_ = false;
    bool at_line_start_ = true;
    bool doc_has_token_ = false;
    size_t root_col_ = 0;
    size_t root_candidate_pos_ = std::string::npos;
    bool root_candidate_ = false;    // inside a root quoted scalar / flow collection
    bool check_after_close_ = false; // it just closed: ':' next makes it a mapping key
    bool root_is_flow_ = false;      // the root node is a quoted scalar / flow collection
};

} // namespace

size_t find_hanging_comma(const std::string& s) { return HangingCommaScanner(s).find(); }

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
