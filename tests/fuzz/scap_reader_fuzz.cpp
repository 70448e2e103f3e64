// libFuzzer target for the scap reader: any bytes, read as a raw (uncompressed) capture, give a
// clean end or an error, never a crash, a sanitizer report or an unbounded allocation. Every
// converted record must pass event::decode(): the reader only builds valid records.
//
//   build/fuzz/tests/fuzz/scap_reader_fuzz -max_total_time=60 -rss_limit_mb=1024 \
//       tests/fuzz/corpus/scap_reader
// Seeds: small raw captures cut from the corpus (a v1 one from cat_write.scap, a v2 one from
// sample.scap with PL_V9, FDL_V2, IL_V2, UL_V2). Whole decompressed captures make good extra
// seeds: zcat ../shared/corpus/scap/libs/test_ipv6_client.scap > <dir>/test_ipv6_client.scap

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "capture/scap/reader.hpp"
#include "event/view.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using kestrel::capture::scap::ScapReader;
    using kestrel::capture::scap::ScapRecord;
    auto reader = ScapReader::open_memory(std::span<const uint8_t>(data, size));
    if (!reader) {
        return 0;
    }
    ScapRecord rec;
    // Bounded: a record per event block at most, and blocks are at least 12 bytes.
    for (size_t i = 0; i <= size / 12 + 1; ++i) {
        auto more = (*reader)->next(&rec);
        if (!more || !*more) {
            break;
        }
        if (rec.kind == ScapRecord::Kind::kEvent) {
            if (!kestrel::event::decode(rec.record(), nullptr)) {
                std::abort(); // the reader built a record the decoder rejects: a bug
            }
        } else if (rec.kind == ScapRecord::Kind::kForeign) {
            size_t total = 0;
            for (const auto& p : rec.foreign.params) {
                for (uint8_t b : p.value) { // touch every byte: ASan checks the spans
                    total += b;
                }
            }
            (void)total;
        }
    }
    return 0;
}
