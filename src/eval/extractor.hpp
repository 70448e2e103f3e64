#pragma once
// Field extraction. The compiler picks one Extractor per distinct field reference (name plus
// argument) once, at compile time; on the hot path extract() fills that field's Slot at most once
// per event: a slot whose epoch equals the context's epoch already holds this event's value, so
// resetting every cache is one counter increment, not a clear.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "eval/state_view.hpp"
#include "eval/value.hpp"
#include "event/view.hpp"
#include "rules/field_registry.hpp"

namespace kestrel::eval {

// The event being evaluated. `epoch` changes for every event (the cache key).
struct EvalContext {
    const event::View* evt = nullptr;
    const StateView* state = nullptr;
    uint64_t epoch = 0;
    uint64_t evt_num = 0;
};

enum class FieldKind : uint8_t {
    kUnsupported, // a field Kestrel cannot provide yet: always absent
    kEvtType,
    kEvtNum,
    kEvtTime,
    kEvtTimeS,
    kEvtRawtime,
    kEvtDir,
    kEvtCpu,
    kEvtRes,
    kEvtRawres,
    kEvtFailed,
    kEvtIsOpenRead,
    kEvtIsOpenWrite,
    kEvtIsOpenExec,
    kEvtIsOpenCreate,
    kEvtArg,
    kEvtRawarg,
    kEvtCategory,
    kEvtCount,
    kEvtTypeIs,
    kProcPid,
    kThreadTid,
    kProcName,
    kProcExe,
    kProcExepath,
    kProcArgs,
    kProcCmdline,
    kProcCwd,
    kProcPpid,
    kProcVpid,
    kProcTty,
    kUserUid,
    kUserName,
    kUserLoginuid,
    kContainerId,
    kFdNum,
    kFdName,
    kFdTypechar,
    kFdDirectory,
    kFdFilename,
    kFdSip,
    kFdCip,
    kFdLip,
    kFdRip,
    kFdSport,
    kFdCport,
    kFdLport,
    kFdRport,
    kFdIp,   // either side (filter only): a check matches if it matches one side
    kFdPort, // either side
    kFdNet,  // either side, compared as a network
};

struct Extractor {
    FieldKind kind = FieldKind::kUnsupported;
    const rules::FieldInfo* info = nullptr;
    std::string text; // field name and argument as written, for diagnostics
    std::string arg;  // evt.type.is.<name>
    int index = -1;   // evt.arg[N]
    uint16_t type_is = 0;
    // evt.arg.NAME / evt.rawarg.NAME: the parameter index of NAME in each event type (-1: none).
    std::array<int8_t, KES_EVT_MAX> param_by_event{};
    bool any_side = false; // fd.ip / fd.port / fd.net: two values, a check matches on either
};

// The per-event cache entry of one field. count 0 = absent; fd.ip-style fields fill two values.
struct Slot {
    uint64_t epoch = 0;
    uint8_t count = 0;
    std::array<Value, 2> values;
    std::string text; // scratch for rendered values (evt.arg.flags, evt.res ...), reserved once

    [[nodiscard]] std::span<const Value> view() const { return {values.data(), count}; }
};

// Chooses the extractor for a resolved field reference. Unknown-to-Kestrel fields are not an
// error (they extract as absent, Falco's behaviour for a field with no value); `supported`
// tells callers which ones, for statistics.
base::Result<Extractor> make_extractor(const rules::FieldInfo& info, std::string_view arg,
                                       bool has_arg);

// Fills `slot` for the current event unless it already holds it.
void extract(const Extractor& ex, const EvalContext& ctx, Slot& slot);

// Parses an address ("10.0.0.1", "::1") and, for networks, "10.0.0.0/8" (prefix bits in *bits).
bool parse_ip(std::string_view text, IpAddr* out);
bool parse_net(std::string_view text, IpAddr* out, int* bits);
bool net_contains(const IpAddr& net, int bits, const IpAddr& addr);

} // namespace kestrel::eval
