// The C++ side reads records through the generated `struct kes_event_header`; the probe writes
// them with its own compilation of the same header by clang -target bpf. This test reads the
// layout the probe object actually has (its BTF) and checks it member by member against the
// userspace compiler's, so a packing or type difference between the two cannot go unnoticed.

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cstddef>
#include <string>

#include <gtest/gtest.h>

#include "gen/kestrel_events.h"

namespace {

struct ExpectedMember {
    const char* name;
    size_t offset;
    size_t size;
};

TEST(ProbeBtf, EventHeaderLayoutMatchesUserspace) {
    btf* probe_btf = btf__parse_elf(KESTREL_PROBE_OBJECT, nullptr);
    ASSERT_NE(probe_btf, nullptr) << "cannot read BTF from " << KESTREL_PROBE_OBJECT;

    int id = btf__find_by_name_kind(probe_btf, "kes_event_header", BTF_KIND_STRUCT);
    ASSERT_GT(id, 0) << "struct kes_event_header is not in the probe's BTF";
    const btf_type* type = btf__type_by_id(probe_btf, id);
    EXPECT_EQ(type->size, sizeof(kes_event_header));

    const ExpectedMember expected[] = {
        {"ts_ns", offsetof(kes_event_header, ts_ns), sizeof(kes_event_header::ts_ns)},
        {"tid", offsetof(kes_event_header, tid), sizeof(kes_event_header::tid)},
        {"pid", offsetof(kes_event_header, pid), sizeof(kes_event_header::pid)},
        {"len", offsetof(kes_event_header, len), sizeof(kes_event_header::len)},
        {"type", offsetof(kes_event_header, type), sizeof(kes_event_header::type)},
        {"nparams", offsetof(kes_event_header, nparams), sizeof(kes_event_header::nparams)},
        {"cpu", offsetof(kes_event_header, cpu), sizeof(kes_event_header::cpu)},
        {"flags", offsetof(kes_event_header, flags), sizeof(kes_event_header::flags)},
        {"reserved", offsetof(kes_event_header, reserved), sizeof(kes_event_header::reserved)},
        {"comm", offsetof(kes_event_header, comm), sizeof(kes_event_header::comm)},
    };
    ASSERT_EQ(btf_vlen(type), std::size(expected));

    const btf_member* members = btf_members(type);
    for (size_t i = 0; i < std::size(expected); ++i) {
        const btf_member& member = members[i];
        std::string name = btf__name_by_offset(probe_btf, member.name_off);
        EXPECT_EQ(name, expected[i].name) << "member " << i;
        EXPECT_EQ(btf_member_bit_offset(type, static_cast<__u32>(i)) / 8, expected[i].offset)
            << name;
        __s64 size = btf__resolve_size(probe_btf, member.type);
        EXPECT_EQ(size, static_cast<__s64>(expected[i].size)) << name;
    }
    btf__free(probe_btf);
}

} // namespace
