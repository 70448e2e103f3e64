// ScapReader: the block layer (section header, metadata lists, block framing). The event layer
// (event blocks, enter/exit merge, conversion to Kestrel records) is in convert.cpp.
#include "capture/scap/reader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "capture/scap/cursor.hpp"
#include "capture/scap/source.hpp"
#include "event/gen/events.hpp"

namespace kestrel::capture::scap {
namespace {

using detail::Cursor;

constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr size_t kBlockHeaderLen = 8;
constexpr size_t kBlockTrailerLen = 4;
// A block this large is corruption, not data (libscap's own limit for event blocks is 64 KiB,
// and a process list of a million threads stays far below this).
constexpr uint32_t kMaxBlockLen = 1U << 30;
// The body is read in slices of this size, so that a corrupt length costs at most one slice of
// memory beyond the bytes the file really has.
constexpr size_t kReadSlice = 1U << 20;
// Bounds on the per-thread maps (a capture of a fork bomb must not grow them without limit).
constexpr size_t kMaxThreads = 1U << 20;

int proc_list_version(uint32_t type) {
    switch (type) {
    case kBlockProcListV1:
    case kBlockProcListV1Old:
        return 1;
    case kBlockProcListV2:
    case kBlockProcListV2Old:
        return 2;
    case kBlockProcListV3:
    case kBlockProcListV3Old:
        return 3;
    case kBlockProcListV4:
        return 4;
    case kBlockProcListV5:
        return 5;
    case kBlockProcListV6:
        return 6;
    case kBlockProcListV7:
        return 7;
    case kBlockProcListV8:
        return 8;
    case kBlockProcListV9:
        return 9;
    default:
        return 0;
    }
}

bool is_event_block(uint32_t type) {
    switch (type) {
    case kBlockEvent:
    case kBlockEventOld:
    case kBlockEventV2:
    case kBlockEventV2Large:
    case kBlockEventFlags:
    case kBlockEventFlagsV2:
    case kBlockEventFlagsV2Large:
        return true;
    default:
        return false;
    }
}

// Args, env and cgroups: NUL-separated entries, the last one NUL-terminated too (libscap adds
// the NUL when the writer left it out).
void terminate_list(std::string* s) {
    if (!s->empty() && s->back() != '\0') {
        s->push_back('\0');
    }
}

} // namespace

std::string block_name(uint32_t type) {
    switch (type) {
    case kBlockSectionHeader:
        return "section header block";
    case kBlockMachineInfo:
    case kBlockMachineInfoOld:
        return "machine info block";
    case kBlockFdList:
    case kBlockFdListOld:
        return "fd list block (FDL)";
    case kBlockFdListV2:
        return "fd list block (FDL_V2)";
    case kBlockEvent:
    case kBlockEventOld:
        return "event block (EV)";
    case kBlockEventV2:
        return "event block (EV_V2)";
    case kBlockEventV2Large:
        return "event block (EV_V2_LARGE)";
    case kBlockEventFlags:
        return "event block (EVF)";
    case kBlockEventFlagsV2:
        return "event block (EVF_V2)";
    case kBlockEventFlagsV2Large:
        return "event block (EVF_V2_LARGE)";
    case kBlockInterfaceList:
    case kBlockInterfaceListOld:
        return "interface list block (IL)";
    case kBlockInterfaceListV2:
        return "interface list block (IL_V2)";
    case kBlockUserList:
    case kBlockUserListOld:
        return "user list block (UL)";
    case kBlockUserListV2:
        return "user list block (UL_V2)";
    default:
        break;
    }
    if (const int v = proc_list_version(type); v != 0) {
        return fmt::format("process list block (PL_V{})", v);
    }
    return fmt::format("unknown block 0x{:x}", type);
}

ScapReader::ScapReader(std::unique_ptr<ByteSource> source) : source_(std::move(source)) {
    for (uint16_t code = 0; code < kPpmEventCount; ++code) {
        const PpmEventInfo* info = ppm_event(code);
        // Generic "syscall" events name their syscall in a parameter: never a Kestrel event
        // by themselves (README: ForeignEvent carries the syscall name).
        if (info->unused() || info->name == "syscall") {
            continue;
        }
        kestrel_[code] = event::find_event(info->name);
    }
}

ScapReader::~ScapReader() = default;

base::Result<std::unique_ptr<ScapReader>> ScapReader::open(const std::string& path) {
    auto source = open_file_source(path);
    if (!source) {
        return source.error();
    }
    std::unique_ptr<ScapReader> reader(new ScapReader(std::move(*source)));
    if (auto st = reader->start(); !st) {
        return std::move(st).with_context(path).error();
    }
    return reader;
}

base::Result<std::unique_ptr<ScapReader>> ScapReader::open_memory(std::span<const uint8_t> bytes) {
    std::unique_ptr<ScapReader> reader(new ScapReader(memory_source(bytes)));
    if (auto st = reader->start(); !st) {
        return st.error();
    }
    return reader;
}

base::Error ScapReader::block_error(std::string_view what) const {
    return base::make_error(
        base::ErrorCode::kParse,
        fmt::format("{} at offset {}: {}", block_name(type_), block_offset_, what));
}

base::Status ScapReader::read_exact(uint8_t* dst, size_t n, size_t* got) {
    auto r = source_->read(dst, n);
    if (!r) {
        // A gzip stream with bad data: say where, in the same terms as every other error.
        return base::make_error(r.error().code,
                                fmt::format("{} at offset {}", r.error().message, offset_));
    }
    *got = *r;
    offset_ += *r;
    stats_.bytes += *r;
    return {};
}

base::Result<bool> ScapReader::read_block() {
    uint8_t header[kBlockHeaderLen];
    size_t got = 0;
    const uint64_t start = offset_;
    KES_TRY(read_exact(header, sizeof(header), &got));
    if (got == 0) {
        return false;
    }
    if (got < sizeof(header)) {
        return base::make_error(
            base::ErrorCode::kTruncated,
            fmt::format("truncated block header at offset {}: 8 bytes needed, {} left", start,
                        got));
    }
    std::memcpy(&type_, header, 4);
    std::memcpy(&block_len_, header + 4, 4);
    block_offset_ = start;
    if (stats_.blocks == 0 && type_ != kBlockSectionHeader) {
        return base::make_error(
            base::ErrorCode::kParse,
            fmt::format("not a scap file: first block has type 0x{:x}, expected a section "
                        "header block (0x{:x})",
                        type_, kBlockSectionHeader));
    }
    if (block_len_ < kBlockHeaderLen + kBlockTrailerLen || block_len_ > kMaxBlockLen) {
        return block_error(fmt::format("invalid block length {}", block_len_));
    }
    // Read the body (and trailer) in slices: memory grows only with bytes actually present.
    const size_t want = block_len_ - kBlockHeaderLen;
    body_.clear();
    size_t have = 0;
    while (have < want) {
        const size_t slice = std::min(want - have, kReadSlice);
        body_.resize(have + slice);
        KES_TRY(read_exact(body_.data() + have, slice, &got));
        have += got;
        if (got < slice) {
            body_.resize(have);
            return base::make_error(
                base::ErrorCode::kTruncated,
                fmt::format("truncated {} at offset {}: header says {} bytes, {} left",
                            block_name(type_), block_offset_, block_len_, have + kBlockHeaderLen));
        }
    }
    uint32_t trailer = 0;
    std::memcpy(&trailer, body_.data() + want - kBlockTrailerLen, 4);
    body_.resize(want - kBlockTrailerLen);
    if (trailer != block_len_) {
        return block_error(
            fmt::format("wrong block total length, header={}, trailer={}", block_len_, trailer));
    }
    ++stats_.blocks;
    ++stats_.blocks_by_type[type_];
    return true;
}

base::Status ScapReader::start() {
    stats_.gzip = source_->gzip();
    auto first = read_block();
    if (!first) {
        return first.error();
    }
    if (!*first) {
        return base::make_error(base::ErrorCode::kParse, "empty file: no section header block");
    }
    KES_TRY(parse_section_header());
    while (true) {
        auto more = read_block();
        if (!more) {
            return more.error();
        }
        if (!*more) {
            // As libscap: a capture is made of events; metadata alone is not one.
            return base::make_error(base::ErrorCode::kParse,
                                    fmt::format("no events in file ({} bytes)", offset_));
        }
        if (is_event_block(type_)) {
            pending_block_ = true;
            return {};
        }
        auto handled = handle_metadata(nullptr);
        if (!handled) {
            return handled.error();
        }
    }
}

base::Status ScapReader::parse_section_header() {
    Cursor c(body_);
    uint32_t magic = 0;
    uint64_t section_len = 0;
    c.read(&magic, "byte_order_magic");
    c.read(&stats_.version_major, "major_version");
    c.read(&stats_.version_minor, "minor_version");
    c.read(&section_len, "section_length");
    if (c.failed()) {
        return block_error(fmt::format("{} bytes, the header needs 16", body_.size()));
    }
    if (magic != kByteOrderMagic) {
        return block_error(fmt::format("invalid magic number 0x{:x}", magic));
    }
    if (stats_.version_major > 1) {
        return base::make_error(base::ErrorCode::kUnsupported,
                                fmt::format("scap version {}.{} is newer than this reader (1.x)",
                                            stats_.version_major, stats_.version_minor));
    }
    // pcapng-style options may follow (editcap adds a comment): skipped with the block length.
    return {};
}

base::Result<bool> ScapReader::handle_metadata(MetadataUpdate* update) {
    MetadataUpdate u;
    switch (type_) {
    case kBlockMachineInfo:
    case kBlockMachineInfoOld:
        u = {MetadataKind::kMachine, 0, 1};
        KES_TRY(parse_machine_info());
        break;
    case kBlockFdList:
    case kBlockFdListOld:
    case kBlockFdListV2:
        u = {MetadataKind::kFds, fds_.size(), 0};
        KES_TRY(parse_fd_list(type_ == kBlockFdListV2));
        u.count = fds_.size() - u.first;
        break;
    case kBlockUserList:
    case kBlockUserListOld:
    case kBlockUserListV2:
        u = {MetadataKind::kUsers, users_.size(), 0, groups_.size(), 0};
        KES_TRY(parse_user_list(type_ == kBlockUserListV2));
        u.count = users_.size() - u.first;
        u.group_count = groups_.size() - u.first_group;
        break;
    case kBlockInterfaceList:
    case kBlockInterfaceListOld:
    case kBlockInterfaceListV2:
        u = {MetadataKind::kInterfaces, interfaces_.size(), 0};
        KES_TRY(parse_interface_list(type_ == kBlockInterfaceListV2));
        u.count = interfaces_.size() - u.first;
        break;
    default: {
        const int version = proc_list_version(type_);
        if (version == 0) {
            ++stats_.unknown_blocks;
            return false;
        }
        u = {MetadataKind::kProcesses, processes_.size(), 0};
        KES_TRY(parse_process_list(static_cast<uint32_t>(version)));
        u.count = processes_.size() - u.first;
        for (size_t i = u.first; i < processes_.size(); ++i) {
            seed_thread(processes_[i]);
        }
        break;
    }
    }
    if (update != nullptr) {
        *update = u;
    }
    return true;
}

base::Status ScapReader::parse_machine_info() {
    // Fields are read as far as the block goes: older writers may have written fewer.
    if (body_.size() < 4) {
        return block_error(fmt::format("{} bytes, too few for a machine info", body_.size()));
    }
    Cursor c(body_);
    machine_ = MachineInfo{};
    machine_.present = true;
    std::span<const uint8_t> host;
    c.read(&machine_.num_cpus, "num_cpus");
    c.read(&machine_.memory_size_bytes, "memory_size_bytes");
    c.read(&machine_.max_pid, "max_pid");
    if (c.bytes(128, &host, "hostname")) {
        const auto* p = reinterpret_cast<const char*>(host.data());
        machine_.hostname.assign(p, strnlen(p, host.size()));
    }
    c.read(&machine_.boot_ts_epoch_ns, "boot_ts_epoch");
    c.read(&machine_.flags, "flags");
    return {};
}

namespace {

// The list parsers share this shape: entries back to back while at least 4 bytes remain (less is
// padding), each entry checked against the bytes left.
std::string entry_error(const Cursor& c, size_t entry) {
    return fmt::format("entry {} truncated: field '{}' needs {} bytes, {} left", entry,
                       c.failed_field(), c.failed_need(), c.failed_left());
}

// An address of 4 or 16 bytes into a 16-byte array (IPv4 in the first 4, as on disk).
void read_addr(Cursor* c, size_t len, std::array<uint8_t, 16>* out, std::string_view field) {
    std::span<const uint8_t> a;
    if (c->bytes(len, &a, field)) {
        std::copy(a.begin(), a.end(), out->begin());
    }
}

} // namespace

base::Status ScapReader::parse_process_list(uint32_t version) {
    Cursor block(body_);
    size_t index = 0;
    while (block.left() >= 4) {
        std::span<const uint8_t> entry_bytes = std::span<const uint8_t>(body_).subspan(block.pos());
        uint32_t entry_len = 0;
        if (version >= 9) {
            block.read(&entry_len, "entry_len");
            if (entry_len < 4 || entry_len - 4 > block.left()) {
                return block_error(fmt::format("entry {} says {} bytes, {} left", index, entry_len,
                                               block.left() + 4));
            }
            entry_bytes = entry_bytes.subspan(4, entry_len - 4);
        }
        Cursor c(entry_bytes);
        ProcessEntry p;
        p.block_version = version;
        c.read(&p.tid, "tid");
        c.read(&p.pid, "pid");
        c.read(&p.ptid, "ptid");
        if (version >= 6) {
            c.read(&p.sid, "sid");
        }
        if (version >= 8) {
            c.read(&p.vpgid, "vpgid");
        }
        c.str16(&p.comm, "comm");
        c.str16(&p.exe, "exe");
        if (version >= 7) {
            c.str16(&p.exepath, "exepath");
        }
        c.str16(&p.args, "args");
        c.str16(&p.cwd, "cwd");
        c.read(&p.fdlimit, "fdlimit");
        c.read(&p.flags, "flags");
        c.read(&p.uid, "uid");
        c.read(&p.gid, "gid");
        if (version >= 2) {
            c.read(&p.vmsize_kb, "vmsize_kb");
            c.read(&p.vmrss_kb, "vmrss_kb");
            c.read(&p.vmswap_kb, "vmswap_kb");
            c.read(&p.pfmajor, "pfmajor");
            c.read(&p.pfminor, "pfminor");
        }
        if (version >= 3) {
            c.str16(&p.env, "env");
        }
        if (version >= 4) {
            c.read(&p.vtid, "vtid");
            c.read(&p.vpid, "vpid");
            c.str16(&p.cgroups, "cgroups");
        }
        if (version >= 5) {
            c.str16(&p.root, "root");
        }
        if (c.failed()) {
            return block_error(entry_error(c, index));
        }
        if (version >= 9 && c.left() > 0) {
            // libs < 0.10 wrote loginuid, exe_writable and the capability sets right after root
            // (29 bytes at most); later writers put pidns_init_start_ts and tty first.
            if (c.left() > 29) {
                c.read(&p.pidns_init_start_ts, "pidns_init_start_ts");
                c.read(&p.tty, "tty");
            }
            uint8_t b = 0;
            c.read(&p.loginuid, "loginuid");
            if (c.read(&b, "exe_writable")) {
                p.exe_writable = b != 0;
            }
            c.read(&p.cap_inheritable, "cap_inheritable");
            c.read(&p.cap_permitted, "cap_permitted");
            p.has_caps = c.read(&p.cap_effective, "cap_effective");
            if (c.read(&b, "exe_upper_layer")) {
                p.exe_upper_layer = b != 0;
            }
            c.read(&p.exe_ino, "exe_ino");
            c.read(&p.exe_ino_ctime, "exe_ino_ctime");
            c.read(&p.exe_ino_mtime, "exe_ino_mtime");
            if (c.read(&b, "exe_from_memfd")) {
                p.exe_from_memfd = b != 0;
            }
            if (c.read(&b, "exe_lower_layer")) {
                p.exe_lower_layer = b != 0;
            }
            c.read(&p.pgid, "pgid");
            // Fields a newer writer appended are skipped with entry_len.
        }
        terminate_list(&p.args);
        terminate_list(&p.env);
        terminate_list(&p.cgroups);
        processes_.push_back(std::move(p));
        ++index;
        if (version >= 9) {
            block.skip(entry_len - 4, "entry");
        } else {
            block.skip(c.pos(), "entry");
        }
    }
    return {};
}

base::Status ScapReader::parse_fd_list(bool v2) {
    Cursor block(body_);
    uint64_t tid = 0;
    if (!block.read(&tid, "tid")) {
        return block_error("block too short for its thread id");
    }
    size_t index = 0;
    while (block.left() >= 4) {
        std::span<const uint8_t> entry_bytes = std::span<const uint8_t>(body_).subspan(block.pos());
        uint32_t entry_len = 0;
        if (v2) {
            block.read(&entry_len, "entry_len");
            if (entry_len < 4 || entry_len - 4 > block.left()) {
                return block_error(fmt::format("entry {} says {} bytes, {} left", index, entry_len,
                                               block.left() + 4));
            }
            entry_bytes = entry_bytes.subspan(4, entry_len - 4);
        }
        Cursor c(entry_bytes);
        FdEntry f;
        f.tid = tid;
        c.read(&f.fd, "fd");
        c.read(&f.ino, "ino");
        c.read(&f.raw_type, "type");
        if (c.failed()) {
            return block_error(entry_error(c, index));
        }
        f.type = static_cast<FdType>(f.raw_type);
        switch (f.type) {
        case FdType::kIpv4Sock:
            read_addr(&c, 4, &f.sip, "sip");
            read_addr(&c, 4, &f.dip, "dip");
            c.read(&f.sport, "sport");
            c.read(&f.dport, "dport");
            c.read(&f.l4proto, "l4proto");
            break;
        case FdType::kIpv4ServSock:
            read_addr(&c, 4, &f.sip, "ip");
            c.read(&f.sport, "port");
            c.read(&f.l4proto, "l4proto");
            break;
        case FdType::kIpv6Sock:
            read_addr(&c, 16, &f.sip, "sip");
            read_addr(&c, 16, &f.dip, "dip");
            c.read(&f.sport, "sport");
            c.read(&f.dport, "dport");
            c.read(&f.l4proto, "l4proto");
            break;
        case FdType::kIpv6ServSock:
            read_addr(&c, 16, &f.sip, "ip");
            c.read(&f.sport, "port");
            c.read(&f.l4proto, "l4proto");
            break;
        case FdType::kUnixSock:
            c.read(&f.unix_source, "source");
            c.read(&f.unix_dest, "dest");
            c.str16(&f.name, "path");
            break;
        case FdType::kFileV2:
            c.read(&f.open_flags, "open_flags");
            c.str16(&f.name, "name");
            if (v2 && c.left() >= 4) {
                f.has_dev = c.read(&f.dev, "dev");
            }
            break;
        case FdType::kFile:
        case FdType::kDirectory:
        case FdType::kFifo:
        case FdType::kEvent:
        case FdType::kUnsupported:
        case FdType::kSignalfd:
        case FdType::kEventpoll:
        case FdType::kInotify:
        case FdType::kTimerfd:
        case FdType::kNetlink:
        case FdType::kBpf:
        case FdType::kUserfaultfd:
        case FdType::kIoUring:
        case FdType::kMemfd:
        case FdType::kPidfd:
            c.str16(&f.name, "name");
            break;
        default:
            if (!v2) {
                // Without entry lengths an unknown payload cannot be stepped over.
                return block_error(fmt::format("entry {}: unknown fd type {}", index, f.raw_type));
            }
            // As libscap: kept as unsupported, payload skipped with entry_len.
            f.type = FdType::kUnsupported;
            f.name = fmt::format("unknown-type:[{}]", f.raw_type);
            break;
        }
        if (c.failed()) {
            return block_error(entry_error(c, index));
        }
        fds_.push_back(std::move(f));
        ++index;
        block.skip(v2 ? entry_len - 4 : c.pos(), "entry");
    }
    return {};
}

base::Status ScapReader::parse_user_list(bool v2) {
    Cursor block(body_);
    size_t index = 0;
    while (block.left() >= 4) {
        std::span<const uint8_t> entry_bytes = std::span<const uint8_t>(body_).subspan(block.pos());
        uint32_t entry_len = 0;
        if (v2) {
            block.read(&entry_len, "entry_len");
            if (entry_len < 4 || entry_len - 4 > block.left()) {
                return block_error(fmt::format("entry {} says {} bytes, {} left", index, entry_len,
                                               block.left() + 4));
            }
            entry_bytes = entry_bytes.subspan(4, entry_len - 4);
        }
        Cursor c(entry_bytes);
        uint8_t kind = 0;
        c.read(&kind, "type");
        if (kind == 0) {
            UserEntry u;
            c.read(&u.uid, "uid");
            c.read(&u.gid, "gid");
            c.str16(&u.name, "name");
            c.str16(&u.home, "home");
            c.str16(&u.shell, "shell");
            if (!c.failed()) {
                users_.push_back(std::move(u));
            }
        } else if (kind == 1) {
            GroupEntry g;
            c.read(&g.gid, "gid");
            c.str16(&g.name, "name");
            if (!c.failed()) {
                groups_.push_back(std::move(g));
            }
        } else if (!v2) {
            return block_error(
                fmt::format("entry {}: unknown user list entry type {}", index, kind));
        }
        if (c.failed()) {
            return block_error(entry_error(c, index));
        }
        ++index;
        block.skip(v2 ? entry_len - 4 : c.pos(), "entry");
    }
    return {};
}

base::Status ScapReader::parse_interface_list(bool v2) {
    Cursor block(body_);
    size_t index = 0;
    while (block.left() >= 4) {
        std::span<const uint8_t> entry_bytes = std::span<const uint8_t>(body_).subspan(block.pos());
        uint32_t entry_len = 0;
        if (v2) {
            // IL_V2 entry lengths exclude their own 4 bytes, unlike PL/FDL/UL.
            block.read(&entry_len, "entry_len");
            if (entry_len > block.left()) {
                return block_error(
                    fmt::format("entry {} says {} bytes, {} left", index, entry_len, block.left()));
            }
            entry_bytes = entry_bytes.subspan(4, entry_len);
        }
        Cursor c(entry_bytes);
        uint16_t kind = 0;
        uint16_t name_len = 0;
        c.read(&kind, "type");
        c.read(&name_len, "ifnamelen");
        InterfaceEntry e;
        const size_t addr_len = (kind == 2 || kind == 4) ? 16 : 4;
        if (kind < 1 || kind > 4) {
            if (!v2) {
                return block_error(fmt::format("entry {}: unknown interface type {}", index, kind));
            }
        } else {
            e.ipv6 = addr_len == 16;
            e.has_linkspeed = kind <= 2;
            read_addr(&c, addr_len, &e.addr, "addr");
            read_addr(&c, addr_len, &e.netmask, "netmask");
            read_addr(&c, addr_len, &e.bcast, "bcast");
            if (e.has_linkspeed) {
                c.read(&e.linkspeed, "linkspeed");
            }
            std::span<const uint8_t> name;
            if (c.bytes(name_len, &name, "ifname")) {
                const auto* p = reinterpret_cast<const char*>(name.data());
                e.name.assign(p, strnlen(p, name.size()));
            }
            if (!c.failed()) {
                interfaces_.push_back(std::move(e));
            }
        }
        if (c.failed()) {
            return block_error(entry_error(c, index));
        }
        ++index;
        block.skip(v2 ? entry_len : c.pos(), "entry");
    }
    return {};
}

void ScapReader::seed_thread(const ProcessEntry& p) {
    if (threads_.size() >= kMaxThreads) {
        threads_.clear();
    }
    ThreadInfo& t = threads_[p.tid];
    t.pid = static_cast<uint32_t>(p.pid);
    t.comm.fill(0);
    std::memcpy(t.comm.data(), p.comm.data(), std::min(p.comm.size(), t.comm.size() - 1));
}

base::Result<bool> ScapReader::next(ScapRecord* out) {
    while (!at_end_) {
        if (pending_block_) {
            pending_block_ = false;
        } else {
            auto more = read_block();
            if (!more) {
                at_end_ = true;
                return more.error();
            }
            if (!*more) {
                at_end_ = true;
                for (const auto& [tid, enter] : enters_) {
                    stats_.enters_orphan += enter.live ? 1 : 0;
                }
                enters_.clear();
                break;
            }
        }
        if (is_event_block(type_)) {
            events_started_ = true;
            auto produced = handle_event(out);
            if (!produced) {
                at_end_ = true;
                return produced.error();
            }
            if (*produced) {
                return true;
            }
            continue;
        }
        if (type_ == kBlockSectionHeader) {
            // A second section (concatenated captures): its header is checked, then read on.
            if (auto st = parse_section_header(); !st) {
                at_end_ = true;
                return st.error();
            }
            continue;
        }
        auto handled = handle_metadata(&out->metadata);
        if (!handled) {
            at_end_ = true;
            return handled.error();
        }
        if (*handled) {
            ++stats_.metadata_after_events;
            out->kind = ScapRecord::Kind::kMetadata;
            return true;
        }
    }
    return false;
}

} // namespace kestrel::capture::scap
