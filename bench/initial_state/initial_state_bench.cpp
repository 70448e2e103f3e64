// Time and memory to build the initial state: the BPF task/task_file iterators (load + walks +
// conversion + Tables::load) vs the /proc scan (scan + Tables::load), medians of `runs`, on the
// host as it is and then with `spawn` extra idle processes (each holding a file, a pipe and a
// socketpair) to show how both scale. Prints figures, asserts nothing.
//
//   initial_state_bench [runs=5] [spawn=1000]

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "base/time.hpp"
#include "capture/task_iter.hpp"
#include "daemon/initial_state.hpp"
#include "state/proc_scan.hpp"
#include "state/tables.hpp"

namespace {

using namespace kestrel;

size_t heap_in_use() { return mallinfo2().uordblks; }

double ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

struct Figures {
    std::vector<double> total, load, walk, to_state;
    size_t snapshot_bytes = 0; // records (iterator) or snapshots (/proc) held before the load
    size_t tables_bytes = 0;   // the loaded tables
    uint64_t threads = 0, fds = 0;
};

void run_iterator(Figures* f) {
    size_t h0 = heap_in_use();
    uint64_t t0 = base::monotonic_ns();
    auto snap = capture::run_task_iterators();
    if (!snap.ok()) {
        std::fprintf(stderr, "iterator: %s\n", snap.error().to_string().c_str());
        std::exit(1);
    }
    uint64_t t1 = base::monotonic_ns();
    std::vector<state::ThreadSnapshot> threads = daemon::iter_to_snapshots(*snap);
    size_t h1 = heap_in_use();
    state::Tables tables;
    tables.load(threads);
    uint64_t t2 = base::monotonic_ns();
    size_t h2 = heap_in_use();
    f->total.push_back(ms(t2 - t0));
    f->load.push_back(ms(snap->load_ns));
    f->walk.push_back(ms(snap->task_ns + snap->file_ns));
    f->to_state.push_back(ms(t2 - t1));
    f->snapshot_bytes = h1 - h0;
    f->tables_bytes = h2 - h1;
    f->threads = snap->tasks.size();
    f->fds = snap->files.size();
}

void run_proc(Figures* f) {
    size_t h0 = heap_in_use();
    uint64_t t0 = base::monotonic_ns();
    state::ProcScanStats stats;
    auto threads = state::scan_proc({}, &stats);
    if (!threads.ok()) {
        std::fprintf(stderr, "/proc: %s\n", threads.error().to_string().c_str());
        std::exit(1);
    }
    uint64_t t1 = base::monotonic_ns();
    size_t h1 = heap_in_use();
    state::Tables tables;
    tables.load(*threads);
    uint64_t t2 = base::monotonic_ns();
    size_t h2 = heap_in_use();
    f->total.push_back(ms(t2 - t0));
    f->walk.push_back(ms(t1 - t0));
    f->to_state.push_back(ms(t2 - t1));
    f->snapshot_bytes = h1 - h0;
    f->tables_bytes = h2 - h1;
    f->threads = stats.threads;
    f->fds = stats.fds;
}

void report(const char* label, int runs) {
    Figures it;
    Figures proc;
    for (int i = 0; i < runs; ++i) { // interleaved: both see the same host
        run_iterator(&it);
        run_proc(&proc);
    }
    std::printf("%s\n", label);
    std::printf("  /proc scan : %6.1f ms total (scan %6.1f, load %5.1f) | %5lu threads %6lu fds | "
                "snapshots %6.1f MiB, tables %5.1f MiB\n",
                median(proc.total), median(proc.walk), median(proc.to_state),
                (unsigned long)proc.threads, (unsigned long)proc.fds,
                proc.snapshot_bytes / 1048576.0, proc.tables_bytes / 1048576.0);
    std::printf(
        "  iterators  : %6.1f ms total (object load+verify %6.1f, walks %5.1f, "
        "to state %5.1f) | %5lu threads %6lu fds | records+snapshots %6.1f MiB, tables %5.1f MiB\n",
        median(it.total), median(it.load), median(it.walk), median(it.to_state),
        (unsigned long)it.threads, (unsigned long)it.fds, it.snapshot_bytes / 1048576.0,
        it.tables_bytes / 1048576.0);
}

} // namespace

int main(int argc, char** argv) {
    int runs = argc > 1 ? std::atoi(argv[1]) : 5;
    int spawn = argc > 2 ? std::atoi(argv[2]) : 1000;
    report("host as it is:", runs);

    std::vector<pid_t> children;
    for (int i = 0; i < spawn; ++i) {
        pid_t pid = ::fork();
        if (pid == 0) {
            int fd = ::open("/etc/hostname", O_RDONLY);
            int p[2];
            int s[2];
            if (fd < 0 || ::pipe(p) != 0 || ::socketpair(AF_UNIX, SOCK_STREAM, 0, s) != 0) {
                _exit(1);
            }
            ::pause();
            _exit(0);
        }
        if (pid < 0) {
            break;
        }
        children.push_back(pid);
    }
    ::usleep(500 * 1000);
    char label[64];
    std::snprintf(label, sizeof(label), "with %zu extra processes:", children.size());
    report(label, runs);
    for (pid_t pid : children) {
        ::kill(pid, SIGKILL);
    }
    for (pid_t pid : children) {
        ::waitpid(pid, nullptr, 0);
    }
    return 0;
}
