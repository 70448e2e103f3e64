#pragma once
// Event types: the names `evt.type` accepts, and the set of event types a condition can match,
// computed like libs' ppm_event_codes() (userspace/libsinsp/filter/ppm_codes.cpp): `and` is an
// intersection, `or` a union, `not` is pushed down to the leaves (De Morgan), `evt.type` =/==/!=/in
// checks give explicit sets, every other check is neutral (all types). The rule index in
// src/eval/ uses the set; the loader uses its size for LOAD_NO_EVTTYPE.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/ast.hpp"

namespace kestrel::rules {

// Sorted. Defined in event_names.cpp.
std::span<const std::string_view> known_event_names();
bool is_known_event_name(std::string_view name);

class EventTypeSet {
  public:
    static EventTypeSet all();
    static EventTypeSet none();

    void insert(std::string_view name); // ignores unknown names
    [[nodiscard]] bool contains(std::string_view name) const;
    [[nodiscard]] size_t size() const;
    [[nodiscard]] bool empty() const { return size() == 0; }
    [[nodiscard]] bool is_all() const { return size() == bits_.size(); }
    [[nodiscard]] std::vector<std::string> names() const;

    [[nodiscard]] EventTypeSet complement() const;
    [[nodiscard]] EventTypeSet intersect(const EventTypeSet& o) const;
    [[nodiscard]] EventTypeSet unite(const EventTypeSet& o) const;

  private:
    EventTypeSet();
    std::vector<bool> bits_;
};

// The event types `e` (macros already expanded) can match.
EventTypeSet event_types_of(const ast::Expr& e);

// libs counts event codes, and most event names have an enter and an exit code: Falco warns
// (LOAD_NO_EVTTYPE) above 100 codes, i.e. above about 50 names. An empty set does not warn
// (Falco master: `evt.num=0` and contradictions are statically false, not unbounded).
inline constexpr size_t kCodesPerEventName = 2;
inline constexpr size_t kMaxEventCodesWithoutWarning = 100;
bool matches_too_many_event_types(const EventTypeSet& set);

} // namespace kestrel::rules
