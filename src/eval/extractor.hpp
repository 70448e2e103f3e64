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
#include <vector>

#include "base/result.hpp"
#include "eval/value.hpp"
#include "event/view.hpp"
#include "rules/field_registry.hpp"
#include "state/tables.hpp"

namespace kestrel::eval {

// The event being evaluated. `epoch` changes for every event (the cache key).
struct EvalContext {
    const event::View* evt = nullptr;
    // The state tables the proc.*, fd.*, user.* ... fields read; null: those fields are absent
    // (a few fall back to the record: proc.name from the header, fd.name from an open's path).
    const state::Tables* state = nullptr;
    uint64_t epoch = 0;
    uint64_t evt_num = 0;
};

// Which extractor family handles a field (one source file each).
enum class FieldGroup : uint8_t { kNone, kEvt, kProc, kFd };

enum class FieldKind : uint8_t {
    kUnsupported, // a field Kestrel cannot provide yet: always absent
    // evt.*
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
    kEvtArgs,
    kEvtCategory,
    kEvtCount,
    kEvtTypeIs,
    kEvtBuffer,
    // proc.*, thread.*, user.*, group.*, container.*
    kProcPid,
    kThreadTid,
    kThreadVtid,
    kThreadIsMain,
    kProcName,
    kProcExe,
    kProcExepath,
    kProcArgs,
    kProcCmdline,
    kProcExeline,
    kProcCwd,
    kProcPpid,
    kProcVpid,
    kProcPvpid,
    kProcTty,
    kProcSid,
    kProcSname,
    kProcVpgid,
    kProcVpgidName,
    kProcVpgidExe,
    kProcVpgidExepath,
    kProcIsSidLeader,
    kProcIsVpgidLeader,
    kProcPname,
    kProcPcmdline,
    kProcPexe,
    kProcPexepath,
    kProcAname, // [N] or any ancestor
    kProcApid,
    kProcAexe,
    kProcAexepath,
    kProcAcmdline,
    kProcEnv,
    kProcIsExeWritable,
    kProcIsExeUpperLayer,
    kProcIsExeLowerLayer,
    kProcIsExeFromMemfd,
    kProcExeIno,
    kProcExeInoCtime,
    kProcExeInoMtime,
    kProcExeInoCtimeDurationProcStart,
    kProcExeInoCtimeDurationPidnsStart,
    kProcPidnsInitStartTs,
    kProcDuration,
    kProcPpidDuration,
    kProcPidTs,
    kProcPpidTs,
    kProcFdlimit,
    kThreadCapPermitted,
    kThreadCapEffective,
    kThreadCapInheritable,
    kUserUid,
    kUserName,
    kUserHomedir,
    kUserShell,
    kUserLoginuid,
    kUserLoginname,
    kGroupGid,
    kGroupName,
    kContainerId,
    kContainerFullId,
    kContainerName,
    kContainerType,
    kContainerImage,
    kContainerImageRepository,
    kContainerImageTag,
    kContainerPrivileged,
    kContainerImageId,
    kContainerImageDigest,
    kContainerIp,
    kContainerCniJson,
    kContainerHostPid,
    kContainerHostNetwork,
    kContainerHostIpc,
    kContainerMounts,
    kContainerMount, // container.mount[N or source glob]; the .source/.dest/... forms below
    kContainerMountSource,
    kContainerMountDest,
    kContainerMountMode,
    kContainerMountRdwr,
    kContainerMountPropagation,
    kContainerLabel,
    kContainerLabels,
    kK8sPodName,
    kK8sNsName,
    kK8sPodUid, // k8s.pod.uid and its legacy alias k8s.pod.id
    kK8sPodSandboxId,
    kK8sPodFullSandboxId,
    kK8sPodLabel,
    kK8sPodLabels,
    kK8sPodIp,
    kK8sPodCniJson,
    // fd.*
    kFdNum,
    kFdName,
    kFdNameraw,
    kFdTypechar,
    kFdType,
    kFdDirectory,
    kFdFilename,
    kFdL4proto,
    kFdSockfamily,
    kFdIsServer,
    kFdConnected,
    kFdNameChanged,
    kFdDev,
    kFdIno,
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
    FieldGroup group = FieldGroup::kNone;
    const rules::FieldInfo* info = nullptr;
    std::string text; // field name and argument as written, for diagnostics
    std::string arg;  // evt.type.is.<name>, proc.env[KEY], container.label[KEY], mount globs
    int index = -1;   // evt.arg[N], proc.aname[N], proc.args[N]
    uint16_t type_is = 0;
    // evt.arg.NAME / evt.rawarg.NAME: the parameter index of NAME in each event type (-1: none).
    std::array<int8_t, KES_EVT_MAX> param_by_event{};
    // fd.ip / fd.port / fd.net, proc.aname without index: several values, a check matches on
    // any of them (libsinsp compares each side, or walks the ancestors, one at a time).
    bool any_side = false;
};

// The per-event cache entry of one field. count 0 = absent; fd.ip-style fields fill two values;
// ancestor walks (proc.aname without index) fill `list`, reserved once at compile time.
struct Slot {
    uint64_t epoch = 0;
    uint8_t count = 0;
    bool in_list = false; // the values are in `list`, not `values`
    std::array<Value, 2> values;
    std::vector<Value> list;
    std::string text; // scratch for rendered values (evt.arg.flags, evt.res ...), reserved once

    [[nodiscard]] std::span<const Value> view() const {
        return in_list ? std::span<const Value>{list.data(), count}
                       : std::span<const Value>{values.data(), count};
    }
};

// Chooses the extractor for a resolved field reference. Unknown-to-Kestrel fields are not an
// error (they extract as absent, Falco's behaviour for a field with no value); `supported`
// tells callers which ones, for statistics.
base::Result<Extractor> make_extractor(const rules::FieldInfo& info, std::string_view arg,
                                       bool has_arg);

// Fills `slot` for the current event unless it already holds it.
void extract(const Extractor& ex, const EvalContext& ctx, Slot& slot);
// Sizes a slot's buffers for `ex` once (compile time), so extraction never allocates.
void prepare_slot(const Extractor& ex, Slot& slot);

// Parses an address ("10.0.0.1", "::1") and, for networks, "10.0.0.0/8" (prefix bits in *bits).
bool parse_ip(std::string_view text, IpAddr* out);
bool parse_net(std::string_view text, IpAddr* out, int* bits);
bool net_contains(const IpAddr& net, int bits, const IpAddr& addr);

} // namespace kestrel::eval
