#include "rules/list_expansion.hpp"

#include <string_view>

namespace kestrel::rules {
namespace {

constexpr std::string_view kBlanks = " \t\n\r";
constexpr std::string_view kDelims = " \t\n\r(),=";

void quote_item(std::string& e) {
    if (e.find(' ') != std::string::npos && e[0] != '"' && e[0] != '\'') {
        e = '"' + e + '"';
    }
}

bool is_in(std::string_view set, char c) { return set.find(c) != std::string_view::npos; }

// Returns true if the list occurred in `cnd`. Position arithmetic follows Falco's so that
// corner cases (empty lists eating a comma, adjacent occurrences) come out the same.
bool resolve_list(std::string& cnd, const CompiledList& list) {
    bool used = false;
    size_t start = cnd.find(list.name);
    while (start != std::string::npos) {
        size_t end = start + list.name.size();
        if ((start == 0 || is_in(kDelims, cnd[start - 1])) &&
            (end >= cnd.size() || is_in(kDelims, cnd[end]))) {
            while (start > 0 && is_in(kBlanks, cnd[start - 1])) {
                start--;
            }
            while (end < cnd.size() && is_in(kBlanks, cnd[end])) {
                end++;
            }
            std::string sub;
            for (const auto& v : list.items) {
                if (!sub.empty()) {
                    sub += ", ";
                }
                std::string tmp = v;
                quote_item(tmp);
                sub += tmp;
            }
            if (sub.empty()) {
                if (start > 0 && cnd[start - 1] == ',') {
                    start--;
                } else if (end < cnd.size() && cnd[end] == ',') {
                    end++;
                }
            }
            std::string next;
            if (start > 0) {
                next += cnd.substr(0, start) + " ";
            }
            next += sub + " ";
            if (end <= cnd.size()) {
                next += cnd.substr(end);
            }
            cnd = std::move(next);
            start += sub.size() + 1;
            used = true;
        }
        start = cnd.find(list.name, start + 1);
    }
    return used;
}

} // namespace

NamedItems<CompiledList> compile_lists(const NamedItems<ListInfo>& lists) {
    NamedItems<CompiledList> out;
    std::vector<std::string> used;
    for (const auto& list : lists) {
        CompiledList c;
        c.name = list.name;
        for (const auto& item : list.items) {
            const ListInfo* ref = lists.find(item);
            // Only lists defined before this list's last (re)definition are references.
            if (ref && ref->index < list.visibility) {
                used.push_back(ref->name);
                c.lists.insert(ref->name);
                c.items.insert(c.items.end(), ref->items.begin(), ref->items.end());
            } else {
                c.items.push_back(item);
            }
        }
        out.insert(std::move(c), list.name);
    }
    for (const auto& name : used) {
        out.find(name)->used = true;
    }
    return out;
}

std::string expand_lists(std::string condition, NamedItems<CompiledList>& lists,
                         std::set<std::string>* found) {
    for (auto& l : lists) {
        if (resolve_list(condition, l)) {
            l.used = true;
            if (found != nullptr) {
                found->insert(l.name);
            }
        }
    }
    return condition;
}

} // namespace kestrel::rules
