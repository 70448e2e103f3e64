#pragma once
// Users and groups: uid -> name/home/shell, gid -> name. Filled from a source (live: the host's
// /etc/passwd and /etc/group, read at start and again on demand; replay: the capture's user and
// group lists), never from the hot path. Per-container passwd files (libsinsp reads
// /proc/PID/root/etc/passwd) are not read yet: container users resolve against the host's.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.hpp"
#include "state/types.hpp"

namespace kestrel::state {

class UserTable {
  public:
    [[nodiscard]] const User* find_user(uint32_t uid) const;
    [[nodiscard]] const Group* find_group(uint32_t gid) const;

    // Adds or replaces entries (a capture's lists, tests).
    void add_user(User user);
    void add_group(Group group);
    void load(std::span<const User> users, std::span<const Group> groups);
    void clear();

    // Parses passwd(5) / group(5) text; malformed lines are skipped and counted in *skipped.
    void load_passwd_text(std::string_view text, size_t* skipped = nullptr);
    void load_group_text(std::string_view text, size_t* skipped = nullptr);
    // Replaces the table with the content of the two files. Keeps the old table on error.
    base::Status load_files(const std::string& passwd_path = "/etc/passwd",
                            const std::string& group_path = "/etc/group");

    [[nodiscard]] size_t user_count() const { return users_.size(); }
    [[nodiscard]] size_t group_count() const { return groups_.size(); }

    // Lookups of ids with no entry; a caller (the daemon's control thread) may load_files() again
    // when this grows, rate-limited: the hot path never reads files.
    [[nodiscard]] uint64_t misses() const { return misses_; }

  private:
    std::unordered_map<uint32_t, User> users_;
    std::unordered_map<uint32_t, Group> groups_;
    mutable uint64_t misses_ = 0;
};

} // namespace kestrel::state
