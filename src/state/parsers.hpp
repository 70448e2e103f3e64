#pragma once
// The event parsers of Tables, one family per file (parse_process.cpp, parse_fd.cpp). Internal.

#include "event/view.hpp"
#include "state/tables.hpp"

namespace kestrel::state {

struct Parsers {
    // parse_process.cpp
    static void clone(Tables& t, const event::View& evt);
    static void execve(Tables& t, const event::View& evt);
    static void procexit(Tables& t, const event::View& evt);
    static void load_snapshot(Tables& t, const ThreadSnapshot& s);
    static void enrich(Tables& t, Thread& thread, const ThreadSnapshot& s);
    static void fill_process(Tables& t, Process& p, const ThreadSnapshot& s, bool only_missing);
    static void credentials(Tables& t, Thread& thread, const event::View& evt);

    // parse_fd.cpp: every event other than clone/execve/procexit.
    static void other(Tables& t, Thread& thread, const event::View& evt);

    static void rebuild_cmdline(Thread& thread);

    // Fd-table edits for the helpers of the parser files (Tables keeps them private).
    static Fd* add_fd(Tables& t, Process& p, int64_t num) { return t.add_fd(p, num); }
    static bool erase_fd(Tables& t, Process& p, int64_t num) { return t.erase_fd(p, num); }
    static Fd* lookup_fd(Tables& t, Process& p, int64_t num) { return t.lookup_fd(p, num); }
    static std::string& scratch(Tables& t) { return t.scratch_; }
    static void set_fd_name_changed(Tables& t, bool changed) { t.fd_name_changed_ = changed; }
};

} // namespace kestrel::state
