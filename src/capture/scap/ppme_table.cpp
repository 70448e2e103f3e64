#include "capture/scap/ppme_table.hpp"

#include <array>
#include <vector>

#include "base/check.hpp"
#include "capture/scap/ppme_specs.hpp"

namespace kestrel::capture::scap {
namespace {

struct TypeName {
    PpmType type;
    std::string_view name;
};

constexpr std::array<TypeName, 35> kTypeNames = {{
    {PpmType::kInt8, "int8"},
    {PpmType::kInt16, "int16"},
    {PpmType::kInt32, "int32"},
    {PpmType::kInt64, "int64"},
    {PpmType::kUint8, "uint8"},
    {PpmType::kUint16, "uint16"},
    {PpmType::kUint32, "uint32"},
    {PpmType::kUint64, "uint64"},
    {PpmType::kCharbuf, "charbuf"},
    {PpmType::kBytebuf, "bytebuf"},
    {PpmType::kErrno, "errno"},
    {PpmType::kSockaddr, "sockaddr"},
    {PpmType::kSocktuple, "socktuple"},
    {PpmType::kFd, "fd"},
    {PpmType::kPid, "pid"},
    {PpmType::kFdlist, "fdlist"},
    {PpmType::kFspath, "fspath"},
    {PpmType::kSyscallid, "syscallid"},
    {PpmType::kSigtype, "sigtype"},
    {PpmType::kReltime, "reltime"},
    {PpmType::kAbstime, "abstime"},
    {PpmType::kFlags8, "flags8"},
    {PpmType::kFlags16, "flags16"},
    {PpmType::kFlags32, "flags32"},
    {PpmType::kUid, "uid"},
    {PpmType::kGid, "gid"},
    {PpmType::kMode, "mode"},
    {PpmType::kEnumflags8, "enumflags8"},
    {PpmType::kEnumflags16, "enumflags16"},
    {PpmType::kEnumflags32, "enumflags32"},
    {PpmType::kFsrelpath, "fsrelpath"},
    {PpmType::kDyn, "dyn"},
    {PpmType::kSigset, "sigset"},
    {PpmType::kCharbufarray, "charbufarray"},
    {PpmType::kCharbufPairArray, "charbufpairarray"},
}};

PpmType type_from_name(std::string_view name) {
    for (const auto& t : kTypeNames) {
        if (t.name == name) {
            return t.type;
        }
    }
    return PpmType::kNone;
}

// The parsed table. Built once (function-local static: thread-safe initialisation); the specs
// are compile-time constants, so a malformed one is a bug caught by the first test that runs.
struct Table {
    std::array<PpmEventInfo, kPpmEventCount> events{};
    std::array<std::vector<PpmParam>, kPpmEventCount> params{};

    Table() {
        const auto specs = detail::ppm_specs();
        KES_CHECK(specs.size() == kPpmEventCount);
        for (size_t code = 0; code < specs.size(); ++code) {
            const auto& spec = specs[code];
            auto& list = params[code];
            std::string_view rest = spec.params;
            while (!rest.empty()) {
                const size_t sp = rest.find(' ');
                std::string_view item = rest.substr(0, sp);
                rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
                if (item.empty()) {
                    continue;
                }
                const size_t colon = item.find(':');
                KES_CHECK(colon != std::string_view::npos);
                const PpmType type = type_from_name(item.substr(colon + 1));
                KES_CHECK(type != PpmType::kNone);
                list.push_back(PpmParam{item.substr(0, colon), type});
            }
            events[code] = PpmEventInfo{static_cast<uint16_t>(code), spec.name, spec.flags, list};
        }
    }
};

const Table& table() {
    static const Table kTable;
    return kTable;
}

} // namespace

bool ppm_type_signed(PpmType type) {
    switch (type) {
    case PpmType::kInt8:
    case PpmType::kInt16:
    case PpmType::kInt32:
    case PpmType::kInt64:
    case PpmType::kErrno:
    case PpmType::kFd:
    case PpmType::kPid:
        return true;
    default:
        return false;
    }
}

std::string_view ppm_type_name(PpmType type) {
    for (const auto& t : kTypeNames) {
        if (t.type == type) {
            return t.name;
        }
    }
    return "none";
}

int PpmEventInfo::param_index(std::string_view param) const {
    for (size_t i = 0; i < params.size(); ++i) {
        if (params[i].name == param) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

const PpmEventInfo* ppm_event(uint16_t code) {
    if (code >= kPpmEventCount) {
        return nullptr;
    }
    return &table().events[code];
}

bool ppm_standalone(uint16_t code) {
    if ((code & 1U) != 0 || code + 1 >= kPpmEventCount) {
        return false;
    }
    return table().events[code + 1].unused();
}

} // namespace kestrel::capture::scap
