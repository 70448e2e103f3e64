// Temporary driver for capture::run_dump until `kestrel --dump` calls it:
//   kestrel_dump_tmp [cpus_for_each_buffer] [buf_size_preset]   (Ctrl-C stops)
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "capture/dump.hpp"

namespace {
std::atomic<bool> g_stop{false};
void on_signal(int /*sig*/) { g_stop.store(true); }
} // namespace

int main(int argc, char** argv) {
    kestrel::capture::LiveOptions opts;
    if (argc > 1) {
        opts.cpus_for_each_buffer = static_cast<unsigned>(std::atoi(argv[1]));
    }
    if (argc > 2) {
        opts.buf_size_preset = static_cast<unsigned>(std::atoi(argv[2]));
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    auto status = kestrel::capture::run_dump(opts, stdout, g_stop);
    if (!status.ok()) {
        std::fprintf(stderr, "kestrel_dump_tmp: %s\n", status.error().to_string().c_str());
        return 1;
    }
    return 0;
}
