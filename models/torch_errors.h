// Turning libtorch's exceptions into mpt::Error. Internal to models/ (ATen translation units only).
#pragma once

#include <c10/util/Exception.h>

#include <string>

#include "common/error.h"

namespace mpt {

// Runs `f`; a c10::Error (out of memory, CUDA failure, a shape bug) becomes a Runtime error
// "libtorch failed while <doing>: <libtorch's message without its C++ backtrace>".
template <class F>
auto torch_guarded(const char* doing, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const c10::Error& e) {
    throw Error(ErrorKind::Runtime, std::string("libtorch failed while ") + doing + ": " + e.what_without_backtrace());
  }
}

}  // namespace mpt
