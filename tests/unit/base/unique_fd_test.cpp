#include "base/unique_fd.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>

namespace kestrel::base {
namespace {

bool is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

TEST(UniqueFd, ClosesOnDestruction) {
    int raw = -1;
    {
        UniqueFd fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
        raw = fd.get();
        ASSERT_TRUE(fd.valid());
        EXPECT_TRUE(is_open(raw));
    }
    EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, MoveTransfersOwnership) {
    UniqueFd first(open("/dev/null", O_RDONLY | O_CLOEXEC));
    int raw = first.get();
    UniqueFd second = std::move(first);
    EXPECT_FALSE(first.valid()); // NOLINT(bugprone-use-after-move): checking the moved-from state
    EXPECT_EQ(second.get(), raw);
    second.reset();
    EXPECT_FALSE(is_open(raw));
}

} // namespace
} // namespace kestrel::base
