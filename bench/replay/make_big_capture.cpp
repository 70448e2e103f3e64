// Builds a large capture for the replay benchmark from a small one: the section header and the
// metadata blocks (machine, interfaces, users, processes, fds) once, then the event blocks
// `copies` times in a row, each copy's timestamps shifted past the previous copy's last event so
// that the file stays in time order. The same threads do the same things again in every copy,
// which is what a busy host looks like to the state and the rules. Written uncompressed.
//
// usage: make_big_capture IN.scap OUT.scap COPIES

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// Event block types (EV / EVF, v1 and v2, large variants, old aliases): reference/scap-format.md.
bool is_event_block(uint32_t type) {
    switch (type) {
    case 0x204:
    case 0x208:
    case 0x216:
    case 0x217:
    case 0x221:
    case 0x222:
    case 0x8010ABCD:
        return true;
    default:
        return false;
    }
}

uint32_t load_u32(const std::vector<uint8_t>& b, size_t off) {
    uint32_t v = 0;
    std::memcpy(&v, b.data() + off, sizeof(v));
    return v;
}

bool read_all(const char* path, std::vector<uint8_t>* out) {
    gzFile f = gzopen(path, "rb"); // gzip or raw alike
    if (f == nullptr) {
        return false;
    }
    uint8_t chunk[1 << 16];
    int n = 0;
    while ((n = gzread(f, chunk, sizeof(chunk))) > 0) {
        out->insert(out->end(), chunk, chunk + n);
    }
    gzclose(f);
    return n == 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4 || std::atoi(argv[3]) <= 0) {
        std::fprintf(stderr, "usage: %s IN.scap OUT.scap COPIES\n", argv[0]);
        return 2;
    }
    std::vector<uint8_t> in;
    if (!read_all(argv[1], &in)) {
        std::fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    std::vector<uint8_t> meta;
    struct Span {
        size_t off;
        size_t len;
    };
    std::vector<Span> events;
    uint64_t first_ts = UINT64_MAX;
    uint64_t last_ts = 0;
    // Event block body: u16 cpuid, [u32 flags for EVF], then the event header whose first field
    // is the u64 timestamp.
    auto ts_offset = [](uint32_t type) -> size_t {
        return 8 + 2 + ((type == 0x208 || type == 0x217 || type == 0x222) ? 4 : 0);
    };
    for (size_t off = 0; off + 8 <= in.size();) {
        uint32_t type = load_u32(in, off);
        uint32_t len = load_u32(in, off + 4);
        if (len < 12 || off + len > in.size()) {
            std::fprintf(stderr, "%s: bad block at byte %zu\n", argv[1], off);
            return 1;
        }
        if (is_event_block(type)) {
            uint64_t ts = 0;
            std::memcpy(&ts, in.data() + off + ts_offset(type), sizeof(ts));
            first_ts = std::min(first_ts, ts);
            last_ts = std::max(last_ts, ts);
            events.push_back({off, len});
        } else {
            meta.insert(meta.end(), in.begin() + off, in.begin() + off + len);
        }
        off += len;
    }
    if (events.empty()) {
        std::fprintf(stderr, "%s: no event blocks\n", argv[1]);
        return 1;
    }

    std::FILE* out = std::fopen(argv[2], "wb");
    if (out == nullptr) {
        std::perror(argv[2]);
        return 1;
    }
    std::fwrite(meta.data(), 1, meta.size(), out);
    const int copies = std::atoi(argv[3]);
    const uint64_t shift = last_ts - first_ts + 1000;
    std::vector<uint8_t> block;
    for (int k = 0; k < copies; ++k) {
        for (const Span& e : events) {
            block.assign(in.begin() + e.off, in.begin() + e.off + e.len);
            size_t at = ts_offset(load_u32(block, 0));
            uint64_t ts = 0;
            std::memcpy(&ts, block.data() + at, sizeof(ts));
            ts += shift * static_cast<uint64_t>(k);
            std::memcpy(block.data() + at, &ts, sizeof(ts));
            std::fwrite(block.data(), 1, block.size(), out);
        }
    }
    if (std::fclose(out) != 0) {
        std::perror(argv[2]);
        return 1;
    }
    std::printf("%s: %zu event blocks x %d copies = %zu events\n", argv[2], events.size(), copies,
                events.size() * static_cast<size_t>(copies));
    return 0;
}
