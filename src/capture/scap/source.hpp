#pragma once
// Byte sources for ScapReader: a file streamed through zlib (gzip or raw: gzread passes raw files
// through) and bytes in memory (tests, fuzzing).

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "base/result.hpp"

namespace kestrel::capture::scap {

class ByteSource {
  public:
    virtual ~ByteSource() = default;
    // Reads up to n bytes; fewer only at the end of the data. 0 = end.
    virtual base::Result<size_t> read(uint8_t* dst, size_t n) = 0;
    [[nodiscard]] virtual bool gzip() const = 0;
};

base::Result<std::unique_ptr<ByteSource>> open_file_source(const std::string& path);
std::unique_ptr<ByteSource> memory_source(std::span<const uint8_t> bytes);

} // namespace kestrel::capture::scap
