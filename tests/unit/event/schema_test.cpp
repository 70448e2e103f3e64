// The compiled-in event table is what schema/events.yaml says (read here with yaml-cpp,
// independently of the generator), and the C header agrees with the wire-format contract.

#include <sys/syscall.h>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "event/gen/events.hpp"
#include "gen/kestrel_events.h"

namespace kestrel::event {
namespace {

struct YamlParam {
    std::string name, type, desc;
};
struct YamlEvent {
    int id = 0;
    std::string name, category, kind, desc;
    std::vector<std::string> syscalls;
    std::vector<YamlParam> params;
};

std::vector<YamlEvent> load_yaml() {
    const YAML::Node root = YAML::LoadFile(KESTREL_SOURCE_DIR "/schema/events.yaml");
    std::vector<YamlEvent> out;
    for (const auto& e : root["events"]) {
        YamlEvent ev;
        ev.id = e["id"].as<int>();
        ev.name = e["name"].as<std::string>();
        ev.category = e["category"].as<std::string>();
        ev.kind = e["kind"].as<std::string>();
        ev.desc = e["desc"].as<std::string>();
        if (e["syscalls"]) {
            ev.syscalls = e["syscalls"].as<std::vector<std::string>>();
        }
        std::set<std::string> dropped;
        if (e["drop_params"]) {
            for (const auto& d : e["drop_params"]) {
                dropped.insert(d.as<std::string>());
            }
        }
        for (const auto& p : e["params"]) { // aliases (*exec_params) resolve transparently
            YamlParam param{p["name"].as<std::string>(), p["type"].as<std::string>(),
                            p["desc"] ? p["desc"].as<std::string>() : ""};
            if (!dropped.contains(param.name)) {
                ev.params.push_back(param);
            }
        }
        out.push_back(ev);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

TEST(EventSchema, TableMatchesYaml) {
    const auto yaml = load_yaml();
    const auto events = all_events();
    ASSERT_EQ(events.size(), yaml.size());
    for (size_t i = 0; i < yaml.size(); ++i) {
        SCOPED_TRACE(yaml[i].name);
        const EventInfo& ev = events[i];
        EXPECT_EQ(ev.id, yaml[i].id);
        EXPECT_EQ(ev.name, yaml[i].name);
        EXPECT_EQ(ev.category, yaml[i].category);
        EXPECT_EQ(ev.kind, yaml[i].kind);
        EXPECT_EQ(ev.desc, yaml[i].desc);
        ASSERT_EQ(ev.params.size(), yaml[i].params.size());
        for (size_t j = 0; j < ev.params.size(); ++j) {
            EXPECT_EQ(ev.params[j].name, yaml[i].params[j].name);
            EXPECT_EQ(param_type_name(ev.params[j].type), yaml[i].params[j].type);
            EXPECT_EQ(ev.params[j].desc, yaml[i].params[j].desc);
        }
    }
}

TEST(EventSchema, IdsAndNamesAreUniqueAndFindable) {
    std::set<uint16_t> ids;
    std::set<std::string_view> names;
    uint16_t last = 0;
    for (const auto& ev : all_events()) {
        EXPECT_TRUE(ids.insert(ev.id).second) << ev.id;
        EXPECT_TRUE(names.insert(ev.name).second) << ev.name;
        EXPECT_GT(ev.id, last) << "sorted by id";
        last = ev.id;
        EXPECT_EQ(find_event(ev.id), &ev);
        EXPECT_EQ(find_event(ev.name), &ev);
        for (size_t j = 0; j < ev.params.size(); ++j) {
            EXPECT_EQ(param_index(ev, ev.params[j].name), static_cast<int>(j));
        }
        EXPECT_EQ(param_index(ev, "no_such_param"), -1);
    }
    EXPECT_EQ(find_event(uint16_t{0}), nullptr);
    EXPECT_EQ(find_event(uint16_t{KES_EVT_MAX}), nullptr);
    EXPECT_EQ(find_event(uint16_t{65535}), nullptr);
    EXPECT_EQ(find_event("no_such_event"), nullptr);
    EXPECT_EQ(find_event(""), nullptr);
}

// Other modules (and the probe) code against these ids: they never change.
TEST(EventSchema, FixedIds) {
    EXPECT_EQ(KES_EVT_EXECVE, 1);
    EXPECT_EQ(KES_EVT_EXECVEAT, 2);
    EXPECT_EQ(KES_EVT_OPEN, 3);
    EXPECT_EQ(KES_EVT_OPENAT, 4);
    EXPECT_EQ(KES_EVT_OPENAT2, 5);
    EXPECT_EQ(KES_EVT_CONNECT, 6);
    EXPECT_EQ(KES_EVT_PROCEXIT, 7);
    EXPECT_EQ(KES_EVT_CLONE, 8);
    EXPECT_EQ(KES_EVT_CLOSE, 12);
    EXPECT_EQ(KES_EVT_KILL, 61);
    EXPECT_EQ(find_event(uint16_t{KES_EVT_OPENAT})->name, "openat");
    EXPECT_EQ(find_event(uint16_t{KES_EVT_PROCEXIT})->name, "procexit");
}

TEST(EventSchema, HeaderConstantsAgreeWithTable) {
    EXPECT_EQ(KES_OPENAT_NPARAMS, 7);
    EXPECT_EQ(KES_EXECVE_NPARAMS, 31);
    EXPECT_EQ(KES_EXECVEAT_NPARAMS, 30);
    EXPECT_EQ(find_event("openat")->params.size(), size_t{KES_OPENAT_NPARAMS});
    EXPECT_EQ(find_event("execveat")->params.size(), size_t{KES_EXECVEAT_NPARAMS});
    EXPECT_EQ(find_event("connect")->params.size(), size_t{KES_CONNECT_NPARAMS});
    EXPECT_EQ(param_index(*find_event("openat"), "name"), KES_P_OPENAT_NAME);
    EXPECT_EQ(param_index(*find_event("execveat"), "filename"), -1);
    size_t max_params = 0;
    for (const auto& ev : all_events()) {
        max_params = std::max(max_params, ev.params.size());
    }
    EXPECT_EQ(max_params, size_t{KES_MAX_PARAMS});
    EXPECT_EQ(KES_PT_MAX, static_cast<int>(ParamType::kSyscallid) + 1);
}

TEST(EventSchema, HeaderLayoutIsTheWireFormat) {
    EXPECT_EQ(sizeof(kes_event_header), 48u);
    EXPECT_EQ(offsetof(kes_event_header, ts_ns), 0u);
    EXPECT_EQ(offsetof(kes_event_header, tid), 8u);
    EXPECT_EQ(offsetof(kes_event_header, pid), 12u);
    EXPECT_EQ(offsetof(kes_event_header, len), 16u);
    EXPECT_EQ(offsetof(kes_event_header, type), 20u);
    EXPECT_EQ(offsetof(kes_event_header, nparams), 22u);
    EXPECT_EQ(offsetof(kes_event_header, cpu), 24u);
    EXPECT_EQ(offsetof(kes_event_header, flags), 26u);
    EXPECT_EQ(offsetof(kes_event_header, reserved), 28u);
    EXPECT_EQ(offsetof(kes_event_header, comm), 32u);
}

TEST(EventSchema, ParamTypeSizes) {
    EXPECT_EQ(param_type_size(ParamType::kErrno), 8u);
    EXPECT_EQ(param_type_size(ParamType::kFd), 8u);
    EXPECT_EQ(param_type_size(ParamType::kInt32), 4u);
    EXPECT_EQ(param_type_size(ParamType::kUint8), 1u);
    EXPECT_EQ(param_type_size(ParamType::kUint16), 2u);
    EXPECT_EQ(param_type_size(ParamType::kUid), 4u);
    EXPECT_EQ(param_type_size(ParamType::kFlags16), 2u);
    EXPECT_EQ(param_type_size(ParamType::kMode), 4u);
    EXPECT_EQ(param_type_size(ParamType::kAbstime), 8u);
    EXPECT_EQ(param_type_size(ParamType::kSigtype), 1u);
    EXPECT_EQ(param_type_size(ParamType::kSyscallid), 2u);
    EXPECT_EQ(param_type_size(ParamType::kCharbuf), 0u);
    EXPECT_EQ(param_type_size(ParamType::kSocktuple), 0u);
    EXPECT_EQ(param_type_name(ParamType::kFsrelpath), "fsrelpath");
}

// Falco's PPM values (libs driver/ppm_events_public.h), not the kernel's O_* values.
TEST(EventSchema, PpmFlagValues) {
    EXPECT_EQ(KES_O_NONE, 0);
    EXPECT_EQ(KES_O_RDONLY, 1);
    EXPECT_EQ(KES_O_WRONLY, 2);
    EXPECT_EQ(KES_O_RDWR, 3);
    EXPECT_EQ(KES_O_CREAT, 4);
    EXPECT_EQ(KES_O_APPEND, 8);
    EXPECT_EQ(KES_O_TRUNC, 1 << 8);
    EXPECT_EQ(KES_O_DIRECTORY, 1 << 10);
    EXPECT_EQ(KES_O_CLOEXEC, 1 << 12);
    EXPECT_EQ(KES_O_TMPFILE, 1 << 13);
    EXPECT_EQ(KES_O_F_CREATED, 1 << 14);
    EXPECT_EQ(KES_FD_UPPER_LAYER, 1 << 15);
    EXPECT_EQ(KES_FD_LOWER_LAYER, 1 << 16);
    EXPECT_EQ(KES_EXE_WRITABLE, 1);
    EXPECT_EQ(KES_EXE_UPPER_LAYER, 2);
    EXPECT_EQ(KES_EXE_FROM_MEMFD, 4);
    EXPECT_EQ(KES_EXE_LOWER_LAYER, 8);
    EXPECT_EQ(KES_CL_CLONE_FILES, 1);
    EXPECT_EQ(KES_CL_CLONE_THREAD, 1 << 13);
    EXPECT_EQ(KES_CL_CLONE_VM, 1 << 15);
    EXPECT_EQ(KES_CL_CLONE_NEWUSER, 1 << 20);
    EXPECT_EQ(KES_CL_CLONE_VFORK, 1 << 27);
    EXPECT_EQ(KES_CL_CHILD_IN_PIDNS, 1 << 29);
    EXPECT_EQ(KES_AF_UNIX, 1);
    EXPECT_EQ(KES_AF_INET, 2);
    EXPECT_EQ(KES_AF_INET6, 10);
}

TEST(EventSchema, SyscallTableUsesPlatformNumbers) {
    const auto yaml = load_yaml();
    size_t expected = 0;
    for (const auto& ev : yaml) {
        expected += ev.syscalls.size();
    }
    const auto table = syscall_events();
    EXPECT_EQ(table.size(), expected); // x86_64 has every syscall of the schema
    for (const auto& s : table) {
        const EventInfo* ev = find_event(s.event_id);
        ASSERT_NE(ev, nullptr) << s.syscall_name;
        EXPECT_EQ(ev->kind, "syscall");
        EXPECT_GE(s.nr, 0);
    }
    auto nr_of = [&](std::string_view name) {
        for (const auto& s : table) {
            if (s.syscall_name == name) {
                return s.nr;
            }
        }
        return -1L;
    };
    EXPECT_EQ(nr_of("openat"), SYS_openat);
    EXPECT_EQ(nr_of("execve"), SYS_execve);
    EXPECT_EQ(nr_of("connect"), SYS_connect);
#if defined(__x86_64__)
    EXPECT_EQ(nr_of("openat"), 257);
    EXPECT_EQ(nr_of("execve"), 59);
#endif
}

} // namespace
} // namespace kestrel::event
