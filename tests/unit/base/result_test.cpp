#include "base/result.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <memory>
#include <string>

namespace kestrel::base {
namespace {

Result<int> parse_positive(int value) {
    if (value <= 0) {
        return make_error(ErrorCode::kInvalidArgument, "must be positive");
    }
    return value;
}

Status chain(int value) {
    KES_TRY(parse_positive(value));
    return Ok{};
}

TEST(Result, CarriesValue) {
    auto result = parse_positive(3);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(*result, 3);
}

TEST(Result, CarriesErrorWithCode) {
    auto result = parse_positive(-1);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(result.error().to_string(), "must be positive");
}

TEST(Result, ContextIsPrependedOutermostFirst) {
    auto result = parse_positive(0).with_context("key 'x'").with_context("falco.yaml:3");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().to_string(), "falco.yaml:3: key 'x': must be positive");
}

TEST(Result, TryPropagatesError) {
    EXPECT_TRUE(chain(1).ok());
    Status failed = chain(-5);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().message, "must be positive");
}

TEST(Result, HoldsMoveOnlyValues) {
    Result<std::unique_ptr<std::string>> result = std::make_unique<std::string>("x");
    ASSERT_TRUE(result.ok());
    std::unique_ptr<std::string> owned = std::move(result).value();
    EXPECT_EQ(*owned, "x");
}

TEST(Error, ErrnoMapsToCodes) {
    EXPECT_EQ(errno_error("open", ENOENT).code, ErrorCode::kNotFound);
    EXPECT_EQ(errno_error("bpf", EPERM).code, ErrorCode::kPermission);
    EXPECT_EQ(errno_error("read", EIO).code, ErrorCode::kIo);
    EXPECT_NE(errno_error("open", ENOENT).message.find("open: "), std::string::npos);
}

} // namespace
} // namespace kestrel::base
