#pragma once
// Real state tables for the eval tests: setup events go through state::testing::Feed (the state
// tests' builders), and the event under test is applied to the same tables before it is
// evaluated, the way replay and the live engine order them.

#include <memory>
#include <utility>

#include "../state/state_events.hpp"
#include "eval_test_util.hpp"
#include "state/tables.hpp"

namespace kestrel::eval::testing {

struct StateFixture {
    state::Tables tables;
    state::testing::Feed feed{tables};

    // Applies `e` to the tables and hands it back for evaluation.
    std::unique_ptr<Event> apply(std::unique_ptr<Event> e) {
        tables.apply(e->view);
        return e;
    }
};

} // namespace kestrel::eval::testing
