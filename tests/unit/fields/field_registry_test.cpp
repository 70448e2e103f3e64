// Lookup, dynamic forms, type names and table invariants of the field registry.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "rules/field_registry.hpp"

namespace kestrel::rules {
namespace {

TEST(fields_registry, FindsPlainFields) {
    const FieldInfo* f = find_field("proc.name");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->name, "proc.name");
    EXPECT_EQ(f->field_class, "process");
    EXPECT_EQ(f->type, FieldType::kString);
    EXPECT_FALSE(f->is_list);
    EXPECT_EQ(f->arg_mode, ArgMode::kNone);
    EXPECT_TRUE(f->filter_allowed);
    EXPECT_TRUE(f->output_allowed);
    EXPECT_FALSE(f->description.empty());
}

TEST(fields_registry, TypesOfFieldsTheUpstreamRulesUse) {
    struct Case {
        const char* name;
        FieldType type;
    };
    // Types from falco-compat.md 4.2/4.3 and the libs tables.
    const Case cases[] = {
        {"user.uid", FieldType::kUint32},
        {"proc.tty", FieldType::kUint32},
        {"user.loginuid", FieldType::kInt64},
        {"evt.rawres", FieldType::kInt64},
        {"fd.num", FieldType::kInt64},
        {"evt.num", FieldType::kUint64},
        {"fd.net", FieldType::kIpNet},
        {"fd.ip", FieldType::kIpAddr},
        {"fd.sip", FieldType::kIpAddr},
        {"fd.lport", FieldType::kPort},
        {"fd.typechar", FieldType::kString},
        {"evt.is_open_read", FieldType::kBool},
        {"fd.connected", FieldType::kBool},
        {"proc.vpid", FieldType::kInt64},
        {"proc.duration", FieldType::kRelTime},
        {"proc.exe_ino.ctime", FieldType::kAbsTime},
        {"evt.buffer", FieldType::kByteBuf},
        {"container.privileged", FieldType::kBool},
        {"container.start_ts", FieldType::kAbsTime},
        {"evt.cpu", FieldType::kInt16},
        {"fd.dev", FieldType::kInt32},
        {"proc.fdusage", FieldType::kDouble},
        {"evt.rawarg", FieldType::kDynamic},
        {"evt.type.is", FieldType::kUint32},
    };
    for (const auto& c : cases) {
        const FieldInfo* f = find_field(c.name);
        ASSERT_NE(f, nullptr) << c.name;
        EXPECT_EQ(f->type, c.type) << c.name;
    }
}

TEST(fields_registry, UnknownNamesAreRejected) {
    EXPECT_EQ(find_field(""), nullptr);
    EXPECT_EQ(find_field("proc"), nullptr);
    EXPECT_EQ(find_field("proc.nam"), nullptr);
    EXPECT_EQ(find_field("proc.namex"), nullptr);
    EXPECT_EQ(find_field("PROC.NAME"), nullptr);
    EXPECT_EQ(find_field("foo.bar"), nullptr);
    // %container.info is a loader placeholder, not a field.
    EXPECT_EQ(find_field("container.info"), nullptr);
    // An argument on a field that takes none.
    EXPECT_EQ(find_field("proc.name[1]"), nullptr);
    EXPECT_EQ(find_field("proc.name.x"), nullptr);
    EXPECT_EQ(find_field("fd.name.foo"), nullptr);
    // An argument in a form libs does not parse for that field.
    EXPECT_EQ(find_field("evt.rawarg[0]"), nullptr);
    EXPECT_EQ(find_field("evt.type.is[open]"), nullptr);
    EXPECT_EQ(find_field("thread.cgroup[cpuacct]"), nullptr);
    EXPECT_EQ(find_field("span.tag.x"), nullptr);
    // Malformed brackets.
    EXPECT_EQ(find_field("proc.aname[2"), nullptr);
    EXPECT_EQ(find_field("[2]"), nullptr);
}

TEST(fields_registry, BracketArguments) {
    struct Case {
        const char* text;
        const char* base;
        const char* arg;
    };
    const Case cases[] = {
        {"proc.aname[2]", "proc.aname", "2"},
        {"proc.aexepath[2]", "proc.aexepath", "2"},
        {"proc.apid[0]", "proc.apid", "0"},
        {"proc.args[0]", "proc.args", "0"},
        {"proc.env[HOME]", "proc.env", "HOME"},
        {"proc.aenv[PATH]", "proc.aenv", "PATH"},
        {"evt.arg[0]", "evt.arg", "0"},
        {"evt.around[1404996934793590564]", "evt.around", "1404996934793590564"},
        {"fd.types[0]", "fd.types", "0"},
        {"container.mount.dest[/var/run/docker.sock]", "container.mount.dest",
         "/var/run/docker.sock"},
        {"container.mount.dest[/proc*]", "container.mount.dest", "/proc*"},
        {"container.mount[0]", "container.mount", "0"},
        {"container.label[io.kubernetes.pod.name]", "container.label", "io.kubernetes.pod.name"},
        {"k8s.pod.label[app.kubernetes.io/name]", "k8s.pod.label", "app.kubernetes.io/name"},
        {"k8smeta.pod.label[foo]", "k8smeta.pod.label", "foo"},
        {"proc.env[]", "proc.env", ""},
    };
    for (const auto& c : cases) {
        FieldRef ref = split_field_ref(c.text);
        ASSERT_NE(ref.field, nullptr) << c.text;
        EXPECT_EQ(ref.field->name, c.base) << c.text;
        EXPECT_EQ(ref.arg, c.arg) << c.text;
        EXPECT_TRUE(ref.has_arg) << c.text;
        EXPECT_TRUE(ref.bracketed) << c.text;
        EXPECT_EQ(find_field(c.text), ref.field) << c.text;
    }
}

TEST(fields_registry, DottedArguments) {
    struct Case {
        const char* text;
        const char* base;
        const char* arg;
    };
    const Case cases[] = {
        {"evt.arg.flags", "evt.arg", "flags"},
        {"evt.arg.res_or_fd", "evt.arg", "res_or_fd"},
        {"evt.rawarg.res", "evt.rawarg", "res"},
        {"evt.type.is.open", "evt.type.is", "open"},
        {"evt.abspath.src", "evt.abspath", "src"},
        {"thread.cgroup.cpuacct", "thread.cgroup", "cpuacct"},
        {"container.label.foo", "container.label", "foo"},
        {"k8s.pod.label.app.kubernetes.io/name", "k8s.pod.label", "app.kubernetes.io/name"},
        {"span.arg.x", "span.arg", "x"},
    };
    for (const auto& c : cases) {
        FieldRef ref = split_field_ref(c.text);
        ASSERT_NE(ref.field, nullptr) << c.text;
        EXPECT_EQ(ref.field->name, c.base) << c.text;
        EXPECT_EQ(ref.arg, c.arg) << c.text;
        EXPECT_TRUE(ref.has_arg) << c.text;
        EXPECT_FALSE(ref.bracketed) << c.text;
    }
    // Registered names longer than a dotted base win over the dotted form.
    EXPECT_EQ(find_field("evt.args")->name, "evt.args");
    EXPECT_EQ(find_field("evt.type")->name, "evt.type");
    EXPECT_EQ(find_field("thread.cgroups")->name, "thread.cgroups");
    EXPECT_EQ(find_field("container.labels")->name, "container.labels");
    EXPECT_EQ(find_field("span.args")->name, "span.args");
    // A dot with nothing after it is not an argument.
    EXPECT_EQ(find_field("evt.arg."), nullptr);
}

TEST(fields_registry, BareNameOfArgumentField) {
    FieldRef ref = split_field_ref("evt.arg");
    ASSERT_NE(ref.field, nullptr);
    EXPECT_EQ(ref.field->arg_mode, ArgMode::kRequired);
    EXPECT_FALSE(ref.has_arg);

    ref = split_field_ref("proc.aname");
    ASSERT_NE(ref.field, nullptr);
    EXPECT_EQ(ref.field->arg_mode, ArgMode::kOptional);
    EXPECT_EQ(ref.field->arg_kind, ArgKind::kIndex);
    EXPECT_FALSE(ref.has_arg);
}

TEST(fields_registry, ArgumentKinds) {
    EXPECT_EQ(find_field("proc.aname")->arg_kind, ArgKind::kIndex);
    EXPECT_EQ(find_field("proc.env")->arg_kind, ArgKind::kKey);
    EXPECT_EQ(find_field("proc.aenv")->arg_kind, ArgKind::kIndexOrKey);
    EXPECT_EQ(find_field("evt.arg")->arg_kind, ArgKind::kIndexOrKey);
    EXPECT_EQ(find_field("container.mount.dest")->arg_kind, ArgKind::kIndexOrKey);
    EXPECT_EQ(find_field("container.mount.dest")->arg_mode, ArgMode::kRequired);
    EXPECT_EQ(find_field("container.label")->arg_kind, ArgKind::kKey);
    EXPECT_EQ(find_field("fd.types")->arg_mode, ArgMode::kOptional);
}

TEST(fields_registry, FlagsMatchFalco) {
    // EPF_FILTER_ONLY: the "either side" matchers cannot be printed.
    for (const char* name : {"fd.ip", "fd.port", "fd.proto", "fd.net", "fd.cnet", "fd.snet",
                             "fd.lnet", "fd.rnet", "evt.around"}) {
        const FieldInfo* f = find_field(name);
        ASSERT_NE(f, nullptr) << name;
        EXPECT_FALSE(f->output_allowed) << name;
        EXPECT_TRUE(f->filter_allowed) << name;
        EXPECT_FALSE(f->rhs_allowed) << name;
    }
    // EPF_PRINT_ONLY.
    EXPECT_FALSE(find_field("evt.outputtime")->filter_allowed);
    EXPECT_TRUE(find_field("evt.outputtime")->output_allowed);
    // EPF_DEPRECATED.
    for (const char* name :
         {"evt.dir", "evt.latency", "evt.latency.s", "evt.latency.ns", "evt.latency.human",
          "evt.wait_latency", "k8s.rc.name", "container.healthcheck"}) {
        EXPECT_TRUE(find_field(name)->deprecated) << name;
    }
    EXPECT_FALSE(find_field("evt.type")->deprecated);
    // EPF_TABLE_ONLY.
    EXPECT_TRUE(find_field("evt.latency.quantized")->hidden);
    EXPECT_TRUE(find_field("thread.nametid")->hidden);
    EXPECT_FALSE(find_field("proc.name")->hidden);
    // EPF_IS_LIST.
    EXPECT_TRUE(find_field("fd.types")->is_list);
    EXPECT_TRUE(find_field("k8smeta.svc.name")->is_list);
    EXPECT_FALSE(find_field("fd.name")->is_list);
    // EPF_NO_RHS / EPF_NO_TRANSFORMER.
    EXPECT_FALSE(find_field("proc.aname")->rhs_allowed);
    EXPECT_FALSE(find_field("proc.aname")->transformer_allowed);
    EXPECT_FALSE(find_field("evt.rawarg")->transformer_allowed);
    EXPECT_FALSE(find_field("fd.sip.name")->rhs_allowed);
    EXPECT_TRUE(find_field("proc.name")->rhs_allowed);
    // Plugin-provided fields and suggested outputs.
    EXPECT_EQ(find_field("container.id")->provider, "container");
    EXPECT_EQ(find_field("k8s.ns.name")->provider, "container");
    EXPECT_EQ(find_field("k8smeta.pod.name")->provider, "k8smeta");
    EXPECT_EQ(find_field("proc.name")->provider, "");
    EXPECT_EQ(find_field("syslog.message")->provider, "legacy");
    EXPECT_TRUE(find_field("container.id")->suggested_output);
    EXPECT_TRUE(find_field("container.name")->suggested_output);
    EXPECT_FALSE(find_field("container.image")->suggested_output);
}

TEST(fields_registry, TypeNames) {
    EXPECT_EQ(field_type_name(FieldType::kString), "CHARBUF");
    EXPECT_EQ(field_type_name(FieldType::kCharBuf), "CHARBUF");
    EXPECT_EQ(field_type_name(FieldType::kUint64), "UINT64");
    EXPECT_EQ(field_type_name(FieldType::kInt64), "INT64");
    EXPECT_EQ(field_type_name(FieldType::kIpNet), "IPNET");
    EXPECT_EQ(field_type_name(FieldType::kIpAddr), "IPADDR");
    EXPECT_EQ(field_type_name(FieldType::kRelTime), "RELTIME");
    EXPECT_EQ(field_type_name(FieldType::kAbsTime), "ABSTIME");
    EXPECT_EQ(field_type_name(FieldType::kPort), "PORT");
    EXPECT_EQ(field_type_name(FieldType::kBool), "BOOL");
    EXPECT_EQ(field_type_name(FieldType::kByteBuf), "BYTEBUF");
    EXPECT_EQ(field_type_name(FieldType::kDouble), "DOUBLE");
    EXPECT_EQ(field_type_name(FieldType::kDynamic), "DYNAMIC");
    EXPECT_EQ(field_type_name(FieldType::kFsPath), "FSPATH");
    EXPECT_EQ(field_type_name(FieldType::kSyscallId), "SYSCALLID");
}

TEST(fields_registry, TableInvariants) {
    std::set<std::string> names;
    size_t total = 0;
    for (const FieldClass& cls : field_classes()) {
        EXPECT_FALSE(cls.name.empty());
        EXPECT_FALSE(cls.description.empty()) << cls.name;
        EXPECT_FALSE(cls.fields.empty()) << cls.name;
        for (const FieldInfo& f : cls.fields) {
            ++total;
            EXPECT_TRUE(names.insert(std::string(f.name)).second) << "duplicate " << f.name;
            EXPECT_EQ(f.field_class, cls.name) << f.name;
            EXPECT_FALSE(f.description.empty()) << f.name;
            EXPECT_NE(f.name.find('.'), std::string_view::npos) << f.name;
            // The argument rules are consistent.
            EXPECT_EQ(f.arg_mode == ArgMode::kNone, f.arg_kind == ArgKind::kNone) << f.name;
            if (f.dotted_arg || f.bracket_arg) {
                EXPECT_NE(f.arg_mode, ArgMode::kNone) << f.name;
            }
            if (f.arg_mode != ArgMode::kNone) {
                EXPECT_TRUE(f.dotted_arg || f.bracket_arg) << f.name;
            }
            // A field is usable somewhere.
            EXPECT_TRUE(f.filter_allowed || f.output_allowed) << f.name;
            // Every entry resolves to itself.
            EXPECT_EQ(find_field(f.name), &f) << f.name;
            // Falco can only compare list fields of these element types.
            if (f.is_list) {
                EXPECT_TRUE(operator_applies(CompareOp::kIn, f)) << f.name;
            }
            EXPECT_NE(field_type_name(f.type), "<NA>") << f.name;
        }
    }
    EXPECT_GT(total, 300u);
}

TEST(fields_registry, ClassesFalcoHas) {
    std::set<std::string> classes;
    for (const FieldClass& cls : field_classes()) {
        classes.insert(std::string(cls.name));
    }
    for (const char* name : {"evt", "process", "user", "group", "container", "k8s", "fd", "fs.path",
                             "fdlist", "utils", "syslog", "evtin", "span", "k8smeta"}) {
        EXPECT_TRUE(classes.count(name)) << name;
    }
}

} // namespace
} // namespace kestrel::rules
