#pragma once
// Result<T>: a value or an Error. Project code does not throw; expected failures travel here.

#include <cassert>
#include <utility>
#include <variant>

#include "base/error.hpp"

namespace kestrel::base {

template <typename T> class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}     // NOLINT: implicit
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {} // NOLINT: implicit

    [[nodiscard]] bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(state_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(state_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(state_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    [[nodiscard]] const Error& error() const {
        assert(!ok());
        return std::get<1>(state_);
    }

    // Prepends a context ("file.yaml:3", "key 'x'") to the error, if any.
    Result&& with_context(std::string_view where) && {
        if (!ok()) {
            auto& err = std::get<1>(state_);
            err.context =
                err.context.empty() ? std::string(where) : std::string(where) + ": " + err.context;
        }
        return std::move(*this);
    }

  private:
    std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
struct Ok {};
template <> class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Ok /*unused*/) {}                                         // NOLINT: implicit
    Result(Error error) : error_(std::move(error)), failed_(true) {} // NOLINT: implicit

    [[nodiscard]] bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    [[nodiscard]] const Error& error() const {
        assert(failed_);
        return error_;
    }
    Result&& with_context(std::string_view where) && {
        if (failed_) {
            error_.context = error_.context.empty() ? std::string(where)
                                                    : std::string(where) + ": " + error_.context;
        }
        return std::move(*this);
    }

  private:
    Error error_;
    bool failed_ = false;
};

using Status = Result<void>;

} // namespace kestrel::base

// Returns early from the enclosing function with the error of `expr`, a Result.
#define KES_TRY(expr)                                                                              \
    do {                                                                                           \
        if (auto kes_try_result_ = (expr); !kes_try_result_.ok()) {                                \
            return kes_try_result_.error();                                                        \
        }                                                                                          \
    } while (0)
