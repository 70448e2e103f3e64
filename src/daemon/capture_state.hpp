#pragma once
// Initial state from a capture file: the process, fd, user and group lists a .scap carries
// before its events, converted into the state engine's plain snapshots. This lives in daemon/
// because it is the layer that sees both capture/scap and state (neither depends on the other).

#include "capture/scap/reader.hpp"
#include "state/tables.hpp"

namespace kestrel::daemon {

void load_capture_state(const capture::scap::ScapReader& reader, state::Tables& tables);

} // namespace kestrel::daemon
