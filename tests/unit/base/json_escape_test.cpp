#include "base/json_escape.hpp"

#include <string>

#include <gtest/gtest.h>

namespace kestrel::base {
namespace {

constexpr std::string_view kFffd = "\xEF\xBF\xBD";

std::string esc(std::string_view s, InvalidUtf8 invalid = InvalidUtf8::kRaw) {
    std::string out = "<";
    append_json_escaped(out, s, invalid);
    return out;
}

std::string fffd(int n) {
    std::string out = "<";
    for (int i = 0; i < n; ++i) {
        out += kFffd;
    }
    return out;
}

TEST(JsonEscape, PlainTextIsCopiedAndAppended) {
    EXPECT_EQ(esc(""), "<");
    EXPECT_EQ(esc("plain text"), "<plain text");
    // nlohmann escapes neither `/` nor DEL.
    EXPECT_EQ(esc("/etc/shadow\x7f"), "</etc/shadow\x7f");
}

TEST(JsonEscape, QuotesAndBackslash) {
    EXPECT_EQ(esc(R"(a"b\c)"), R"(<a\"b\\c)");
    EXPECT_EQ(esc(R"("\)"), R"(<\"\\)");
}

TEST(JsonEscape, ControlCharacters) {
    EXPECT_EQ(esc("\b\f\n\r\t"), R"(<\b\f\n\r\t)");
    EXPECT_EQ(esc(std::string_view("\x00\x01\x1f", 3)), R"(<\u0000\u0001\u001f)");
    EXPECT_EQ(esc("a\x0b"
                  "b\x1b[0m"),
              R"(<a\u000bb\u001b[0m)");
}

TEST(JsonEscape, WellFormedUtf8IsKept) {
    EXPECT_EQ(esc("h\xC3\xA9"), "<h\xC3\xA9");                               // é
    EXPECT_EQ(esc("\xE2\x82\xAC"), "<\xE2\x82\xAC");                         // €
    EXPECT_EQ(esc("\xF0\x9F\x98\x80!"), "<\xF0\x9F\x98\x80!");               // 😀
    EXPECT_EQ(esc("\xED\x9F\xBF\xEE\x80\x80"), "<\xED\x9F\xBF\xEE\x80\x80"); // U+D7FF U+E000
    EXPECT_EQ(esc("\xF4\x8F\xBF\xBF"), "<\xF4\x8F\xBF\xBF");                 // U+10FFFF
}

// nlohmann::json::dump(..., error_handler_t::replace): one U+FFFD per maximal invalid subpart;
// the byte that broke a sequence is read again.
TEST(JsonEscape, InvalidUtf8IsReplacedAsNlohmannDoes) {
    EXPECT_EQ(esc("\xFF"), fffd(1));
    EXPECT_EQ(esc("\x80\xBF"), fffd(2));                // continuation bytes alone
    EXPECT_EQ(esc("\xC0\xAF"), fffd(2));                // overlong, invalid lead
    EXPECT_EQ(esc("\xE0\x80\x80"), fffd(3));            // overlong 3-byte form
    EXPECT_EQ(esc("\xED\xA0\x80"), fffd(3));            // surrogate
    EXPECT_EQ(esc("\xF4\x90\x80\x80"), fffd(4));        // above U+10FFFF
    EXPECT_EQ(esc("\xE2\x82"), fffd(1));                // truncated at the end
    EXPECT_EQ(esc("\xE2\x82x"), fffd(1) + "x");         // broken: x is read again
    EXPECT_EQ(esc("\xF0\x9F\x98\""), fffd(1) + "\\\""); // broken by a quote, which is escaped
    EXPECT_EQ(esc("a\xFF"
                  "b\n"),
              "<a" + std::string(kFffd) + "b\\n");
}

TEST(JsonEscape, InvalidUtf8CanBeWrittenAsAnEscape) {
    EXPECT_EQ(esc("/tmp/\xFF\xC3\xA9", InvalidUtf8::kEscaped), "</tmp/\\ufffd\xC3\xA9");
    EXPECT_EQ(esc("\xE2\x82x\x01", InvalidUtf8::kEscaped), "<\\ufffdx\\u0001");
}

TEST(JsonEscape, StringAddsQuotes) {
    std::string out = "x:";
    append_json_string(out, "a\"b");
    EXPECT_EQ(out, R"(x:"a\"b")");
    append_json_string(out, "\xFF", InvalidUtf8::kEscaped);
    EXPECT_EQ(out, R"(x:"a\"b""\ufffd")");
}

} // namespace
} // namespace kestrel::base
