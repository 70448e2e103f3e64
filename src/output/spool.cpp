#include "output/spool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace kestrel::output {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kHeaderBytes = 8; // u32 length, u32 crc32
constexpr std::string_view kSegmentSuffix = ".seg";
constexpr std::string_view kOffsetFile = "read-offset";
constexpr size_t kSeqDigits = 20;

uint32_t load_u32(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 |
           static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
}

void store_u32(char* p, uint32_t v) {
    for (int i = 0; i < 4; ++i) {
        p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
}

uint32_t crc_of(std::string_view data) {
    return static_cast<uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

// "00000000000000000042.seg" -> 42; anything else -> 0 (sequences start at 1).
uint64_t parse_segment_name(const std::string& name) {
    if (name.size() != kSeqDigits + kSegmentSuffix.size() || !name.ends_with(kSegmentSuffix)) {
        return 0;
    }
    uint64_t seq = 0;
    for (size_t i = 0; i < kSeqDigits; ++i) {
        if (name[i] < '0' || name[i] > '9') {
            return 0;
        }
        seq = seq * 10 + static_cast<uint64_t>(name[i] - '0');
    }
    return seq;
}

bool pread_all(int fd, char* out, size_t len, uint64_t off) {
    while (len > 0) {
        ssize_t n = ::pread(fd, out, len, static_cast<off_t>(off));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        out += n;
        len -= static_cast<size_t>(n);
        off += static_cast<uint64_t>(n);
    }
    return true;
}

bool write_all(int fd, const char* data, size_t len) {
    while (len > 0) {
        ssize_t n = ::write(fd, data, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return false;
        }
        data += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

} // namespace

base::Result<std::unique_ptr<Spool>> Spool::open(const Options& options) {
    if (options.dir.empty()) {
        return base::make_error(base::ErrorCode::kInvalidArgument, "empty spool directory");
    }
    if (options.max_bytes == 0) {
        return base::make_error(base::ErrorCode::kInvalidArgument, "spool size bound is 0");
    }
    Options opts = options;
    if (opts.segment_bytes == 0) {
        opts.segment_bytes = std::clamp<uint64_t>(opts.max_bytes / 8, 4096, 4ULL << 20);
    }
    std::unique_ptr<Spool> spool(new Spool(std::move(opts)));
    KES_TRY(spool->load().with_context(spool->options_.dir));
    return spool;
}

std::string Spool::segment_path(uint64_t seq) const {
    return fmt::format("{}/{:0{}}{}", options_.dir, seq, kSeqDigits, kSegmentSuffix);
}

std::string Spool::offset_path() const { return fmt::format("{}/{}", options_.dir, kOffsetFile); }

base::Status Spool::load() {
    std::error_code ec;
    if (!fs::is_directory(options_.dir, ec)) {
        fs::create_directories(options_.dir, ec);
        if (ec) {
            return base::make_error(base::ErrorCode::kIo, "cannot create: " + ec.message());
        }
        // Alerts can carry command lines and file names: only the owner reads them.
        fs::permissions(options_.dir, fs::perms::owner_all, ec);
    }
    dir_fd_.reset(::open(options_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd_.valid()) {
        return base::errno_error("cannot open", errno);
    }
    if (::flock(dir_fd_.get(), LOCK_EX | LOCK_NB) != 0) {
        return errno == EWOULDBLOCK
                   ? base::make_error(base::ErrorCode::kInvalidArgument,
                                      "in use by another Kestrel process (each needs its own "
                                      "spool directory)")
                   : base::errno_error("cannot lock", errno);
    }
    std::vector<uint64_t> seqs;
    for (fs::directory_iterator it(options_.dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (uint64_t seq = parse_segment_name(it->path().filename().string()); seq != 0) {
            seqs.push_back(seq);
        }
    }
    if (ec) {
        return base::make_error(base::ErrorCode::kIo, "cannot list: " + ec.message());
    }
    std::sort(seqs.begin(), seqs.end());
    ::unlink((offset_path() + ".tmp").c_str()); // an interrupted persist_offset()

    // The read offset: the first unsent record. Absent or unreadable: the first segment's start.
    uint64_t off_seq = 0;
    uint64_t off = 0;
    if (FILE* f = ::fopen(offset_path().c_str(), "re")) {
        unsigned long long s = 0;
        unsigned long long o = 0;
        if (std::fscanf(f, "%llu %llu", &s, &o) == 2) {
            off_seq = s;
            off = o;
        }
        std::fclose(f);
    }
    for (uint64_t seq : seqs) {
        if (seq < off_seq) {
            ::unlink(segment_path(seq).c_str()); // fully sent; deleting it was interrupted
            continue;
        }
        Segment seg{.seq = seq};
        uint64_t start = segments_.empty() && seq == off_seq ? off : 0;
        KES_TRY(scan_segment(seg, start));
        if (segments_.empty()) {
            read_off_ = start;
        }
        segments_.push_back(seg);
        records_ += seg.records;
        total_bytes_ += seg.bytes;
        next_seq_ = seq + 1;
    }
    // Drop leading segments with nothing left to send (all sent, or only a torn record).
    while (!segments_.empty() && segments_.front().records == 0) {
        drop_head();
    }
    persist_offset();
    return {};
}

base::Status Spool::scan_segment(Segment& seg, uint64_t start) {
    const std::string path = segment_path(seg.seq);
    base::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0) {
        return base::errno_error("cannot open " + path, errno);
    }
    const auto size = static_cast<uint64_t>(st.st_size);
    std::string data(size, '\0');
    if (size > 0 && !pread_all(fd.get(), data.data(), size, 0)) {
        return base::errno_error("cannot read " + path, errno);
    }
    uint64_t pos = std::min(start, size);
    while (pos + kHeaderBytes <= size) {
        const uint32_t len = load_u32(&data[pos]);
        const uint32_t crc = load_u32(&data[pos + 4]);
        if (pos + kHeaderBytes + len > size ||
            crc_of(std::string_view(data).substr(pos + kHeaderBytes, len)) != crc) {
            break;
        }
        ++seg.records;
        pos += kHeaderBytes + len;
    }
    if (pos != size) {
        // A torn append (Kestrel died mid-write) or damage: keep the records before it.
        ++discarded_at_open_;
        if (::ftruncate(fd.get(), static_cast<off_t>(pos)) != 0) {
            return base::errno_error("cannot truncate " + path, errno);
        }
        seg.bytes = pos;
    } else {
        seg.bytes = size;
    }
    return {};
}

base::Status Spool::open_writer() {
    const std::string path = segment_path(segments_.back().seq);
    writer_.reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (!writer_.valid()) {
        return base::errno_error("cannot open " + path, errno);
    }
    return {};
}

Spool::AppendResult Spool::append(std::string_view record) {
    const uint64_t size = kHeaderBytes + record.size();
    if (record.size() > UINT32_MAX || total_bytes_ + size > options_.max_bytes) {
        return AppendResult::kFull;
    }
    if (segments_.empty() ||
        (segments_.back().bytes > 0 && segments_.back().bytes + size > options_.segment_bytes)) {
        writer_.reset();
        segments_.push_back(Segment{.seq = next_seq_++});
    }
    if (!writer_.valid()) {
        if (auto st = open_writer(); !st.ok()) {
            last_error_ = st.error().to_string();
            if (segments_.back().bytes == 0) {
                segments_.pop_back();
            }
            return AppendResult::kError;
        }
    }
    buf_.resize(kHeaderBytes);
    store_u32(buf_.data(), static_cast<uint32_t>(record.size()));
    store_u32(buf_.data() + 4, crc_of(record));
    buf_.append(record);
    Segment& back = segments_.back();
    if (!write_all(writer_.get(), buf_.data(), buf_.size())) {
        last_error_ = fmt::format("cannot write {}: {}", segment_path(back.seq), strerror(errno));
        // Leave no partial record behind (it would read as a torn tail at the next start).
        if (::ftruncate(writer_.get(), static_cast<off_t>(back.bytes)) != 0) {
            last_error_ += fmt::format("; truncate failed: {}", strerror(errno));
        }
        if (back.records == 0) {
            writer_.reset();
            ::unlink(segment_path(back.seq).c_str());
            segments_.pop_back();
        }
        return AppendResult::kError;
    }
    back.bytes += size;
    ++back.records;
    ++records_;
    total_bytes_ += size;
    return AppendResult::kOk;
}

bool Spool::front(std::string& out) {
    front_len_ = 0;
    if (records_ == 0) {
        return false;
    }
    const Segment& head = segments_.front();
    if (!reader_.valid()) {
        reader_.reset(::open(segment_path(head.seq).c_str(), O_RDONLY | O_CLOEXEC));
        if (!reader_.valid()) {
            last_error_ =
                fmt::format("cannot open {}: {}", segment_path(head.seq), strerror(errno));
            return false;
        }
    }
    char header[kHeaderBytes];
    if (!pread_all(reader_.get(), header, sizeof header, read_off_)) {
        last_error_ = fmt::format("cannot read {} at {}", segment_path(head.seq), read_off_);
        return false;
    }
    const uint32_t len = load_u32(header);
    out.resize(len);
    if ((len > 0 && !pread_all(reader_.get(), out.data(), len, read_off_ + kHeaderBytes)) ||
        crc_of(out) != load_u32(header + 4)) {
        last_error_ = fmt::format("damaged record in {} at {}", segment_path(head.seq), read_off_);
        return false;
    }
    front_len_ = len;
    return true;
}

void Spool::pop_front() {
    if (records_ == 0) {
        return;
    }
    Segment& head = segments_.front();
    if (front_len_ == 0) {
        std::string ignored;
        if (!front(ignored)) {
            // Unreadable: the rest of this segment cannot be framed any more; skip it.
            records_ -= head.records;
            head.records = 0;
        }
    }
    if (front_len_ != 0 || head.records != 0) {
        read_off_ += kHeaderBytes + front_len_;
        --head.records;
        --records_;
    }
    front_len_ = 0;
    if (head.records == 0) {
        drop_head();
        persist_offset();
    } else if (++unpersisted_pops_ >= kPersistEvery) {
        persist_offset();
    }
}

Spool::~Spool() {
    if (unpersisted_pops_ != 0) {
        persist_offset();
    }
}

void Spool::drop_head() {
    reader_.reset();
    if (segments_.size() == 1) {
        writer_.reset();
    }
    ::unlink(segment_path(segments_.front().seq).c_str());
    total_bytes_ -= segments_.front().bytes;
    segments_.pop_front();
    read_off_ = 0;
}

void Spool::persist_offset() {
    unpersisted_pops_ = 0;
    if (segments_.empty()) {
        if (::unlink(offset_path().c_str()) != 0 && errno != ENOENT) {
            last_error_ = fmt::format("cannot delete {}: {}", offset_path(), strerror(errno));
        }
        return;
    }
    const std::string tmp = offset_path() + ".tmp";
    const std::string text = fmt::format("{} {}\n", segments_.front().seq, read_off_);
    base::UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    // rename() replaces the old offset atomically: a crash leaves the old or the new one, and
    // the old one only means re-sending the records in between.
    if (!fd.valid() || !write_all(fd.get(), text.data(), text.size()) ||
        ::rename(tmp.c_str(), offset_path().c_str()) != 0) {
        last_error_ = fmt::format("cannot write {}: {}", offset_path(), strerror(errno));
    }
}

} // namespace kestrel::output
