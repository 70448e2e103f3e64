#pragma once
// ScapReader: reads a libscap capture file (.scap, raw or gzip) and turns its events into
// Kestrel records (schema/README.md wire format). See README.md in this folder for the format
// coverage and the conversion rules.
//
//   auto reader = ScapReader::open("cat_write.scap");
//   if (!reader) { ... reader.error() ... }
//   for (const auto& p : (*reader)->processes()) { ... initial state ... }
//   ScapRecord rec;
//   while (true) {
//       auto more = (*reader)->next(&rec);
//       if (!more) { ... error with byte offset ... }
//       if (!*more) break;                       // end of file
//       switch (rec.kind) { ... }
//   }
//
// Timestamps: capture records carry the scap timestamp, nanoseconds since the Unix epoch, in
// header.ts_ns (live records carry CLOCK_BOOTTIME); the consumer knows which source it reads.
//
// Memory: the file is streamed through zlib with bounded buffers (one block at a time, grown
// only as the file's bytes actually arrive); steady-state next() does not allocate.
// Not thread-safe: one reader per thread.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "capture/scap/ppme_table.hpp"
#include "capture/scap/types.hpp"

namespace kestrel::event {
struct EventInfo;
}

namespace kestrel::capture::scap {

// Block type values (libscap scap_savefile.h), current and legacy aliases.
inline constexpr uint32_t kBlockSectionHeader = 0x0A0D0D0A;
inline constexpr uint32_t kBlockMachineInfo = 0x201;
inline constexpr uint32_t kBlockMachineInfoOld = 0x8002ABCD;
inline constexpr uint32_t kBlockProcListV1 = 0x202;
inline constexpr uint32_t kBlockProcListV2 = 0x207;
inline constexpr uint32_t kBlockProcListV3 = 0x209;
inline constexpr uint32_t kBlockProcListV4 = 0x210;
inline constexpr uint32_t kBlockProcListV5 = 0x211;
inline constexpr uint32_t kBlockProcListV6 = 0x212;
inline constexpr uint32_t kBlockProcListV7 = 0x213;
inline constexpr uint32_t kBlockProcListV8 = 0x214;
inline constexpr uint32_t kBlockProcListV9 = 0x215;
inline constexpr uint32_t kBlockProcListV1Old = 0x8000ABCD;
inline constexpr uint32_t kBlockProcListV2Old = 0x8013ABCD;
inline constexpr uint32_t kBlockProcListV3Old = 0x8014ABCD;
inline constexpr uint32_t kBlockFdList = 0x203;
inline constexpr uint32_t kBlockFdListV2 = 0x218;
inline constexpr uint32_t kBlockFdListOld = 0x8001ABCD;
inline constexpr uint32_t kBlockEvent = 0x204;
inline constexpr uint32_t kBlockEventOld = 0x8010ABCD;
inline constexpr uint32_t kBlockEventV2 = 0x216;
inline constexpr uint32_t kBlockEventV2Large = 0x221;
inline constexpr uint32_t kBlockEventFlags = 0x208;
inline constexpr uint32_t kBlockEventFlagsV2 = 0x217;
inline constexpr uint32_t kBlockEventFlagsV2Large = 0x222;
inline constexpr uint32_t kBlockInterfaceList = 0x205;
inline constexpr uint32_t kBlockInterfaceListV2 = 0x219;
inline constexpr uint32_t kBlockInterfaceListOld = 0x8011ABCD;
inline constexpr uint32_t kBlockUserList = 0x206;
inline constexpr uint32_t kBlockUserListV2 = 0x220;
inline constexpr uint32_t kBlockUserListOld = 0x8012ABCD;

// "process list block (PL_V9)", "event block (EV_V2)", "unknown block 0x1234" ...
std::string block_name(uint32_t block_type);

// A parameter of an event Kestrel's schema does not have (yet): name and type from the PPME
// table ("" / kNone for parameters beyond the table's list), bytes as in the file.
struct ForeignParam {
    std::string_view name;
    PpmType type = PpmType::kNone;
    std::span<const uint8_t> value;
};

// An event delivered as it is in the file, because Kestrel has no event of that name. Old
// enter/exit pairs are merged here too (the exit's parameters first, then the enter's that the
// exit lacks). Generic "syscall" events carry the x86_64 syscall name of their nativeID.
struct ForeignEvent {
    uint64_t ts_ns = 0; // epoch ns
    uint64_t tid = 0;
    uint16_t cpu = 0;
    uint16_t ppme_type = 0;
    std::string_view name;
    std::vector<ForeignParam> params; // values valid until the next call to next()
};

enum class MetadataKind : uint8_t { kMachine, kProcesses, kFds, kUsers, kInterfaces };

// A metadata block met after the first event (the format allows it; no corpus file has one):
// its entries were appended to the matching list, at [first, first + count).
struct MetadataUpdate {
    MetadataKind kind = MetadataKind::kProcesses;
    size_t first = 0;
    size_t count = 0;
    // kUsers only: a user list block carries groups too, appended to groups() here.
    size_t first_group = 0;
    size_t group_count = 0;
};

struct ScapRecord {
    enum class Kind : uint8_t { kEvent, kForeign, kMetadata };
    Kind kind = Kind::kEvent;
    // kEvent/kForeign: the event block carried SCAP_DF_STATE_ONLY (EVF blocks): the writer kept it
    // for state tracking only, not for rule matching.
    bool state_only = false;
    // kEvent: one Kestrel record (decode with event::decode). Reused: capacity is kept. A record
    // whose header flags carry KES_HDR_F_ENTER is an old capture's enter event (evt.dir '>'),
    // delivered for rule matching only: it must not change state.
    std::vector<uint8_t> bytes;
    ForeignEvent foreign;    // kForeign
    MetadataUpdate metadata; // kMetadata

    [[nodiscard]] std::span<const uint8_t> record() const { return bytes; }
};

struct ReaderStats {
    bool gzip = false;
    uint16_t version_major = 0;
    uint16_t version_minor = 0;
    uint64_t bytes = 0;          // uncompressed bytes consumed
    uint64_t blocks = 0;         // every block, section header included
    uint64_t event_blocks = 0;   // EV/EVF blocks of any version
    uint64_t unknown_blocks = 0; // skipped by length
    std::unordered_map<uint32_t, uint64_t> blocks_by_type;

    uint64_t records = 0;              // Kestrel records delivered
    uint64_t foreign = 0;              // ForeignEvents delivered
    uint64_t enters_stored = 0;        // enter events kept for merging
    uint64_t enters_merged = 0;        // ... whose exit came and took their parameters
    uint64_t enters_orphan = 0;        // ... replaced, or left at end of file, without their exit
    uint64_t enters_delivered = 0;     // ... also delivered as records flagged KES_HDR_F_ENTER
                                       // (the enter events current Falco evaluates; see README)
    uint64_t dropped_unused = 0;       // "NA" placeholder codes
    uint64_t dropped_unknown_type = 0; // codes beyond the table (newer producer) or v1 events
                                       // whose parameter count could not be worked out
    uint64_t params_unconverted = 0;   // a parameter left absent: its bytes do not fit the
                                       // Kestrel type (size or socket address layout)
    uint64_t metadata_after_events = 0;
    std::array<uint64_t, kPpmEventCount> events_by_type{}; // every event read, per PPME code
    std::array<uint64_t, kPpmEventCount> foreign_by_type{};
};

class ByteSource;

class ScapReader {
  public:
    // Opens a file (gzip or raw) and reads the section header and every metadata block up to the
    // first event. Errors name the byte offset (in the uncompressed stream) and the block.
    static base::Result<std::unique_ptr<ScapReader>> open(const std::string& path);
    // The same over bytes in memory (raw, not gzip), which must outlive the reader.
    static base::Result<std::unique_ptr<ScapReader>> open_memory(std::span<const uint8_t> bytes);

    ~ScapReader();
    ScapReader(const ScapReader&) = delete;
    ScapReader& operator=(const ScapReader&) = delete;

    // Fills `out` with the next record; false at the end of the file. An error is final.
    base::Result<bool> next(ScapRecord* out);

    [[nodiscard]] const MachineInfo& machine() const { return machine_; }
    [[nodiscard]] const std::vector<ProcessEntry>& processes() const { return processes_; }
    [[nodiscard]] const std::vector<FdEntry>& fds() const { return fds_; }
    [[nodiscard]] const std::vector<UserEntry>& users() const { return users_; }
    [[nodiscard]] const std::vector<GroupEntry>& groups() const { return groups_; }
    [[nodiscard]] const std::vector<InterfaceEntry>& interfaces() const { return interfaces_; }
    [[nodiscard]] const ReaderStats& stats() const { return stats_; }
    // Whether the enter events that Falco's converter passes on (open, creat, openat, openat2,
    // execve, execveat, connect) are also delivered, flagged KES_HDR_F_ENTER (default: yes, as
    // falcosecurity/testing expects; libs >= 0.22 hides them from rules again: see README).
    void set_deliver_enters(bool on) { deliver_enters_ = on; }

  private:
    struct StoredEnter {
        bool live = false;
        uint16_t type = 0;
        std::vector<uint8_t> data;
        std::vector<ForeignParam> params; // values point into data
    };
    struct ThreadInfo {
        uint32_t pid = 0;
        std::array<char, 16> comm{};
    };
    struct ParsedEvent {
        uint64_t ts = 0;
        uint64_t tid = 0;
        uint16_t cpu = 0;
        uint16_t type = 0;
    };

    explicit ScapReader(std::unique_ptr<ByteSource> source);

    base::Status start();
    // Reads the next block into type_/offset_/body_; false at a clean end of file.
    base::Result<bool> read_block();
    base::Status read_exact(uint8_t* dst, size_t n, size_t* got);
    base::Status parse_section_header();
    base::Result<bool> handle_metadata(MetadataUpdate* update); // false: not a metadata block
    base::Status parse_machine_info();
    base::Status parse_process_list(uint32_t version);
    base::Status parse_fd_list(bool v2);
    base::Status parse_user_list(bool v2);
    base::Status parse_interface_list(bool v2);
    // Parses the event block in body_ and converts it; false when it produced no record.
    base::Result<bool> handle_event(ScapRecord* out);
    base::Status parse_event(ParsedEvent* ev);
    void merge_enter(uint64_t tid, const PpmEventInfo& exit_info);
    void store_enter(uint64_t tid, uint16_t type);
    // flags: KES_HDR_F_ENTER for a delivered enter event (its parameters are in params_).
    void build_record(const ParsedEvent& ev, const event::EventInfo& info, ScapRecord* out,
                      uint16_t flags = 0);
    void build_foreign(const ParsedEvent& ev, const PpmEventInfo& info, ScapRecord* out);
    void update_threads(const ParsedEvent& ev, const event::EventInfo& info);
    void seed_thread(const ProcessEntry& p);
    [[nodiscard]] const ForeignParam* find_param(std::string_view name) const;
    base::Error block_error(std::string_view what) const;

    std::unique_ptr<ByteSource> source_;
    MachineInfo machine_;
    std::vector<ProcessEntry> processes_;
    std::vector<FdEntry> fds_;
    std::vector<UserEntry> users_;
    std::vector<GroupEntry> groups_;
    std::vector<InterfaceEntry> interfaces_;
    ReaderStats stats_;

    uint64_t offset_ = 0;       // uncompressed bytes consumed so far
    uint32_t type_ = 0;         // current block
    uint64_t block_offset_ = 0; // where the current block starts
    uint32_t block_len_ = 0;
    std::vector<uint8_t> body_;  // current block body, without header and trailer
    bool pending_block_ = false; // body_ holds the first event block, read by open()
    bool events_started_ = false;
    bool at_end_ = false;
    bool deliver_enters_ = true;

    std::vector<ForeignParam> params_; // the current event's parameters (merged)
    std::unordered_map<uint64_t, StoredEnter> enters_;
    std::unordered_map<uint64_t, ThreadInfo> threads_;
    std::array<const event::EventInfo*, kPpmEventCount> kestrel_{}; // by PPME code
};

} // namespace kestrel::capture::scap
