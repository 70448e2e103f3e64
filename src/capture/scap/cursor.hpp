#pragma once
// Internal to the scap reader: a bounds-checked little-endian reader over one block body. Every
// read either succeeds or leaves the cursor failed with the name of the field that did not fit,
// so a parser can run a sequence of reads and check once.

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace kestrel::capture::scap::detail {

class Cursor {
  public:
    explicit Cursor(std::span<const uint8_t> bytes) : bytes_(bytes) {}

    [[nodiscard]] size_t pos() const { return pos_; }
    [[nodiscard]] size_t left() const { return bytes_.size() - pos_; }
    [[nodiscard]] bool failed() const { return failed_; }
    // The field that did not fit, and how many bytes it needed.
    [[nodiscard]] std::string_view failed_field() const { return field_; }
    [[nodiscard]] size_t failed_need() const { return need_; }
    [[nodiscard]] size_t failed_left() const { return failed_left_; }

    template <typename T> bool read(T* out, std::string_view field) {
        if (!take(sizeof(T), field)) {
            return false;
        }
        std::memcpy(out, bytes_.data() + pos_ - sizeof(T), sizeof(T));
        return true;
    }
    bool bytes(size_t n, std::span<const uint8_t>* out, std::string_view field) {
        if (!take(n, field)) {
            return false;
        }
        *out = bytes_.subspan(pos_ - n, n);
        return true;
    }
    // u16 length + bytes, no NUL on disk.
    bool str16(std::string* out, std::string_view field) {
        uint16_t len = 0;
        std::span<const uint8_t> b;
        if (!read(&len, field) || !bytes(len, &b, field)) {
            return false;
        }
        out->assign(reinterpret_cast<const char*>(b.data()), b.size());
        return true;
    }
    bool skip(size_t n, std::string_view field) { return take(n, field); }

  private:
    bool take(size_t n, std::string_view field) {
        if (failed_) {
            return false;
        }
        if (n > left()) {
            failed_ = true;
            field_ = field;
            need_ = n;
            failed_left_ = left();
            return false;
        }
        pos_ += n;
        return true;
    }

    std::span<const uint8_t> bytes_;
    size_t pos_ = 0;
    bool failed_ = false;
    std::string_view field_;
    size_t need_ = 0;
    size_t failed_left_ = 0;
};

} // namespace kestrel::capture::scap::detail
