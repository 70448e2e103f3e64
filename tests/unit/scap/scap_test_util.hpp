#pragma once
// Helpers shared by the scap reader tests: corpus paths, whole-file decompression (tests only:
// the reader itself streams), and a drain loop that counts what a reader delivers.

#include <zlib.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "capture/scap/reader.hpp"

namespace kestrel::capture::scap::testing {

inline std::string corpus(const std::string& name) {
    return std::string(KESTREL_SHARED_DIR) + "/corpus/scap/" + name;
}

// The decompressed bytes of a capture (gzip or raw), read through zlib.
inline std::vector<uint8_t> load_raw(const std::string& path) {
    std::vector<uint8_t> out;
    gzFile f = gzopen(path.c_str(), "rb");
    if (f == nullptr) {
        return out;
    }
    uint8_t buf[65536];
    int n = 0;
    while ((n = gzread(f, buf, sizeof(buf))) > 0) {
        out.insert(out.end(), buf, buf + n);
    }
    gzclose(f);
    return out;
}

struct DrainResult {
    bool ok = true;
    std::string error;
    uint64_t records = 0;
    uint64_t foreign = 0;
    uint64_t metadata = 0;
    uint64_t decode_failures = 0;
    std::string first_decode_error;
    std::map<std::string, uint64_t> by_name; // Kestrel and foreign names
};

DrainResult drain(ScapReader& reader);

} // namespace kestrel::capture::scap::testing
