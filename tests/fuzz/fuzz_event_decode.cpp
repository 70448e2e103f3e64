// libFuzzer target for the record decoder: arbitrary bytes as they could arrive from a ring
// buffer or a converted capture. decode() must reject anything malformed with a counted reason;
// whatever it accepts must be safe to read through every accessor and to render as JSON.

#include <cstddef>
#include <cstdint>
#include <span>

#include "event/json.hpp"
#include "event/view.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    kestrel::event::DecodeCounters counters;
    auto view = kestrel::event::decode(std::span<const uint8_t>(data, size), &counters);
    if (!view.ok()) {
        return 0;
    }
    for (size_t i = 0; i < view->param_count(); ++i) {
        (void)view->param(i);
        (void)view->param_string(i);
    }
    (void)kestrel::event::to_json_line(*view, 0);
    return 0;
}
