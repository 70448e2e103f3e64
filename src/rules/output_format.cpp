#include "rules/output_format.hpp"

#include <cctype>

#include "rules/condition_parser.hpp"
#include "rules/field_registry.hpp"

namespace kestrel::rules {
namespace {

bool is_field_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

bool known_output_field(const std::string& ref) {
    const FieldInfo* f = find_field(ref);
    return f != nullptr && f->provider != "legacy";
}

// The length of a transformer call starting at `at` ("tolower(proc.name)"), or 0.
size_t transformer_token(const std::string& s, size_t at) {
    size_t open = s.find('(', at);
    if (open == std::string::npos) {
        return 0;
    }
    ast::Transformer t{};
    if (!ast::parse_transformer_name(std::string_view(s).substr(at, open - at), &t)) {
        return 0;
    }
    int depth = 0;
    for (size_t i = open; i < s.size(); i++) {
        if (s[i] == '(') {
            depth++;
        } else if (s[i] == ')' && --depth == 0) {
            size_t end = i + 1;
            if (end < s.size() && s[end] == '[') {
                size_t close = s.find(']', end);
                if (close != std::string::npos) {
                    end = close + 1;
                }
            }
            auto r = parse_condition(s.substr(at, end - at) + " exists");
            return r.ok() ? end - at : 0;
        }
    }
    return 0;
}

} // namespace

std::optional<OutputFormatIssue> check_output_format(const std::string& format,
                                                     OutputFormatInfo* info) {
    size_t i = 0;
    while (i < format.size()) {
        if (format[i] != '%') {
            i++;
            continue;
        }
        const size_t token_start = i + 1;
        size_t j = token_start;
        while (j < format.size() && std::isdigit(static_cast<unsigned char>(format[j]))) {
            j++;
        }
        auto invalid = [&]() {
            return OutputFormatIssue{"invalid formatting token " + format.substr(token_start)};
        };
        if (size_t n = transformer_token(format, j)) {
            if (info != nullptr) {
                info->fields.push_back(format.substr(j, n));
            }
            i = j + n;
            continue;
        }
        size_t end = j;
        while (end < format.size() && is_field_char(format[end])) {
            end++;
        }
        std::string name = format.substr(j, end - j);
        std::string ref = name;
        if (end < format.size() && format[end] == '[') {
            size_t close = format.find(']', end);
            if (close != std::string::npos) {
                ref = format.substr(j, close + 1 - j);
            }
        }
        // Longest known prefix: "%proc.name." ends a sentence, the dot is text.
        while (!ref.empty() && !known_output_field(ref)) {
            if (ref.back() == ']') {
                ref = name;
                continue;
            }
            auto dot = ref.rfind('.');
            if (dot == std::string::npos) {
                ref.clear();
                break;
            }
            ref.resize(dot);
            name = ref;
        }
        if (ref.empty()) {
            return invalid();
        }
        if (info != nullptr) {
            info->fields.push_back(ref);
        }
        i = j + ref.size();
    }
    return std::nullopt;
}

} // namespace kestrel::rules
