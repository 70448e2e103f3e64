#include "capture/scap/source.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "base/unique_fd.hpp"

namespace kestrel::capture::scap {
namespace {

// gzFile owner. zlib keeps its own bounded buffers (its default 8 KiB input, 16 KiB output
// window), so a multi-GB capture never sits in memory.
class GzFileSource final : public ByteSource {
  public:
    GzFileSource(gzFile file, bool gzip) : file_(file), gzip_(gzip) {}
    ~GzFileSource() override { gzclose(file_); }
    GzFileSource(const GzFileSource&) = delete;
    GzFileSource& operator=(const GzFileSource&) = delete;

    base::Result<size_t> read(uint8_t* dst, size_t n) override {
        size_t total = 0;
        while (total < n) {
            const auto want = static_cast<unsigned>(std::min<size_t>(n - total, INT_MAX / 2));
            const int got = gzread(file_, dst + total, want);
            if (got < 0) {
                int zerr = 0;
                const char* msg = gzerror(file_, &zerr);
                return base::make_error(base::ErrorCode::kIo,
                                        std::string("zlib: ") + (msg != nullptr ? msg : "error"));
            }
            if (got == 0) {
                // A gzip stream cut short reads as end of data with a Z_BUF_ERROR status: the
                // caller reports it as truncation at the exact offset, which says more.
                break;
            }
            total += static_cast<size_t>(got);
        }
        return total;
    }
    [[nodiscard]] bool gzip() const override { return gzip_; }

  private:
    gzFile file_;
    bool gzip_;
};

class MemorySource final : public ByteSource {
  public:
    explicit MemorySource(std::span<const uint8_t> bytes) : bytes_(bytes) {}
    base::Result<size_t> read(uint8_t* dst, size_t n) override {
        const size_t take = std::min(n, bytes_.size() - pos_);
        if (take != 0) {
            std::memcpy(dst, bytes_.data() + pos_, take);
        }
        pos_ += take;
        return take;
    }
    [[nodiscard]] bool gzip() const override { return false; }

  private:
    std::span<const uint8_t> bytes_;
    size_t pos_ = 0;
};

} // namespace

base::Result<std::unique_ptr<ByteSource>> open_file_source(const std::string& path) {
    base::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
        return base::errno_error("open " + path, errno);
    }
    uint8_t magic[2] = {0, 0};
    const ssize_t n = ::pread(fd.get(), magic, sizeof(magic), 0);
    if (n < 0) {
        return base::errno_error("read " + path, errno);
    }
    const bool gzip = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    gzFile file = gzdopen(fd.get(), "rb");
    if (file == nullptr) {
        return base::make_error(base::ErrorCode::kIo, "zlib: cannot open " + path);
    }
    (void)fd.release(); // gzclose closes it now
    return std::unique_ptr<ByteSource>(std::make_unique<GzFileSource>(file, gzip));
}

std::unique_ptr<ByteSource> memory_source(std::span<const uint8_t> bytes) {
    return std::make_unique<MemorySource>(bytes);
}

} // namespace kestrel::capture::scap
