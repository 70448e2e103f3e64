#pragma once
// Container identity from a process's cgroup paths, as Falco's container plugin and libsinsp's
// runc-style engines derive it (container_engine/runc.cpp, docker, cri, podman, lxc, libvirt_lxc)
// before asking any runtime: the cgroup path component that carries a 64-hex-digit id with a
// runtime's prefix/suffix. Name, image and labels need a runtime client: not done here.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "state/types.hpp"

namespace kestrel::state {

// Views into the matched path: valid as long as it.
struct ContainerMatch {
    std::string_view type;    // docker, containerd, cri-o, podman, lxc, libvirt-lxc
    std::string_view full_id; // the id as found (64 hex digits for runc-based runtimes)
};

// Matches one cgroup path ("/system.slice/docker-<id>.scope"). The deepest matching path component
// wins (nested containers report the innermost). False for host paths.
bool match_container_cgroup(std::string_view path, ContainerMatch* out);

// Matches the NUL-separated "subsys=path" entries of an execve/clone `cgroups` parameter (or a
// /proc/PID/cgroup converted to that form); the first entry that matches wins.
bool match_container_cgroups(std::span<const uint8_t> cgroups, ContainerMatch* out);

// container.id: the first 12 characters of a runc id; names (lxc) are kept whole.
std::string_view short_container_id(std::string_view full_id);

// The container table: one entry per container seen in a process's cgroups. Entries are added by
// the thread tables and removed when their last process leaves.
class ContainerTable {
  public:
    // The entry for `match` (created on first sight); its id is the short id.
    Container& add(const ContainerMatch& match, uint64_t ts);
    [[nodiscard]] const Container* find(std::string_view id) const;
    // Container metadata from a runtime or an old capture's `container` event: creates the entry
    // for `info.id` (shortened like add()) or fills the known fields of the existing one; empty
    // strings and an unknown `privileged` keep what the entry had. The process count and first
    // sight stay the table's. Callers skip "host": find() answers it from host_container().
    Container& upsert(const Container& info, uint64_t ts);
    // A process joined or left container `id` ("host" is not tracked).
    void ref(std::string_view id);
    void unref(std::string_view id);
    [[nodiscard]] size_t size() const { return table_.size(); }
    [[nodiscard]] const std::unordered_map<std::string, Container>& all() const { return table_; }
    void clear() { table_.clear(); }

  private:
    std::unordered_map<std::string, Container> table_;
};

// The Container the host's processes report (container.id "host").
const Container& host_container();

} // namespace kestrel::state
