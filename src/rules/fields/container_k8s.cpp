// Classes "container" and "k8s": since Falco 0.41 these fields come from Falco's container
// plugin (plugins/container/README.md in falcosecurity/plugins), which replaced libsinsp's
// container and k8s filterchecks. Kestrel provides them natively. Plugin field types map to libs
// types as the plugin API does: string -> CHARBUF, bool -> BOOL, abstime/reltime ->
// ABSTIME/RELTIME.

#include <array>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

namespace {

using D = DisplayFormat;
using T = FieldType;

constexpr FieldInfo c(std::string_view name, T type, std::uint32_t flags,
                      std::string_view description) {
    return make_field("container", name, type, flags | kContainerPlugin, D::kNa, description);
}

constexpr FieldInfo k(std::string_view name, std::uint32_t flags, std::string_view description) {
    return make_field("k8s", name, T::kString, flags | kContainerPlugin, D::kNa, description);
}

// A mount is selected by position or by a path (which may be a glob); the argument is required.
constexpr std::uint32_t kMountArg = kArgRequired | kArgIndex | kArgKey;
// Labels are selected by key, in brackets or after a dot (k8s.pod.label.app.kubernetes.io/name).
constexpr std::uint32_t kLabelArg = kArgRequired | kArgKey | kDotted;

constexpr std::array kContainerFields = {
    c("container.id", T::kString, kSuggested,
      "Container id truncated to 12 characters, taken from the process cgroups in the kernel; "
      "always available and the key for every other container.* lookup. The string 'host' for "
      "processes outside any container. A Kubernetes pod sandbox process can have a "
      "container.id equal to k8s.pod.sandbox_id and no other container details."),
    c("container.full_id", T::kString, kNoFlags,
      "Full 64-character container id, filled in by the runtime lookup. May be missing until "
      "that lookup has completed."),
    c("container.name", T::kString, kSuggested,
      "Container name; 'host' for processes outside any container. May be missing until the "
      "container runtime lookup has completed."),
    c("container.image", T::kString, kNoFlags,
      "Container image name, e.g. falcosecurity/falco:latest. May be missing until the "
      "container runtime lookup has completed."),
    c("container.image.id", T::kString, kNoFlags,
      "Container image id, e.g. 6f7e2741b66b. May be missing until the container runtime "
      "lookup has completed."),
    c("container.type", T::kString, kNoFlags,
      "Container runtime type: docker, cri-o, containerd, podman, lxc..."),
    c("container.privileged", T::kBool, kNoFlags,
      "true for a privileged container. May be missing until the container runtime lookup has "
      "completed."),
    c("container.mounts", T::kString, kNoFlags,
      "All mounts of the container, space-separated, each as "
      "source:dest:mode:rdwr:propagation. May be missing until the container runtime lookup "
      "has completed."),
    c("container.mount", T::kString, kMountArg,
      "One mount as source:dest:mode:rdwr:propagation, chosen by position (container.mount[0]) "
      "or by source path, which may be a glob (container.mount[/usr/local/*]); the string "
      "'none' when no mount matches."),
    c("container.mount.source", T::kString, kMountArg,
      "Source of a mount chosen by position or by destination path (a glob is allowed), e.g. "
      "container.mount.source[/host/lib/modules]."),
    c("container.mount.dest", T::kString, kMountArg,
      "Destination of a mount chosen by position or by source path (a glob is allowed), e.g. "
      "container.mount.dest[/var/run/docker.sock]; 'none' when no mount matches."),
    c("container.mount.mode", T::kString, kMountArg,
      "Mode of a mount chosen by position or by source path (a glob is allowed)."),
    c("container.mount.rdwr", T::kString, kMountArg,
      "Read-write flag of a mount chosen by position or by source path (a glob is allowed)."),
    c("container.mount.propagation", T::kString, kMountArg,
      "Propagation of a mount chosen by position or by source path (a glob is allowed)."),
    c("container.image.repository", T::kString, kNoFlags,
      "Repository of the container image without tag or digest, e.g. falcosecurity/falco. May "
      "be missing until the container runtime lookup has completed."),
    c("container.image.tag", T::kString, kNoFlags,
      "Tag of the container image, e.g. latest. May be missing until the container runtime "
      "lookup has completed."),
    c("container.image.digest", T::kString, kNoFlags,
      "Registry digest of the container image (sha256:...). May be missing until the "
      "container runtime lookup has completed."),
    c("container.healthcheck", T::kString, kDeprecated,
      "Deprecated: the container health check command line; N/A when none is configured."),
    c("container.liveness_probe", T::kString, kDeprecated,
      "Deprecated (use the k8smeta plugin): the container liveness probe command line."),
    c("container.readiness_probe", T::kString, kDeprecated,
      "Deprecated (use the k8smeta plugin): the container readiness probe command line."),
    c("container.start_ts", T::kAbsTime, kNoFlags,
      "Container start time in nanoseconds since the epoch, derived in the kernel from "
      "proc.pidns_init_start_ts rather than from the runtime."),
    c("container.duration", T::kRelTime, kNoFlags, "Nanoseconds elapsed since container.start_ts."),
    c("container.ip", T::kString, kNoFlags,
      "Primary IPv4 address of the container or pod, from the runtime. May be missing until "
      "the container runtime lookup has completed."),
    c("container.cni.json", T::kString, kNoFlags,
      "CNI result of the pod (addresses of every interface, IPv4 and IPv6) as escaped JSON "
      "text; CRI runtimes only. May be missing until the container runtime lookup has "
      "completed."),
    c("container.host_pid", T::kBool, kNoFlags,
      "true if the container shares the host pid namespace."),
    c("container.host_network", T::kBool, kNoFlags,
      "true if the container shares the host network namespace."),
    c("container.host_ipc", T::kBool, kNoFlags,
      "true if the container shares the host IPC namespace."),
    c("container.label", T::kString, kLabelArg,
      "Value of one container label: container.label[foo] or container.label.foo."),
    c("container.labels", T::kString, kNoFlags,
      "All container labels as comma-separated key:value pairs."),
    c("proc.is_container_healthcheck", T::kBool, kDeprecated,
      "Deprecated: true if the process runs as part of the container health check."),
    c("proc.is_container_liveness_probe", T::kBool, kDeprecated,
      "Deprecated (use the k8smeta plugin): true if the process runs as part of the liveness "
      "probe."),
    c("proc.is_container_readiness_probe", T::kBool, kDeprecated,
      "Deprecated (use the k8smeta plugin): true if the process runs as part of the readiness "
      "probe."),
};

constexpr std::string_view kK8sDeprecated = "Deprecated: use the k8smeta plugin fields instead.";

constexpr std::array kK8sFields = {
    k("k8s.pod.name", kNoFlags,
      "Name of the Kubernetes pod, read from the container runtime together with the "
      "container.* details; may be missing until that lookup has completed."),
    k("k8s.ns.name", kNoFlags,
      "Kubernetes namespace of the pod, read from the container runtime; may be missing until "
      "that lookup has completed."),
    k("k8s.pod.id", kNoFlags,
      "Legacy alias of k8s.pod.uid (the pod UID, not the sandbox id); prefer k8s.pod.uid."),
    k("k8s.pod.uid", kNoFlags,
      "UID Kubernetes assigned to the pod at creation, e.g. 3e41dc6b-08a8-44db-bc2a-"
      "3724b18ab19a; different from the sandbox id."),
    k("k8s.pod.sandbox_id", kNoFlags,
      "Pod sandbox id truncated to 12 characters, taken from the cgroups like container.id."),
    k("k8s.pod.full_sandbox_id", kNoFlags, "Full pod sandbox id."),
    k("k8s.pod.label", kLabelArg,
      "Value of one pod label, in brackets or after a dot; the key may contain '.', '-', '_' "
      "and '/': k8s.pod.label[app.kubernetes.io/name] or k8s.pod.label.app.kubernetes.io/name."),
    k("k8s.pod.labels", kNoFlags, "All pod labels as comma-separated key:value pairs."),
    k("k8s.pod.ip", kNoFlags, "Primary IPv4 address of the pod (the same as container.ip)."),
    k("k8s.pod.cni.json", kNoFlags,
      "CNI result of the pod as escaped JSON text (the same as container.cni.json)."),
    k("k8s.rc.name", kDeprecated, kK8sDeprecated),
    k("k8s.rc.id", kDeprecated, kK8sDeprecated),
    k("k8s.rc.label", kDeprecated | kLabelArg, kK8sDeprecated),
    k("k8s.rc.labels", kDeprecated, kK8sDeprecated),
    k("k8s.svc.name", kDeprecated, kK8sDeprecated),
    k("k8s.svc.id", kDeprecated, kK8sDeprecated),
    k("k8s.svc.label", kDeprecated | kLabelArg, kK8sDeprecated),
    k("k8s.svc.labels", kDeprecated, kK8sDeprecated),
    k("k8s.ns.id", kDeprecated, kK8sDeprecated),
    k("k8s.ns.label", kDeprecated | kLabelArg, kK8sDeprecated),
    k("k8s.ns.labels", kDeprecated, kK8sDeprecated),
    k("k8s.rs.name", kDeprecated, kK8sDeprecated),
    k("k8s.rs.id", kDeprecated, kK8sDeprecated),
    k("k8s.rs.label", kDeprecated | kLabelArg, kK8sDeprecated),
    k("k8s.rs.labels", kDeprecated, kK8sDeprecated),
    k("k8s.deployment.name", kDeprecated, kK8sDeprecated),
    k("k8s.deployment.id", kDeprecated, kK8sDeprecated),
    k("k8s.deployment.label", kDeprecated | kLabelArg, kK8sDeprecated),
    k("k8s.deployment.labels", kDeprecated, kK8sDeprecated),
};

} // namespace

std::span<const FieldInfo> container_fields() { return kContainerFields; }
std::span<const FieldInfo> k8s_fields() { return kK8sFields; }

} // namespace kestrel::rules::fields
