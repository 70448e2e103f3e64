// container.* and k8s.*, with the semantics of Falco's container plugin (plugins/container,
// caps/extract/extract.cpp): everything but container.id needs the container's table entry
// (filled by a runtime or an old capture's container event) and is absent without it; a mount
// or label that does not exist is absent too.

#include <fnmatch.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eval/extract_internal.hpp"

namespace kestrel::eval::detail {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

constexpr size_t kShortIdLen = 12;

// "registry:5000/ns/app:1.2@sha256:..." -> repository "registry:5000/ns/app", tag "1.2" (the
// container plugin's split: the tag is after the last ':' of the last path component).
void split_image(std::string_view image, std::string_view* repo, std::string_view* tag) {
    image = image.substr(0, image.find('@'));
    size_t slash = image.rfind('/');
    size_t colon = image.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        *repo = image.substr(0, colon);
        *tag = image.substr(colon + 1);
    } else {
        *repo = image;
        *tag = {};
    }
}

const std::string* find_label(const Labels& labels, std::string_view key) {
    auto it = std::find_if(labels.begin(), labels.end(),
                           [key](const auto& kv) { return kv.first == key; });
    return it != labels.end() ? &it->second : nullptr;
}

// "key:value, key2:value2" without the runtime's own annotations and io.kubernetes.* labels
// (the plugin's concatenate_container_labels).
void render_labels(const Labels& labels, std::string& out) {
    for (const auto& [key, value] : labels) {
        if (key.starts_with("annotation.") || key.starts_with("io.kubernetes.")) {
            continue;
        }
        if (!out.empty()) {
            out += ", ";
        }
        out += key;
        if (!value.empty()) {
            out += ':';
            out += value;
        }
    }
}

// source:dest:mode:rdwr:propagation
void render_mount(const state::ContainerMount& m, std::string& out) {
    out += m.source;
    out += ':';
    out += m.dest;
    out += ':';
    out += m.mode;
    out += m.rdwr ? ":true:" : ":false:";
    out += m.propagation;
}

// The first mount at `ex.index`, or whose source (destination for container.mount.source)
// matches the glob `ex.arg`.
const state::ContainerMount* find_mount(const Extractor& ex, const state::Container& c) {
    if (ex.index >= 0) {
        return static_cast<size_t>(ex.index) < c.mounts.size() ? &c.mounts[ex.index] : nullptr;
    }
    bool by_dest = ex.kind == FieldKind::kContainerMountSource;
    for (const state::ContainerMount& m : c.mounts) {
        const std::string& path = by_dest ? m.dest : m.source;
        if (fnmatch(ex.arg.c_str(), path.c_str(), 0) == 0) {
            return &m;
        }
    }
    return nullptr;
}

void set_optional_bool(Slot& slot, const std::optional<bool>& v) {
    if (v.has_value()) {
        set_one(slot, Value::of_bool(*v));
    }
}

void set_nonempty(Slot& slot, std::string_view s) {
    if (!s.empty()) {
        set_string(slot, s);
    }
}

void extract_mount(const Extractor& ex, const state::Container& c, Slot& slot) {
    const state::ContainerMount* m = find_mount(ex, c);
    if (m == nullptr) {
        return;
    }
    switch (ex.kind) {
    case FieldKind::kContainerMount:
        slot.text.clear();
        render_mount(*m, slot.text);
        set_text(slot);
        break;
    case FieldKind::kContainerMountSource:
        set_string(slot, m->source);
        break;
    case FieldKind::kContainerMountDest:
        set_string(slot, m->dest);
        break;
    case FieldKind::kContainerMountMode:
        set_string(slot, m->mode);
        break;
    case FieldKind::kContainerMountRdwr:
        set_string(slot, m->rdwr ? "true" : "false");
        break;
    default:
        set_string(slot, m->propagation);
        break;
    }
}

// Pod-level facts live on the pod's sandbox container when the runtime described it apart
// (the plugin's fallback when the container itself carries no CNI result).
const state::Container& pod_of(const state::Tables& tables, const state::Container& c) {
    if (!c.cni_json.empty() || c.pod_sandbox_id.empty()) {
        return c;
    }
    const state::Container* sandbox =
        tables.find_container(std::string_view(c.pod_sandbox_id).substr(0, kShortIdLen));
    return sandbox != nullptr ? *sandbox : c;
}

void extract_k8s(const Extractor& ex, const state::Tables& tables, const state::Container& c,
                 Slot& slot) {
    auto label = [&](std::string_view key) {
        if (const std::string* v = find_label(c.labels, key)) {
            set_string(slot, *v);
        }
    };
    switch (ex.kind) {
    case FieldKind::kK8sPodName:
        label("io.kubernetes.pod.name");
        break;
    case FieldKind::kK8sNsName:
        label("io.kubernetes.pod.namespace");
        break;
    case FieldKind::kK8sPodUid:
        label("io.kubernetes.pod.uid");
        break;
    case FieldKind::kK8sPodSandboxId:
        // A view into the table entry: a substr() copy would dangle once the slot outlives it.
        set_nonempty(slot, std::string_view(c.pod_sandbox_id).substr(0, kShortIdLen));
        break;
    case FieldKind::kK8sPodFullSandboxId:
        set_nonempty(slot, c.pod_sandbox_id);
        break;
    case FieldKind::kK8sPodLabel: {
        const state::Container& pod = pod_of(tables, c);
        if (const std::string* v = find_label(pod.pod_sandbox_labels, ex.arg)) {
            set_string(slot, *v);
        } else if (const std::string* own = find_label(c.pod_sandbox_labels, ex.arg)) {
            set_string(slot, *own);
        }
        break;
    }
    case FieldKind::kK8sPodLabels:
        slot.text.clear();
        render_labels(pod_of(tables, c).pod_sandbox_labels, slot.text);
        set_text(slot);
        break;
    case FieldKind::kK8sPodIp:
        set_nonempty(slot, pod_of(tables, c).ip);
        break;
    default: // kK8sPodCniJson
        set_nonempty(slot, pod_of(tables, c).cni_json);
        break;
    }
}

void extract_container_details(const Extractor& ex, const state::Tables& tables,
                               const state::Container& c, Slot& slot) {
    switch (ex.kind) {
    case FieldKind::kContainerImageId:
        set_nonempty(slot, c.image_id);
        break;
    case FieldKind::kContainerImageDigest:
        set_nonempty(slot, c.image_digest);
        break;
    case FieldKind::kContainerIp:
        set_nonempty(slot, c.ip);
        break;
    case FieldKind::kContainerCniJson:
        set_nonempty(slot, c.cni_json);
        break;
    case FieldKind::kContainerHostPid:
        set_optional_bool(slot, c.host_pid);
        break;
    case FieldKind::kContainerHostNetwork:
        set_optional_bool(slot, c.host_network);
        break;
    case FieldKind::kContainerHostIpc:
        set_optional_bool(slot, c.host_ipc);
        break;
    case FieldKind::kContainerMounts:
        slot.text.clear();
        for (const state::ContainerMount& m : c.mounts) {
            if (!slot.text.empty()) {
                slot.text += ',';
            }
            render_mount(m, slot.text);
        }
        set_text(slot);
        break;
    case FieldKind::kContainerLabel:
        if (const std::string* v = find_label(c.labels, ex.arg)) {
            set_string(slot, *v);
        }
        break;
    case FieldKind::kContainerLabels:
        slot.text.clear();
        render_labels(c.labels, slot.text);
        set_text(slot);
        break;
    case FieldKind::kContainerMount:
    case FieldKind::kContainerMountSource:
    case FieldKind::kContainerMountDest:
    case FieldKind::kContainerMountMode:
    case FieldKind::kContainerMountRdwr:
    case FieldKind::kContainerMountPropagation:
        extract_mount(ex, c, slot);
        break;
    default:
        extract_k8s(ex, tables, c, slot);
        break;
    }
}

} // namespace

bool is_container_kind(FieldKind kind) {
    return kind >= FieldKind::kContainerId && kind <= FieldKind::kK8sPodCniJson;
}

void extract_container(const Extractor& ex, const state::Tables& tables, const state::Process& proc,
                       Slot& slot) {
    if (proc.container_id.empty()) {
        return;
    }
    if (ex.kind == FieldKind::kContainerId) {
        set_string(slot, proc.container_id);
        return;
    }
    const state::Container* c = tables.find_container(proc.container_id);
    bool host = proc.container_id == "host";
    switch (ex.kind) {
    case FieldKind::kContainerFullId:
        if (c != nullptr && !c->full_id.empty()) {
            set_string(slot, c->full_id);
        } else if (host) {
            set_string(slot, proc.container_id);
        }
        break;
    case FieldKind::kContainerName:
        // The container plugin names the host entry "host"; others need a runtime lookup.
        if (c != nullptr && !c->name.empty()) {
            set_string(slot, c->name);
        } else if (host) {
            set_string(slot, proc.container_id);
        }
        break;
    case FieldKind::kContainerType:
        if (c != nullptr && !c->type.empty()) {
            set_string(slot, c->type);
        } else if (host) {
            set_string(slot, proc.container_id);
        }
        break;
    case FieldKind::kContainerImage:
        if (c != nullptr && !c->image.empty()) {
            set_string(slot, c->image);
        }
        break;
    case FieldKind::kContainerImageRepository:
    case FieldKind::kContainerImageTag:
        if (c != nullptr && !c->image.empty()) {
            std::string_view repo;
            std::string_view tag;
            split_image(c->image, &repo, &tag);
            if (ex.kind == FieldKind::kContainerImageRepository) {
                set_string(slot, repo);
            } else if (!tag.empty()) {
                set_string(slot, tag);
            }
        }
        break;
    case FieldKind::kContainerPrivileged:
        // Absent until known (the host entry never knows): a rule `container.privileged=false`
        // must not match a container nobody described.
        if (c != nullptr) {
            set_optional_bool(slot, c->privileged);
        }
        break;
    default:
        if (c != nullptr) {
            extract_container_details(ex, tables, *c, slot);
        }
        break;
    }
}

} // namespace kestrel::eval::detail
