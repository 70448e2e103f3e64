#pragma once
// Program: every compiled condition of a ruleset in one flat node array (see README.md,
// "Evaluation form"). Conditions share nodes: identical sub-expressions (the same macro used by
// many rules, the same check written twice) are one node, and a node used more than once has a
// memo slot, so it is evaluated at most once per event. Field values live in one Slot per
// distinct field reference, filled at most once per event.
//
// Owned and evaluated by the hot-path thread only (evaluation writes the caches).

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <re2/re2.h>

#include "eval/extractor.hpp"
#include "rules/ast.hpp"

namespace kestrel::eval {

// One right-hand constant, parsed for every kind of left value it may meet (evt.rawarg's type is
// known only per event, so the choice is made when comparing).
struct Constant {
    std::string_view text;
    bool has_num = false;
    __int128 num = 0;
    bool has_bool = false;
    bool boolean = false;
    bool has_ip = false;
    IpAddr ip;
    int bits = 0;        // network prefix length (full length for a plain address)
    bool is_net = false; // written with a '/'
};

// A field operand, possibly wrapped in transformers (applied innermost first).
struct FieldOperand {
    uint32_t slot = 0;
    std::vector<rules::ast::Transformer> transforms; // innermost first
};

struct Check {
    FieldOperand lhs;
    rules::CompareOp op = rules::CompareOp::kExists;
    rules::ast::Modifier modifier = rules::ast::Modifier::kNone;
    bool lhs_list = false;     // EPF_IS_LIST field: `in` = all values in the set
    bool lhs_any_side = false; // fd.ip-style: matches when either value matches
    bool lhs_net = false;      // an ipnet-typed field: constants are networks
    bool rhs_is_field = false;
    FieldOperand rhs;
    std::vector<Constant> values;                 // list order
    std::unordered_set<std::string_view> str_set; // `in`/`intersects` on strings
    std::vector<__int128> num_set;                // sorted, for numbers
    std::vector<std::unique_ptr<RE2>> regexes;    // one per value, compiled once
    std::vector<std::string> bytes;               // bcontains/bstartswith: decoded hex
};

// kTypeIn: `evt.type` =/in/intersects (or != with `count` 1) folded into a bitset of event ids
// held in a small dense array: one bit test, no string compare and no visit of a Check.
enum class NodeKind : uint8_t { kAnd, kOr, kNot, kCheck, kFalse, kTypeIn };

struct Node {
    NodeKind kind = NodeKind::kFalse;
    int32_t memo = -1;  // memo slot when shared
    uint32_t first = 0; // kAnd/kOr/kNot: first child in children_; kCheck: check index;
                        // kTypeIn: index in type_sets_
    uint32_t count = 0; // number of children; kTypeIn: 1 when negated
    uint32_t uses = 0;  // how many parents/rules refer to it (compile time)
};

class Program {
  public:
    Program() = default;
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;
    Program(Program&&) = default;
    Program& operator=(Program&&) = default;

    // Evaluates node `root` for the event in `ctx` (ctx.epoch must be new for each event).
    bool eval(uint32_t root, const EvalContext& ctx);

    [[nodiscard]] size_t node_count() const { return nodes_.size(); }
    [[nodiscard]] size_t check_count() const { return checks_.size(); }
    [[nodiscard]] size_t slot_count() const { return slots_.size(); }
    [[nodiscard]] size_t memo_count() const { return memos_.size(); }
    [[nodiscard]] size_t unsupported_fields() const;
    [[nodiscard]] const std::vector<Extractor>& extractors() const { return extractors_; }
    // Checks evaluated so far (memoized nodes are not re-evaluated, so they count once).
    [[nodiscard]] uint64_t checks_evaluated() const { return checks_evaluated_; }

  private:
    friend class Compiler;

    struct Memo {
        uint64_t epoch = 0;
        bool value = false;
    };

    bool eval_node(const Node& n, const EvalContext& ctx);
    bool eval_check(Check& c, const EvalContext& ctx);
    // Extracts and transforms an operand; false when absent.
    std::span<const Value> operand(const FieldOperand& f, const EvalContext& ctx, size_t scratch,
                                   Value* tmp);

    std::vector<Node> nodes_;
    std::vector<uint32_t> children_;
    std::vector<Check> checks_;
    std::vector<std::bitset<KES_EVT_MAX>> type_sets_;
    std::vector<Extractor> extractors_;
    std::vector<Slot> slots_;
    std::vector<Memo> memos_;
    std::vector<std::string> scratch_; // transformer outputs: two per check (lhs, rhs)
    std::vector<std::unique_ptr<std::string>> strings_; // constant texts (stable addresses)
    std::string cstr_;                                  // NUL-terminated copy for fnmatch
    uint64_t checks_evaluated_ = 0;
};

// Compares one value with one constant under `op` (scalar operators). Exposed for tests.
bool compare_value(rules::CompareOp op, const Value& lhs, const Constant& rhs, bool lhs_net,
                   const RE2* re, std::string_view bytes, std::string& cstr);

} // namespace kestrel::eval
