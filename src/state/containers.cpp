#include "state/containers.hpp"

#include <cstring>

namespace kestrel::state {
namespace {

constexpr size_t kRuncIdLength = 64;
constexpr size_t kShortIdLength = 12;

bool is_hex_id(std::string_view s) {
    if (s.size() != kRuncIdLength) {
        return false;
    }
    for (char c : s) {
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        if (!hex) {
            return false;
        }
    }
    return true;
}

// `component` is prefix + 64-hex id + suffix (suffix may be empty).
bool match_wrapped(std::string_view component, std::string_view prefix, std::string_view suffix,
                   std::string_view* id) {
    if (component.size() != prefix.size() + kRuncIdLength + suffix.size() ||
        !component.starts_with(prefix) || !component.ends_with(suffix)) {
        return false;
    }
    std::string_view candidate = component.substr(prefix.size(), kRuncIdLength);
    if (!is_hex_id(candidate)) {
        return false;
    }
    *id = candidate;
    return true;
}

struct Layout {
    std::string_view prefix;
    std::string_view suffix;
    std::string_view type;
};

// The systemd and cgroupfs layouts of runc-based runtimes (libsinsp runc.h explains them: an id of
// 64 hex digits between a runtime prefix and ".scope" or nothing).
constexpr Layout kLayouts[] = {
    {"docker-", ".scope", "docker"},
    {"cri-containerd-", ".scope", "containerd"},
    {"crio-", ".scope", "cri-o"},
    {"crio-", "", "cri-o"},
    {"libpod-", ".scope", "podman"},
    {"libpod-", "", "podman"},
    {"libpod-payload-", ".scope", "podman"},
    {"libpod-payload-", "", "podman"},
};

bool match_component(std::string_view path, std::string_view component, std::string_view previous,
                     ContainerMatch* out) {
    std::string_view id;
    if (is_hex_id(component)) {
        // A bare id (cgroupfs driver): the runtime is told by the path around it.
        // "/docker/<id>" and anything unrecognized are docker's layout.
        out->full_id = component;
        out->type = "docker";
        if (previous != "docker") {
            if (path.find("libpod_parent") != std::string_view::npos) {
                out->type = "podman";
            } else if (path.find("kubepods") != std::string_view::npos) {
                out->type = "containerd";
            }
        }
        return true;
    }
    for (const Layout& layout : kLayouts) {
        if (match_wrapped(component, layout.prefix, layout.suffix, &id)) {
            out->full_id = id;
            out->type = layout.type;
            return true;
        }
    }
    // containerd without SystemdCgroup: "kubepods-...-pod<uid>.slice:cri-containerd:<id>".
    constexpr std::string_view kCriContainerd = ":cri-containerd:";
    if (auto pos = component.rfind(kCriContainerd); pos != std::string_view::npos) {
        std::string_view rest = component.substr(pos + kCriContainerd.size());
        if (is_hex_id(rest)) {
            out->full_id = rest;
            out->type = "containerd";
            return true;
        }
    }
    // crio with the same systemd-less form: "...slice:crio:<id>".
    constexpr std::string_view kCrio = ":crio:";
    if (auto pos = component.rfind(kCrio); pos != std::string_view::npos) {
        std::string_view rest = component.substr(pos + kCrio.size());
        if (is_hex_id(rest)) {
            out->full_id = rest;
            out->type = "cri-o";
            return true;
        }
    }
    // LXC: /lxc/<name>, /lxc.payload/<name>, /lxc.payload.<name>.
    if ((previous == "lxc" || previous == "lxc.payload") && !component.empty()) {
        out->full_id = component;
        out->type = "lxc";
        return true;
    }
    constexpr std::string_view kLxcPayload = "lxc.payload.";
    if (component.starts_with(kLxcPayload) && component.size() > kLxcPayload.size()) {
        out->full_id = component.substr(kLxcPayload.size());
        out->type = "lxc";
        return true;
    }
    // libvirt-lxc: /machine.slice/machine-lxc\x2d<name>.scope or /machine/<name>.libvirt-lxc.
    constexpr std::string_view kMachineLxc = "machine-lxc\\x2d";
    constexpr std::string_view kScope = ".scope";
    if (component.starts_with(kMachineLxc) && component.ends_with(kScope) &&
        component.size() > kMachineLxc.size() + kScope.size()) {
        out->full_id = component.substr(kMachineLxc.size(),
                                        component.size() - kMachineLxc.size() - kScope.size());
        out->type = "libvirt-lxc";
        return true;
    }
    constexpr std::string_view kLibvirtLxc = ".libvirt-lxc";
    if (component.ends_with(kLibvirtLxc) && component.size() > kLibvirtLxc.size()) {
        out->full_id = component.substr(0, component.size() - kLibvirtLxc.size());
        out->type = "libvirt-lxc";
        return true;
    }
    return false;
}

} // namespace

bool match_container_cgroup(std::string_view path, ContainerMatch* out) {
    // Walk the components from the deepest one up.
    size_t end = path.size();
    while (end > 0) {
        while (end > 0 && path[end - 1] == '/') {
            --end;
        }
        if (end == 0) {
            break;
        }
        size_t slash = path.rfind('/', end - 1);
        size_t begin = slash == std::string_view::npos ? 0 : slash + 1;
        std::string_view component = path.substr(begin, end - begin);
        std::string_view previous;
        if (slash != std::string_view::npos && slash > 0) {
            size_t pslash = path.rfind('/', slash - 1);
            size_t pbegin = pslash == std::string_view::npos ? 0 : pslash + 1;
            previous = path.substr(pbegin, slash - pbegin);
        }
        if (match_component(path, component, previous, out)) {
            return true;
        }
        end = begin;
    }
    return false;
}

bool match_container_cgroups(std::span<const uint8_t> cgroups, ContainerMatch* out) {
    std::string_view all(reinterpret_cast<const char*>(cgroups.data()), cgroups.size());
    while (!all.empty()) {
        size_t nul = all.find('\0');
        std::string_view entry = all.substr(0, nul);
        all = nul == std::string_view::npos ? std::string_view{} : all.substr(nul + 1);
        size_t eq = entry.find('=');
        std::string_view path = eq == std::string_view::npos ? entry : entry.substr(eq + 1);
        if (!path.empty() && match_container_cgroup(path, out)) {
            return true;
        }
    }
    return false;
}

std::string_view short_container_id(std::string_view full_id) {
    if (full_id.size() == kRuncIdLength && is_hex_id(full_id)) {
        return full_id.substr(0, kShortIdLength);
    }
    return full_id;
}

Container& ContainerTable::add(const ContainerMatch& match, uint64_t ts) {
    std::string_view id = short_container_id(match.full_id);
    auto it = table_.find(std::string(id));
    if (it != table_.end()) {
        return it->second;
    }
    Container c;
    c.id = std::string(id);
    c.full_id = std::string(match.full_id);
    c.type = std::string(match.type);
    c.first_seen_ts = ts;
    return table_.emplace(c.id, std::move(c)).first->second;
}

Container& ContainerTable::upsert(const Container& info, uint64_t ts) {
    std::string_view id = short_container_id(info.id);
    auto it = table_.find(std::string(id));
    if (it == table_.end()) {
        Container c;
        c.id = std::string(id);
        c.first_seen_ts = ts;
        it = table_.emplace(c.id, std::move(c)).first;
    }
    Container& c = it->second;
    if (c.full_id.empty() || info.id.size() > c.full_id.size()) {
        c.full_id = info.id;
    }
    if (!info.full_id.empty()) {
        c.full_id = info.full_id;
    }
    if (!info.type.empty()) {
        c.type = info.type;
    }
    if (!info.name.empty()) {
        c.name = info.name;
    }
    if (!info.image.empty()) {
        c.image = info.image;
    }
    auto keep_text = [](std::string& to, const std::string& from) {
        if (!from.empty()) {
            to = from;
        }
    };
    keep_text(c.image_id, info.image_id);
    keep_text(c.image_digest, info.image_digest);
    keep_text(c.ip, info.ip);
    keep_text(c.cni_json, info.cni_json);
    keep_text(c.pod_sandbox_id, info.pod_sandbox_id);
    for (auto [to, from] :
         {std::pair{&c.privileged, &info.privileged}, std::pair{&c.host_pid, &info.host_pid},
          std::pair{&c.host_network, &info.host_network}, std::pair{&c.host_ipc, &info.host_ipc}}) {
        if (from->has_value()) {
            *to = *from;
        }
    }
    if (!info.mounts.empty()) {
        c.mounts = info.mounts;
    }
    if (!info.labels.empty()) {
        c.labels = info.labels;
    }
    if (!info.pod_sandbox_labels.empty()) {
        c.pod_sandbox_labels = info.pod_sandbox_labels;
    }
    return c;
}

const Container* ContainerTable::find(std::string_view id) const {
    if (id == "host") {
        return &host_container();
    }
    auto it = table_.find(std::string(id));
    return it == table_.end() ? nullptr : &it->second;
}

void ContainerTable::ref(std::string_view id) {
    if (id == "host") {
        return;
    }
    if (auto it = table_.find(std::string(id)); it != table_.end()) {
        ++it->second.processes;
    }
}

void ContainerTable::unref(std::string_view id) {
    if (id == "host") {
        return;
    }
    if (auto it = table_.find(std::string(id)); it != table_.end()) {
        if (--it->second.processes <= 0) {
            table_.erase(it);
        }
    }
}

const Container& host_container() {
    static const Container host = [] {
        Container c;
        c.id = "host";
        c.full_id = "host";
        c.type = "host";
        c.name = "host";
        return c;
    }();
    return host;
}

} // namespace kestrel::state
