#pragma once
// Error values carried by Result<T>: a code for programs, a message and context for people.

#include <string>
#include <string_view>

namespace kestrel::base {

enum class ErrorCode {
    kInvalidArgument, // bad input from a user (config, flag, rules file)
    kNotFound,        // a file, key or object that should exist does not
    kParse,           // malformed text or binary data
    kTruncated,       // data ends before a record does
    kIo,              // a system call failed (errno in the message)
    kUnsupported,     // the host lacks a feature we need
    kPermission,      // EPERM/EACCES from the kernel
    kInternal,        // a bug in Kestrel
};

std::string_view error_code_name(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;
    // Where the error happened, outermost last: "file.yaml:3:7", "key 'engine.kind'" ...
    std::string context;

    // "context: message" when a context exists, otherwise the message alone.
    [[nodiscard]] std::string to_string() const;
};

Error make_error(ErrorCode code, std::string message);
// An error built from errno after a failed system call: "<what>: <strerror>".
Error errno_error(std::string_view what, int err);

} // namespace kestrel::base
