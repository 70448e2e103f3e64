// ScapReader: the event layer. An event block is parsed into params_ (name, type, bytes per
// parameter, names from the PPME table), enter events are kept per thread and merged into their
// exit event, and the result becomes a Kestrel record (when Kestrel's schema has an event of that
// name) or a ForeignEvent. README.md states the rules.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "capture/scap/cursor.hpp"
#include "capture/scap/reader.hpp"
#include "event/builder.hpp"
#include "event/gen/events.hpp"

namespace kestrel::capture::scap {
namespace {

using detail::Cursor;

constexpr size_t kHeaderV1 = 22; // ts, tid, len, type: no nparams
constexpr size_t kHeaderV2 = 26;
constexpr size_t kMaxEnters = 1U << 20;
constexpr size_t kMaxThreads = 1U << 20;
// Old writers stored NOTIFICATION_E and INFRASTRUCTURE_EVENT_E lengths 3 bytes too large.
constexpr uint16_t kPpmeNotificationE = 280;
constexpr uint16_t kPpmeInfrastructureE = 286;
constexpr uint16_t kPpmeGenericE = 0;
constexpr uint16_t kPpmeGenericX = 1;

uint64_t read_uint(std::span<const uint8_t> v, bool sign) {
    switch (v.size()) {
    case 1: {
        uint8_t x = v[0];
        return sign ? static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(x))) : x;
    }
    case 2: {
        uint16_t x = 0;
        std::memcpy(&x, v.data(), 2);
        return sign ? static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(x))) : x;
    }
    case 4: {
        uint32_t x = 0;
        std::memcpy(&x, v.data(), 4);
        return sign ? static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(x))) : x;
    }
    case 8: {
        uint64_t x = 0;
        std::memcpy(&x, v.data(), 8);
        return x;
    }
    default:
        return 0;
    }
}

bool int_width(size_t n) { return n == 1 || n == 2 || n == 4 || n == 8; }

// The layout rules event::decode() applies to socket parameters (schema/README.md).
bool socket_layout_ok(bool tuple, std::span<const uint8_t> v) {
    switch (v[0]) {
    case KES_AF_INET:
        return v.size() == (tuple ? 1U + 4 + 2 + 4 + 2 : 1U + 4 + 2);
    case KES_AF_INET6:
        return v.size() == (tuple ? 1U + 16 + 2 + 16 + 2 : 1U + 16 + 2);
    case KES_AF_UNIX:
        return v.size() >= (tuple ? 1U + 8 + 8 + 1 : 1U + 1) && v.back() == 0;
    default:
        return true;
    }
}

bool is_text(event::ParamType t) {
    return t == event::ParamType::kCharbuf || t == event::ParamType::kFspath ||
           t == event::ParamType::kFsrelpath;
}

// Appends one scap parameter in the Kestrel encoding of `kt`; false when it cannot be (the slot
// is then left absent and counted).
bool add_converted(event::RecordBuilder& b, event::ParamType kt, const ForeignParam& p) {
    std::span<const uint8_t> v = p.value;
    PpmType st = p.type;
    if (st == PpmType::kDyn && v.size() >= 2) {
        // A tagged union: one byte of variant index, then the value.
        v = v.subspan(1);
        st = PpmType::kUint64;
    }
    if (const size_t fixed = event::param_type_size(kt); fixed != 0) {
        if (v.size() == fixed) {
            b.add_bytes(v);
            return true;
        }
        if (!int_width(v.size())) {
            return false;
        }
        const uint64_t x = read_uint(v, ppm_type_signed(st));
        switch (fixed) {
        case 1:
            b.add_uint8(static_cast<uint8_t>(x));
            return true;
        case 2:
            b.add_uint16(static_cast<uint16_t>(x));
            return true;
        case 4:
            b.add_uint32(static_cast<uint32_t>(x));
            return true;
        default:
            b.add_uint64(x);
            return true;
        }
    }
    if (is_text(kt)) {
        if (v.back() == 0) {
            b.add_bytes(v);
        } else {
            b.add_string({reinterpret_cast<const char*>(v.data()), v.size()});
        }
        return true;
    }
    if (kt == event::ParamType::kSocktuple || kt == event::ParamType::kSockaddr) {
        if (!socket_layout_ok(kt == event::ParamType::kSocktuple, v)) {
            return false;
        }
    }
    b.add_bytes(v);
    return true;
}

bool is_clone(uint16_t id) {
    return id == KES_EVT_CLONE || id == KES_EVT_CLONE3 || id == KES_EVT_FORK || id == KES_EVT_VFORK;
}

// The enter events that current Falco still hands to its rules when it replays a capture. libs'
// savefile converter (userspace/libscap/engine/savefile/converter/table.cpp) stores most enter
// events for their exit and drops them (C_ACTION_STORE), but lets these through: open, creat,
// openat (current layout, PPME 306), openat2 and execveat are C_ACTION_PASS; connect and execve
// (every old layout is first converted to the current one) are C_ACTION_STORE_AND_PASS. The old
// openat enter (PPME 102, EF_OLD_VERSION) is only stored.
bool falco_delivers_enter(uint16_t code) {
    const PpmEventInfo* info = ppm_event(code);
    if (info == nullptr) {
        return false;
    }
    const std::string_view n = info->name;
    if (n == "openat") {
        return (info->flags & kEfOldVersion) == 0;
    }
    return n == "open" || n == "creat" || n == "openat2" || n == "execveat" || n == "execve" ||
           n == "connect";
}

} // namespace

const ForeignParam* ScapReader::find_param(std::string_view name) const {
    for (const auto& p : params_) {
        if (p.name == name) {
            return &p;
        }
    }
    return nullptr;
}

base::Result<bool> ScapReader::handle_event(ScapRecord* out) {
    ++stats_.event_blocks;
    ParsedEvent ev;
    const bool v1 = type_ == kBlockEvent || type_ == kBlockEventOld || type_ == kBlockEventFlags;
    const bool with_flags = type_ == kBlockEventFlags || type_ == kBlockEventFlagsV2 ||
                            type_ == kBlockEventFlagsV2Large;
    const size_t header_len = v1 ? kHeaderV1 : kHeaderV2;

    Cursor c(body_);
    uint32_t block_flags = 0;
    c.read(&ev.cpu, "cpuid");
    if (with_flags) {
        c.read(&block_flags, "flags");
    }
    const size_t event_pos = c.pos();
    const uint64_t event_offset = block_offset_ + 8 + event_pos;
    uint32_t len = 0;
    uint32_t nparams = 0;
    c.read(&ev.ts, "ts");
    c.read(&ev.tid, "tid");
    c.read(&len, "len");
    c.read(&ev.type, "type");
    if (!v1) {
        c.read(&nparams, "nparams");
    }
    if (c.failed()) {
        return block_error(fmt::format("truncated event header: field '{}' needs {} bytes, {} "
                                       "left",
                                       c.failed_field(), c.failed_need(), c.failed_left()));
    }
    const size_t avail = body_.size() - event_pos;
    if (v1 && (ev.type == kPpmeNotificationE || ev.type == kPpmeInfrastructureE) &&
        len == avail + 3) {
        len -= 3;
    }
    if (len < header_len || len > avail) {
        return base::make_error(
            base::ErrorCode::kParse,
            fmt::format("{} at offset {}: event at offset {} says {} bytes, {} left in the block",
                        block_name(type_), block_offset_, event_offset, len, avail));
    }
    constexpr uint32_t kStateOnly = 1; // SCAP_DF_STATE_ONLY
    out->state_only = (block_flags & kStateOnly) != 0;
    const PpmEventInfo* info = ppm_event(ev.type);
    if (info == nullptr) {
        // From a newer producer: libscap skips these too.
        ++stats_.dropped_unknown_type;
        return false;
    }
    ++stats_.events_by_type[ev.type];
    const size_t width = info->large_payload() ? 4 : 2;
    const std::span<const uint8_t> event = std::span<const uint8_t>(body_).subspan(event_pos, len);

    auto param_len = [&](size_t i) -> uint64_t {
        const uint8_t* p = event.data() + header_len + width * i;
        if (width == 4) {
            uint32_t x = 0;
            std::memcpy(&x, p, 4);
            return x;
        }
        uint16_t x = 0;
        std::memcpy(&x, p, 2);
        return x;
    };

    if (v1) {
        // No parameter count on disk: the one whose lengths add up to the event length.
        bool found = false;
        for (size_t n = info->params.size() + 1; n-- > 0;) {
            if (header_len + width * n > len) {
                continue;
            }
            uint64_t total = header_len + width * n;
            for (size_t i = 0; i < n; ++i) {
                total += param_len(i);
            }
            if (total == len) {
                nparams = static_cast<uint32_t>(n);
                found = true;
                break;
            }
        }
        if (!found) {
            return base::make_error(
                base::ErrorCode::kParse,
                fmt::format("{} at offset {}: cannot work out the parameter count of the v1 "
                            "'{}' event (type {}) at offset {}",
                            block_name(type_), block_offset_, info->name, ev.type, event_offset));
        }
    } else if (header_len + width * static_cast<uint64_t>(nparams) > len) {
        return base::make_error(
            base::ErrorCode::kParse,
            fmt::format("{} at offset {}: event at offset {} has {} bytes, too few for the "
                        "lengths of its {} parameters",
                        block_name(type_), block_offset_, event_offset, len, nparams));
    }

    params_.clear();
    uint64_t pos = header_len + width * static_cast<uint64_t>(nparams);
    for (size_t i = 0; i < nparams; ++i) {
        const uint64_t plen = param_len(i);
        if (pos + plen > len) {
            return base::make_error(
                base::ErrorCode::kParse,
                fmt::format("{} at offset {}: parameter {} of the '{}' event at offset {} says "
                            "{} bytes, {} left",
                            block_name(type_), block_offset_, i, info->name, event_offset, plen,
                            len - pos));
        }
        ForeignParam p;
        if (i < info->params.size()) {
            p.name = info->params[i].name;
            p.type = info->params[i].type;
        }
        p.value = event.subspan(pos, plen);
        params_.push_back(p);
        pos += plen;
    }

    if (info->unused()) {
        ++stats_.dropped_unused;
        return false;
    }
    if (info->is_enter() && !ppm_standalone(ev.type)) {
        store_enter(ev.tid, ev.type);
        const event::EventInfo* kinfo = kestrel_[ev.type];
        if (!deliver_enters_ || kinfo == nullptr || !falco_delivers_enter(ev.type)) {
            return false;
        }
        // Current Falco still evaluates these enter events of old captures (evt.dir '>'): a record
        // of the same type, flagged, with the enter's own parameters (params_ still holds them).
        build_record(ev, *kinfo, out, KES_HDR_F_ENTER);
        ++stats_.enters_delivered;
        return true;
    }
    if (!info->is_enter()) {
        merge_enter(ev.tid, *info);
    }
    const event::EventInfo* kinfo = kestrel_[ev.type];
    if (kinfo == nullptr) {
        build_foreign(ev, *info, out);
        return true;
    }
    if (is_clone(kinfo->id) || kinfo->id == KES_EVT_EXECVE || kinfo->id == KES_EVT_EXECVEAT) {
        update_threads(ev, *kinfo);
    }
    build_record(ev, *kinfo, out);
    if (kinfo->id == KES_EVT_PROCEXIT) {
        threads_.erase(ev.tid);
        enters_.erase(ev.tid);
    }
    return true;
}

void ScapReader::store_enter(uint64_t tid, uint16_t type) {
    if (enters_.size() >= kMaxEnters && enters_.find(tid) == enters_.end()) {
        for (const auto& [t, e] : enters_) {
            stats_.enters_orphan += e.live ? 1 : 0;
        }
        enters_.clear();
    }
    StoredEnter& s = enters_[tid];
    if (s.live) {
        ++stats_.enters_orphan;
    }
    ++stats_.enters_stored;
    s.live = true;
    s.type = type;
    s.data.clear();
    for (const auto& p : params_) {
        s.data.insert(s.data.end(), p.value.begin(), p.value.end());
    }
    s.params.clear();
    size_t off = 0;
    for (const auto& p : params_) {
        s.params.push_back(ForeignParam{
            p.name, p.type, std::span<const uint8_t>(s.data).subspan(off, p.value.size())});
        off += p.value.size();
    }
}

void ScapReader::merge_enter(uint64_t tid, const PpmEventInfo& exit_info) {
    auto it = enters_.find(tid);
    if (it == enters_.end() || !it->second.live) {
        return;
    }
    StoredEnter& s = it->second;
    s.live = false; // its bytes stay valid until the thread's next enter: params_ points there
    if (ppm_event(s.type)->name != exit_info.name) {
        ++stats_.enters_orphan;
        return;
    }
    ++stats_.enters_merged;
    // As libscap's converter: the exit's own parameters win; the enter fills what is missing.
    for (const auto& p : s.params) {
        if (p.name.empty()) {
            continue;
        }
        auto own = std::find_if(params_.begin(), params_.end(),
                                [&](const ForeignParam& q) { return q.name == p.name; });
        if (own == params_.end()) {
            params_.push_back(p);
        } else if (own->value.empty()) {
            own->value = p.value;
        }
    }
}

void ScapReader::update_threads(const ParsedEvent& ev, const event::EventInfo& info) {
    const ForeignParam* res = find_param("res");
    if (res == nullptr || !int_width(res->value.size()) || read_uint(res->value, true) != 0) {
        return; // the parent side of a clone, or a failed call: nothing changes for this tid
    }
    if (threads_.size() >= kMaxThreads && threads_.find(ev.tid) == threads_.end()) {
        threads_.clear();
    }
    ThreadInfo& t = threads_[ev.tid];
    if (const ForeignParam* pid = find_param("pid");
        pid != nullptr && int_width(pid->value.size())) {
        t.pid = static_cast<uint32_t>(read_uint(pid->value, true));
    }
    const ForeignParam* comm = find_param("comm");
    if (comm == nullptr || comm->value.empty()) {
        // Old layouts have no comm: the executable's base name is what the kernel shows.
        comm = is_clone(info.id) ? nullptr : find_param("exe");
    }
    if (comm != nullptr && !comm->value.empty()) {
        std::string_view s(
            reinterpret_cast<const char*>(comm->value.data()),
            strnlen(reinterpret_cast<const char*>(comm->value.data()), comm->value.size()));
        if (comm->name == "exe") {
            if (const size_t slash = s.rfind('/'); slash != std::string_view::npos) {
                s = s.substr(slash + 1);
            }
        }
        t.comm.fill(0);
        std::memcpy(t.comm.data(), s.data(), std::min(s.size(), t.comm.size() - 1));
    }
}

void ScapReader::build_record(const ParsedEvent& ev, const event::EventInfo& info, ScapRecord* out,
                              uint16_t flags) {
    out->kind = ScapRecord::Kind::kEvent;
    out->bytes.clear();
    event::RecordBuilder b(out->bytes, info.id);
    b.ts_ns(ev.ts).tid(static_cast<uint32_t>(ev.tid)).cpu(ev.cpu).flags(flags);
    if (auto it = threads_.find(ev.tid); it != threads_.end()) {
        b.pid(it->second.pid).comm(std::string_view(it->second.comm.data()));
    }
    for (const auto& kp : info.params) {
        const ForeignParam* p = find_param(kp.name);
        if (p == nullptr || p->value.empty()) {
            b.add_absent();
            continue;
        }
        if (!add_converted(b, kp.type, *p)) {
            ++stats_.params_unconverted;
            b.add_absent();
        }
    }
    b.finish();
    ++stats_.records;
}

void ScapReader::build_foreign(const ParsedEvent& ev, const PpmEventInfo& info, ScapRecord* out) {
    out->kind = ScapRecord::Kind::kForeign;
    ForeignEvent& f = out->foreign;
    f.ts_ns = ev.ts;
    f.tid = ev.tid;
    f.cpu = ev.cpu;
    f.ppme_type = ev.type;
    f.name = info.name;
    if (ev.type == kPpmeGenericE || ev.type == kPpmeGenericX) {
        if (const ForeignParam* native = find_param("nativeID");
            native != nullptr && int_width(native->value.size())) {
            const std::string_view name =
                x86_64_syscall_name(static_cast<uint32_t>(read_uint(native->value, false)));
            if (!name.empty()) {
                f.name = name;
            }
        }
    }
    f.params.assign(params_.begin(), params_.end());
    ++stats_.foreign;
    ++stats_.foreign_by_type[ev.type];
}

} // namespace kestrel::capture::scap
