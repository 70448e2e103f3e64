#pragma once
// The writers of the generated files. Each returns the whole file as a string; same schema, same
// bytes (no dates, no host names, no map-order dependence).

#include <string>

#include "schema.hpp"

namespace kestrel::eventgen {

std::string emit_c_header(const Schema& schema);   // bpf/gen/kestrel_events.h
std::string emit_cpp_header(const Schema& schema); // src/event/gen/events.hpp
std::string emit_cpp_source(const Schema& schema); // src/event/gen/events.cpp
std::string emit_docs(const Schema& schema);       // docs/events.md

} // namespace kestrel::eventgen
