#include "base/error.hpp"

#include <cstring>

namespace kestrel::base {

std::string_view error_code_name(ErrorCode code) {
    switch (code) {
    case ErrorCode::kInvalidArgument:
        return "invalid argument";
    case ErrorCode::kNotFound:
        return "not found";
    case ErrorCode::kParse:
        return "parse error";
    case ErrorCode::kTruncated:
        return "truncated";
    case ErrorCode::kIo:
        return "i/o error";
    case ErrorCode::kUnsupported:
        return "unsupported";
    case ErrorCode::kPermission:
        return "permission denied";
    case ErrorCode::kInternal:
        return "internal error";
    }
    return "unknown";
}

std::string Error::to_string() const {
    if (context.empty()) {
        return message;
    }
    return context + ": " + message;
}

Error make_error(ErrorCode code, std::string message) {
    return Error{code, std::move(message), {}};
}

Error errno_error(std::string_view what, int err) {
    ErrorCode code = (err == EPERM || err == EACCES) ? ErrorCode::kPermission
                     : err == ENOENT                 ? ErrorCode::kNotFound
                                                     : ErrorCode::kIo;
    return Error{code, std::string(what) + ": " + std::strerror(err), {}};
}

} // namespace kestrel::base
