#pragma once
// Shared by the extractors of each field class (extract_evt.cpp, extract_proc.cpp,
// extract_fd.cpp): per-event-type parameter positions, socket tuple decoding, slot setters and
// the state lookups of the event's thread and fd. Internal to eval.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "eval/extractor.hpp"
#include "event/gen/events.hpp"
#include "state/tables.hpp"

namespace kestrel::eval::detail {

bool is_open_event(uint16_t type);

// Per event type, computed once: the return-value parameter, "fd", "flags", "mode", the path
// ("name"/"path"/"pathname"), "dirfd" and the socket tuple. Avoids a name lookup per event.
struct EventParams {
    int8_t ret = -1;
    int8_t fd = -1;
    int8_t flags = -1;
    int8_t mode = -1;
    int8_t path = -1;
    int8_t dirfd = -1;
    int8_t tuple = -1;
};
const std::array<EventParams, KES_EVT_MAX>& event_params();

struct Tuple {
    IpAddr client;
    IpAddr server;
    uint16_t cport = 0;
    uint16_t sport = 0;
    bool valid = false;
};
Tuple read_tuple(std::span<const uint8_t> p);

// accept-style events carry (peer, self): the local end is the server.
bool local_is_server(uint16_t type);

inline IpAddr to_ip(const state::IpAddr& a) {
    IpAddr r;
    r.family = a.family;
    r.bytes = a.bytes;
    return r;
}

void append_int(std::string& out, int64_t v);
void append_ip_port(std::string& out, const IpAddr& ip, uint16_t port);

inline void set_one(Slot& slot, const Value& v) {
    slot.values[0] = v;
    slot.count = 1;
}
inline void set_text(Slot& slot) { set_one(slot, Value::of_string(slot.text)); }
inline void set_string(Slot& slot, std::string_view s) { set_one(slot, Value::of_string(s)); }

// The event's thread; nullptr without state or when state does not know it.
const state::Thread* thread_of(const EvalContext& ctx);
// The fd the event refers to (its "fd" parameter, the returned fd for open-family and socket
// creating events: libsinsp's evt->get_fd_num()), in the event thread's fd table.
const state::Fd* fd_of(const EvalContext& ctx);
// The event's fd number as libsinsp reports it; false when the event has none.
bool event_fd_num(const event::View& evt, int64_t* out);

void extract_evt_field(const Extractor& ex, const EvalContext& ctx, Slot& slot);
void extract_proc_field(const Extractor& ex, const EvalContext& ctx, Slot& slot);
void extract_fd_field(const Extractor& ex, const EvalContext& ctx, Slot& slot);

// container.* and k8s.* (extract_container.cpp): read from the container table entry of the
// process's container.
bool is_container_kind(FieldKind kind);
void extract_container(const Extractor& ex, const state::Tables& tables, const state::Process& proc,
                       Slot& slot);

} // namespace kestrel::eval::detail
