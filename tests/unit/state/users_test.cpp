#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "state/users.hpp"

namespace kestrel::state {
namespace {

TEST(state_users, ParsesPasswdAndGroup) {
    UserTable u;
    size_t skipped = 0;
    u.load_passwd_text("# comment\n"
                       "root:x:0:0:root:/root:/bin/bash\n"
                       "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                       "broken line\n"
                       "toor:x:0:0::/root:/bin/sh\n"
                       "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\r\n",
                       &skipped);
    EXPECT_EQ(skipped, 1u);
    ASSERT_NE(u.find_user(0), nullptr);
    EXPECT_EQ(u.find_user(0)->name, "root"); // first entry of a uid wins
    EXPECT_EQ(u.find_user(0)->home, "/root");
    EXPECT_EQ(u.find_user(65534)->shell, "/usr/sbin/nologin");
    EXPECT_EQ(u.find_user(4242), nullptr);
    EXPECT_EQ(u.misses(), 1u);

    u.load_group_text("root:x:0:\nadm:x:4:syslog,alice\nbad\n");
    EXPECT_EQ(u.find_group(4)->name, "adm");
    EXPECT_EQ(u.group_count(), 2u);
}

TEST(state_users, LoadFilesAndStructs) {
    UserTable u;
    EXPECT_FALSE(u.load_files("/nonexistent/passwd", "/nonexistent/group").ok());
    char passwd[] = "/tmp/kes_state_passwdXXXXXX";
    char group[] = "/tmp/kes_state_groupXXXXXX";
    int pfd = mkstemp(passwd);
    int gfd = mkstemp(group);
    ASSERT_GE(pfd, 0);
    ASSERT_GE(gfd, 0);
    close(pfd);
    close(gfd);
    std::ofstream(passwd) << "alice:x:1000:1000::/home/alice:/bin/zsh\n";
    std::ofstream(group) << "alice:x:1000:\n";
    ASSERT_TRUE(u.load_files(passwd, group).ok());
    EXPECT_EQ(u.find_user(1000)->name, "alice");
    EXPECT_EQ(u.find_group(1000)->name, "alice");
    std::remove(passwd);
    std::remove(group);

    // Replay: the capture's lists.
    User bob{.uid = 1001, .gid = 1001, .name = "bob", .home = "/home/bob", .shell = "/bin/sh"};
    Group staff{.gid = 50, .name = "staff"};
    u.load(std::span<const User>(&bob, 1), std::span<const Group>(&staff, 1));
    EXPECT_EQ(u.find_user(1001)->name, "bob");
    EXPECT_EQ(u.find_group(50)->name, "staff");
}

TEST(state_users, HostFilesLoad) {
    UserTable u;
    ASSERT_TRUE(u.load_files().ok());
    ASSERT_NE(u.find_user(0), nullptr);
    EXPECT_EQ(u.find_user(0)->name, "root");
}

} // namespace
} // namespace kestrel::state
