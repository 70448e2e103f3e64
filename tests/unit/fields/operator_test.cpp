// Operator applicability per field type and list-ness, as libs' flt_is_comparable decides it,
// with libs' error texts.

#include <gtest/gtest.h>

#include "rules/field_registry.hpp"

namespace kestrel::rules {
namespace {

constexpr CompareOp kAllOps[] = {
    CompareOp::kEq,         CompareOp::kNe,         CompareOp::kLt,          CompareOp::kLe,
    CompareOp::kGt,         CompareOp::kGe,         CompareOp::kContains,    CompareOp::kIContains,
    CompareOp::kBContains,  CompareOp::kStartsWith, CompareOp::kBStartsWith, CompareOp::kEndsWith,
    CompareOp::kGlob,       CompareOp::kIGlob,      CompareOp::kPmatch,      CompareOp::kIn,
    CompareOp::kIntersects, CompareOp::kExists,     CompareOp::kRegex,
};

bool applies(CompareOp op, const char* field) {
    const FieldInfo* f = find_field(field);
    EXPECT_NE(f, nullptr) << field;
    return f != nullptr && operator_applies(op, *f);
}

TEST(fields_operators, StringFieldsAcceptAllButByteOperators) {
    for (CompareOp op : kAllOps) {
        const bool expected = op != CompareOp::kBContains && op != CompareOp::kBStartsWith;
        EXPECT_EQ(applies(op, "proc.name"), expected) << compare_op_name(op);
    }
    EXPECT_EQ(operator_error(CompareOp::kBContains, FieldType::kString, false),
              "'bcontains' operator not supported for string filters");
}

TEST(fields_operators, NumericFields) {
    for (const char* field : {"user.uid", "evt.rawres", "fd.num", "proc.duration",
                              "proc.exe_ino.ctime", "fd.lport", "proc.fdusage", "evt.cpu"}) {
        for (CompareOp op : kAllOps) {
            const bool expected =
                op == CompareOp::kEq || op == CompareOp::kNe || op == CompareOp::kLt ||
                op == CompareOp::kLe || op == CompareOp::kGt || op == CompareOp::kGe ||
                op == CompareOp::kIn || op == CompareOp::kIntersects || op == CompareOp::kExists;
            EXPECT_EQ(applies(op, field), expected) << field << " " << compare_op_name(op);
        }
    }
    // `contains` on a number is rejected like Falco does.
    EXPECT_FALSE(applies(CompareOp::kContains, "proc.tty"));
    EXPECT_EQ(operator_error(CompareOp::kContains, FieldType::kUint32, false),
              "'contains' operator not supported for numeric filters");
    EXPECT_EQ(operator_error(CompareOp::kGe, FieldType::kInt64, false), "");
}

TEST(fields_operators, BoolFields) {
    for (CompareOp op : kAllOps) {
        const bool expected = op == CompareOp::kEq || op == CompareOp::kNe ||
                              op == CompareOp::kIn || op == CompareOp::kIntersects ||
                              op == CompareOp::kExists;
        EXPECT_EQ(applies(op, "evt.is_open_read"), expected) << compare_op_name(op);
    }
    // libs reports bool misuse with the numeric wording.
    EXPECT_EQ(operator_error(CompareOp::kLt, FieldType::kBool, false),
              "'<' operator not supported for numeric filters");
}

TEST(fields_operators, IpAndNetworkFields) {
    for (const char* field : {"fd.ip", "fd.sip", "fd.net", "fd.snet"}) {
        for (CompareOp op : kAllOps) {
            const bool expected = op == CompareOp::kEq || op == CompareOp::kNe ||
                                  op == CompareOp::kIn || op == CompareOp::kIntersects ||
                                  op == CompareOp::kExists;
            EXPECT_EQ(applies(op, field), expected) << field << " " << compare_op_name(op);
        }
    }
    // `fd.snet in (rfc_1918_addresses)` is how the upstream rules use networks.
    EXPECT_TRUE(applies(CompareOp::kIn, "fd.snet"));
    EXPECT_FALSE(applies(CompareOp::kStartsWith, "fd.sip"));
    EXPECT_EQ(operator_error(CompareOp::kStartsWith, FieldType::kIpAddr, false),
              "'startswith' operator not supported for ip address and network filters");
}

TEST(fields_operators, BufferFields) {
    for (CompareOp op : kAllOps) {
        const bool expected = op == CompareOp::kEq || op == CompareOp::kNe ||
                              op == CompareOp::kContains || op == CompareOp::kIn ||
                              op == CompareOp::kExists || op == CompareOp::kStartsWith ||
                              op == CompareOp::kEndsWith || op == CompareOp::kIntersects ||
                              op == CompareOp::kBContains || op == CompareOp::kBStartsWith;
        EXPECT_EQ(applies(op, "evt.buffer"), expected) << compare_op_name(op);
    }
    EXPECT_EQ(operator_error(CompareOp::kGlob, FieldType::kByteBuf, false),
              "'glob' operator not supported for buffer filters");
}

TEST(fields_operators, ListFields) {
    for (const char* field : {"fd.types", "k8smeta.svc.name"}) {
        for (CompareOp op : kAllOps) {
            const bool expected =
                op == CompareOp::kIn || op == CompareOp::kIntersects || op == CompareOp::kExists;
            EXPECT_EQ(applies(op, field), expected) << field << " " << compare_op_name(op);
        }
    }
    EXPECT_EQ(operator_error(CompareOp::kEq, FieldType::kString, true),
              "'=' operator not supported list filters");
    // Only some element types may be list-valued at all.
    EXPECT_FALSE(operator_applies(CompareOp::kIn, FieldType::kInt64, true));
    EXPECT_EQ(operator_error(CompareOp::kIn, FieldType::kInt64, true),
              "list filters are not supported for type 'INT64'");
    EXPECT_TRUE(operator_applies(CompareOp::kExists, FieldType::kInt64, true));
}

TEST(fields_operators, ExistsAppliesEverywhere) {
    for (const FieldClass& cls : field_classes()) {
        for (const FieldInfo& f : cls.fields) {
            EXPECT_TRUE(operator_applies(CompareOp::kExists, f)) << f.name;
        }
    }
}

TEST(fields_operators, TypesWithoutComparisons) {
    // libs has no comparison for these parameter types; only `exists` passes.
    EXPECT_FALSE(operator_applies(CompareOp::kEq, FieldType::kUid, false));
    EXPECT_EQ(operator_error(CompareOp::kEq, FieldType::kUid, false),
              "'=' operator not supported for type 'UID'");
    EXPECT_TRUE(operator_applies(CompareOp::kExists, FieldType::kUid, false));
}

TEST(fields_operators, DynamicFieldDefersToTheParameterType) {
    EXPECT_TRUE(applies(CompareOp::kLt, "evt.rawarg"));
    EXPECT_TRUE(applies(CompareOp::kContains, "evt.rawarg"));
}

TEST(fields_operators, Names) {
    EXPECT_EQ(compare_op_name(CompareOp::kEq), "=");
    EXPECT_EQ(compare_op_name(CompareOp::kNe), "!=");
    EXPECT_EQ(compare_op_name(CompareOp::kIContains), "icontains");
    EXPECT_EQ(compare_op_name(CompareOp::kBStartsWith), "bstartswith");
    EXPECT_EQ(compare_op_name(CompareOp::kPmatch), "pmatch");
    EXPECT_EQ(compare_op_name(CompareOp::kIntersects), "intersects");
    EXPECT_EQ(compare_op_name(CompareOp::kRegex), "regex");
}

} // namespace
} // namespace kestrel::rules
