#pragma once
// The Falco (libscap) event table: PPME code -> name, flags, parameters with types. Written for
// Kestrel from falcosecurity/libs driver/event_table.c and ppm_events_public.h; it is the one
// place the scap reader learns what a PPME code means. Codes 0..419 (every entry of the libs
// table up to PPME_SYSCALL_NEWFSTATAT_X) are covered; exit events of current (non-old) pairs list
// the parameters current Falco puts on them (falco-compat.md §11), a superset of what older
// producers wrote: a file's own nparams says how many of them it carries.

#include <cstdint>
#include <span>
#include <string_view>

namespace kestrel::capture::scap {

// libscap's enum ppm_param_type, by meaning (the numeric values are ours: they never hit disk).
enum class PpmType : uint8_t {
    kNone,
    kInt8,
    kInt16,
    kInt32,
    kInt64,
    kUint8,
    kUint16,
    kUint32,
    kUint64,
    kCharbuf,
    kBytebuf,
    kErrno,
    kSockaddr,
    kSocktuple,
    kFd,
    kPid,
    kFdlist,
    kFspath,
    kSyscallid,
    kSigtype,
    kReltime,
    kAbstime,
    kFlags8,
    kFlags16,
    kFlags32,
    kUid,
    kGid,
    kMode,
    kEnumflags8,
    kEnumflags16,
    kEnumflags32,
    kFsrelpath,
    kDyn,
    kSigset,
    kCharbufarray,
    kCharbufPairArray,
};

// Signed integer types: widened with sign extension when Kestrel's slot is wider.
bool ppm_type_signed(PpmType type);
std::string_view ppm_type_name(PpmType type);

// The subset of libscap's EF_* flags the reader acts on.
inline constexpr uint32_t kEfOldVersion = 1U << 0;   // no current driver emits it
inline constexpr uint32_t kEfUnused = 1U << 1;       // a placeholder ("NA"): dropped
inline constexpr uint32_t kEfLargePayload = 1U << 2; // 32-bit parameter lengths

struct PpmParam {
    std::string_view name;
    PpmType type = PpmType::kNone;
};

struct PpmEventInfo {
    uint16_t code = 0;
    std::string_view name; // Falco's evt.type ("NA" for unused slots)
    uint32_t flags = 0;
    std::span<const PpmParam> params;

    [[nodiscard]] bool is_enter() const { return (code & 1U) == 0; }
    [[nodiscard]] bool unused() const { return (flags & kEfUnused) != 0; }
    [[nodiscard]] bool large_payload() const { return (flags & kEfLargePayload) != 0; }
    // Index of the parameter named `param`, or -1.
    [[nodiscard]] int param_index(std::string_view param) const;
};

// Number of PPME codes the table knows (codes >= this come from a newer producer).
inline constexpr uint16_t kPpmEventCount = 420;

// nullptr when the code is beyond the table.
const PpmEventInfo* ppm_event(uint16_t code);

// An "enter" event that stands alone (procexit, procinfo, container, switch, useradded ...):
// its exit slot is an unused placeholder, so it is delivered as is instead of being merged.
bool ppm_standalone(uint16_t code);

// The x86_64 syscall name of a native syscall number (for generic "syscall" events), or empty.
std::string_view x86_64_syscall_name(uint32_t nr);

} // namespace kestrel::capture::scap
