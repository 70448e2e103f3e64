// Class "k8smeta": Falco's k8smeta plugin (plugins/k8smeta/README.md in falcosecurity/plugins),
// which reads pod, namespace, workload and service metadata from the k8s-metacollector. Not
// used by the upstream rules; listed so that rules written for it type-check.

#include <array>

#include "rules/fields/field_builder.hpp"

namespace kestrel::rules::fields {

namespace {

using D = DisplayFormat;
using T = FieldType;

constexpr FieldInfo f(std::string_view name, std::uint32_t flags, std::string_view description) {
    return make_field("k8smeta", name, T::kString, flags | kK8sMetaPlugin, D::kNa, description);
}

// Unlike the container plugin's labels, the README only documents the bracket form here.
constexpr std::uint32_t kLabel = kArgRequired | kArgKey;

constexpr std::array kFields = {
    f("k8smeta.pod.name", kNoFlags, "Name of the pod."),
    f("k8smeta.pod.uid", kNoFlags, "UID of the pod."),
    f("k8smeta.pod.label", kLabel, "Value of one pod label: k8smeta.pod.label[foo]."),
    f("k8smeta.pod.labels", kList, "All pod labels, as a list of key:value strings."),
    f("k8smeta.pod.ip", kNoFlags, "IP address of the pod."),
    f("k8smeta.ns.name", kNoFlags, "Name of the namespace."),
    f("k8smeta.ns.uid", kNoFlags, "UID of the namespace."),
    f("k8smeta.ns.label", kLabel, "Value of one namespace label: k8smeta.ns.label[foo]."),
    f("k8smeta.ns.labels", kList, "All namespace labels, as a list of key:value strings."),
    f("k8smeta.deployment.name", kNoFlags, "Name of the deployment owning the pod."),
    f("k8smeta.deployment.uid", kNoFlags, "UID of the deployment owning the pod."),
    f("k8smeta.deployment.label", kLabel, "Value of one deployment label."),
    f("k8smeta.deployment.labels", kList, "All deployment labels, as a list of key:value strings."),
    f("k8smeta.svc.name", kList, "Names of every service selecting the pod, as a list."),
    f("k8smeta.svc.uid", kList, "UIDs of every service selecting the pod, as a list."),
    f("k8smeta.svc.label", kList | kLabel,
      "Values of one label across the services selecting the pod, as a list."),
    f("k8smeta.svc.labels", kList,
      "Labels of every service selecting the pod, as a list of key:value strings."),
    f("k8smeta.rs.name", kNoFlags, "Name of the replica set owning the pod."),
    f("k8smeta.rs.uid", kNoFlags, "UID of the replica set owning the pod."),
    f("k8smeta.rs.label", kLabel, "Value of one replica set label."),
    f("k8smeta.rs.labels", kList, "All replica set labels, as a list of key:value strings."),
    f("k8smeta.rc.name", kNoFlags, "Name of the replication controller owning the pod."),
    f("k8smeta.rc.uid", kNoFlags, "UID of the replication controller owning the pod."),
    f("k8smeta.rc.label", kLabel, "Value of one replication controller label."),
    f("k8smeta.rc.labels", kList,
      "All replication controller labels, as a list of key:value strings."),
};

} // namespace

std::span<const FieldInfo> k8smeta_fields() { return kFields; }

} // namespace kestrel::rules::fields
