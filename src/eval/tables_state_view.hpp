#pragma once
// eval::StateView over the state engine's tables: what the extractors of proc.*, user.* and fd.*
// fields read. The answers live in members and are valid until the next query of the same kind
// (the hot-path thread asks, extracts, then moves on), so a query allocates nothing.

#include "eval/state_view.hpp"
#include "state/tables.hpp"

namespace kestrel::eval {

class TablesStateView final : public StateView {
  public:
    explicit TablesStateView(const state::Tables& tables) : tables_(tables) {}

    [[nodiscard]] const ThreadInfo* thread(int64_t tid) const override;
    [[nodiscard]] const FdInfo* fd(int64_t pid, int64_t fd) const override;

  private:
    const state::Tables& tables_;
    mutable ThreadInfo thread_info_;
    mutable FdInfo fd_info_;
};

} // namespace kestrel::eval
