// The syscall loops of the live-overhead benchmark (bench/live/overhead.sh), one per run:
//
//   syscall_loops getppid N          N x getppid via syscall(2): an uncaptured syscall
//   syscall_loops open_read N FILE   N x (open FILE, read 256 bytes, close): 2 captured events
//
// Prints one line, nothing else: the nanoseconds per iteration by the wall clock, then by the
// process's own CPU time (CLOCK_PROCESS_CPUTIME_ID). The probe's work runs inside the loop's
// syscalls, so it shows in both; only the CPU figure is immune to other work on a busy host
// (time spent waiting for a CPU is not counted).

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s getppid N | open_read N FILE\n", argv[0]);
        return 2;
    }
    const char* mode = argv[1];
    long n = std::strtol(argv[2], nullptr, 10);
    bool open_read = std::strcmp(mode, "open_read") == 0;
    if (n <= 0 || (open_read && argc < 4) || (!open_read && std::strcmp(mode, "getppid") != 0)) {
        std::fprintf(stderr, "usage: %s getppid N | open_read N FILE\n", argv[0]);
        return 2;
    }
    char buf[256];
    auto cpu_ns = [] {
        timespec ts{};
        ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
    };
    double cpu_start = cpu_ns();
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i) {
        if (open_read) {
            int fd = ::open(argv[3], O_RDONLY);
            if (fd < 0) {
                std::perror("open");
                return 1;
            }
            if (::read(fd, buf, sizeof(buf)) < 0) {
                std::perror("read");
                return 1;
            }
            ::close(fd);
        } else {
            ::syscall(SYS_getppid);
        }
    }
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    double cpu = cpu_ns() - cpu_start;
    std::printf("%.1f %.1f\n", static_cast<double>(ns) / static_cast<double>(n),
                cpu / static_cast<double>(n));
    return 0;
}
