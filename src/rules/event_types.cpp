#include "rules/event_types.hpp"

#include <algorithm>

namespace kestrel::rules {
namespace {

size_t index_of(std::string_view name) {
    auto names = known_event_names();
    auto it = std::lower_bound(names.begin(), names.end(), name);
    if (it == names.end() || *it != name) {
        return names.size();
    }
    return static_cast<size_t>(it - names.begin());
}

bool is_evttype_operator(std::string_view op) {
    return op == "=" || op == "==" || op == "!=" || op == "in";
}

bool is_plain_field(const ast::Operand& o, std::string_view name) {
    return o.kind == ast::OperandKind::kField && !o.from_val && o.field == name && !o.has_arg;
}

// `evt.num` never takes these values: the condition is statically false (libs master).
bool is_impossible_evt_num_check(const ast::Expr& e) {
    if (!is_plain_field(e.lhs, "evt.num") || !e.has_rhs) {
        return false;
    }
    if (e.rhs.kind == ast::OperandKind::kList) {
        return e.op == CompareOp::kIn && e.rhs.values.empty() && e.rhs.args.empty();
    }
    if (e.rhs.kind != ast::OperandKind::kValue) {
        return false;
    }
    const std::string& v = e.rhs.value;
    return (e.op == CompareOp::kEq && v == "0") ||
           (e.op == CompareOp::kLt && (v == "1" || v == "0")) ||
           (e.op == CompareOp::kLe && v == "0");
}

class Visitor {
  public:
    EventTypeSet visit(const ast::Expr& e) {
        switch (e.kind) {
        case ast::ExprKind::kAnd:
            return negated_ ? unite_children(e) : intersect_children(e);
        case ast::ExprKind::kOr:
            return negated_ ? intersect_children(e) : unite_children(e);
        case ast::ExprKind::kNot: {
            negated_ = !negated_;
            EventTypeSet s = visit(*e.children.front());
            negated_ = !negated_;
            return s;
        }
        case ast::ExprKind::kIdentifier:
            return EventTypeSet::all();
        case ast::ExprKind::kCheck:
            return visit_check(e);
        }
        return EventTypeSet::all();
    }

  private:
    EventTypeSet intersect_children(const ast::Expr& e) {
        EventTypeSet s = EventTypeSet::all();
        for (const auto& c : e.children) {
            s = s.intersect(visit(*c));
        }
        return s;
    }
    EventTypeSet unite_children(const ast::Expr& e) {
        EventTypeSet s = EventTypeSet::none();
        for (const auto& c : e.children) {
            s = s.unite(visit(*c));
        }
        return s;
    }
    EventTypeSet maybe_invert(const EventTypeSet& s) const { return negated_ ? s.complement() : s; }

    EventTypeSet visit_check(const ast::Expr& e) {
        if (is_impossible_evt_num_check(e)) {
            return maybe_invert(EventTypeSet::none());
        }
        if (is_plain_field(e.lhs, "evt.type")) {
            if (!e.has_rhs) {
                // `evt.type exists` is true for every event; its negation for none.
                return maybe_invert(EventTypeSet::all());
            }
            if (is_evttype_operator(e.op_text) &&
                (e.rhs.kind == ast::OperandKind::kValue || e.rhs.kind == ast::OperandKind::kList)) {
                EventTypeSet s = EventTypeSet::none();
                if (e.rhs.kind == ast::OperandKind::kValue) {
                    s.insert(e.rhs.value);
                } else {
                    for (const auto& v : e.rhs.values) {
                        s.insert(v);
                    }
                }
                s = maybe_invert(s);
                return e.op_text == "!=" ? s.complement() : s;
            }
        }
        // Neutral: a check on anything else matches every type, negated or not.
        return EventTypeSet::all();
    }

    bool negated_ = false;
};

} // namespace

bool is_known_event_name(std::string_view name) {
    return index_of(name) < known_event_names().size();
}

EventTypeSet::EventTypeSet() : bits_(known_event_names().size(), false) {}

EventTypeSet EventTypeSet::all() {
    EventTypeSet s;
    s.bits_.assign(s.bits_.size(), true);
    return s;
}

EventTypeSet EventTypeSet::none() { return EventTypeSet(); }

void EventTypeSet::insert(std::string_view name) {
    size_t i = index_of(name);
    if (i < bits_.size()) {
        bits_[i] = true;
    }
}

bool EventTypeSet::contains(std::string_view name) const {
    size_t i = index_of(name);
    return i < bits_.size() && bits_[i];
}

size_t EventTypeSet::size() const {
    return static_cast<size_t>(std::count(bits_.begin(), bits_.end(), true));
}

std::vector<std::string> EventTypeSet::names() const {
    std::vector<std::string> out;
    auto all = known_event_names();
    for (size_t i = 0; i < bits_.size(); i++) {
        if (bits_[i]) {
            out.emplace_back(all[i]);
        }
    }
    return out;
}

EventTypeSet EventTypeSet::complement() const {
    EventTypeSet s;
    for (size_t i = 0; i < bits_.size(); i++) {
        s.bits_[i] = !bits_[i];
    }
    return s;
}

EventTypeSet EventTypeSet::intersect(const EventTypeSet& o) const {
    EventTypeSet s;
    for (size_t i = 0; i < bits_.size(); i++) {
        s.bits_[i] = bits_[i] && o.bits_[i];
    }
    return s;
}

EventTypeSet EventTypeSet::unite(const EventTypeSet& o) const {
    EventTypeSet s;
    for (size_t i = 0; i < bits_.size(); i++) {
        s.bits_[i] = bits_[i] || o.bits_[i];
    }
    return s;
}

EventTypeSet event_types_of(const ast::Expr& e) { return Visitor().visit(e); }

bool matches_too_many_event_types(const EventTypeSet& set) {
    return set.size() * kCodesPerEventName > kMaxEventCodesWithoutWarning;
}

} // namespace kestrel::rules
