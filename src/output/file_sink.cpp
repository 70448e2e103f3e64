#include "output/file_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

namespace kestrel::output {

base::Result<std::unique_ptr<FileSink>> FileSink::open(std::string path, bool keep_alive,
                                                       bool buffered) {
    std::unique_ptr<FileSink> sink(new FileSink(std::move(path), keep_alive, buffered));
    const int fd = sink->open_fd();
    if (fd < 0) {
        return base::errno_error(
            fmt::format("configuration key 'file_output.filename': cannot open '{}' for appending",
                        sink->path_),
            errno);
    }
    if (keep_alive) {
        sink->fd_ = fd;
    } else {
        ::close(fd);
    }
    return sink;
}

FileSink::FileSink(std::string path, bool keep_alive, bool buffered)
    : path_(std::move(path)), keep_alive_(keep_alive), buffer_(buffered) {}

FileSink::~FileSink() { close_fd(); }

int FileSink::open_fd() const {
    // 0666 before the umask, as Falco's std::ofstream creates it.
    return ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0666);
}

void FileSink::close_fd() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

void FileSink::deliver(const eval::Alert& /*alert*/, std::string_view line) {
    if (buffer_.add(line)) {
        flush();
    }
}

void FileSink::flush() {
    if (buffer_.empty()) {
        return;
    }
    WriteResult result;
    if (fd_ < 0) {
        fd_ = open_fd();
    }
    if (fd_ < 0) {
        result = {WriteStatus::kError, errno};
    } else {
        result = write_all(fd_, buffer_.bytes(), FdKind::kNonBlocking, *this);
    }
    outcome_.record(*this, result, buffer_.lines(), path_);
    buffer_.clear();
    if (!keep_alive_ || result.status != WriteStatus::kOk) {
        close_fd(); // a failed descriptor is not reused: the next alert opens the file afresh
    }
}

void FileSink::reopen() { close_fd(); }

} // namespace kestrel::output
