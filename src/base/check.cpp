#include "base/check.hpp"

#include <cstdio>
#include <cstdlib>

namespace kestrel::base {

void check_failed(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "kestrel fatal: check failed: %s at %s:%d\n", expr, file, line);
    std::abort();
}

} // namespace kestrel::base
