#include "state/users.hpp"

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>

namespace kestrel::state {
namespace {

// Splits `line` on ':' into at most `n` fields; returns how many were found.
size_t split_fields(std::string_view line, std::string_view* fields, size_t n) {
    size_t count = 0;
    while (count < n) {
        size_t colon = line.find(':');
        fields[count++] = line.substr(0, colon);
        if (colon == std::string_view::npos) {
            break;
        }
        line.remove_prefix(colon + 1);
    }
    return count;
}

bool parse_id(std::string_view s, uint32_t* out) {
    if (s.empty()) {
        return false;
    }
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && ptr == s.data() + s.size();
}

template <typename Fn> void for_each_line(std::string_view text, Fn&& fn) {
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty() || line[0] == '#') {
            continue;
        }
        fn(line);
    }
}

base::Result<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return base::errno_error("open " + path, errno);
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

const User* UserTable::find_user(uint32_t uid) const {
    auto it = users_.find(uid);
    if (it == users_.end()) {
        ++misses_;
        return nullptr;
    }
    return &it->second;
}

const Group* UserTable::find_group(uint32_t gid) const {
    auto it = groups_.find(gid);
    if (it == groups_.end()) {
        ++misses_;
        return nullptr;
    }
    return &it->second;
}

void UserTable::add_user(User user) {
    uint32_t uid = user.uid;
    users_.insert_or_assign(uid, std::move(user));
}

void UserTable::add_group(Group group) {
    uint32_t gid = group.gid;
    groups_.insert_or_assign(gid, std::move(group));
}

void UserTable::load(std::span<const User> users, std::span<const Group> groups) {
    for (const User& u : users) {
        add_user(u);
    }
    for (const Group& g : groups) {
        add_group(g);
    }
}

void UserTable::clear() {
    users_.clear();
    groups_.clear();
}

void UserTable::load_passwd_text(std::string_view text, size_t* skipped) {
    for_each_line(text, [&](std::string_view line) {
        // name:password:uid:gid:gecos:home:shell
        std::string_view f[7];
        User u;
        if (split_fields(line, f, 7) != 7 || f[0].empty() || !parse_id(f[2], &u.uid) ||
            !parse_id(f[3], &u.gid)) {
            if (skipped != nullptr) {
                ++*skipped;
            }
            return;
        }
        // The first entry of a uid wins, as getpwuid() returns it.
        if (users_.contains(u.uid)) {
            return;
        }
        u.name = std::string(f[0]);
        u.home = std::string(f[5]);
        u.shell = std::string(f[6]);
        users_.emplace(u.uid, std::move(u));
    });
}

void UserTable::load_group_text(std::string_view text, size_t* skipped) {
    for_each_line(text, [&](std::string_view line) {
        // name:password:gid:members
        std::string_view f[4];
        Group g;
        size_t n = split_fields(line, f, 4);
        if (n < 3 || f[0].empty() || !parse_id(f[2], &g.gid)) {
            if (skipped != nullptr) {
                ++*skipped;
            }
            return;
        }
        if (groups_.contains(g.gid)) {
            return;
        }
        g.name = std::string(f[0]);
        groups_.emplace(g.gid, std::move(g));
    });
}

base::Status UserTable::load_files(const std::string& passwd_path, const std::string& group_path) {
    auto passwd = read_file(passwd_path);
    if (!passwd.ok()) {
        return passwd.error();
    }
    auto group = read_file(group_path);
    if (!group.ok()) {
        return group.error();
    }
    UserTable fresh;
    fresh.load_passwd_text(*passwd);
    fresh.load_group_text(*group);
    users_ = std::move(fresh.users_);
    groups_ = std::move(fresh.groups_);
    return base::Ok{};
}

} // namespace kestrel::state
