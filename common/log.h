// Leveled logging to stderr, shared by every room. Thread-safe; one line per call.
//
//   mpt::log::set_level(mpt::log::Level::Debug);   // --verbose
//   MPT_LOG(Info, "loaded {} tensors from {}", n, path);
//
// Results and requested output go to stdout through the CLI, never through the log.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace mpt::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3, Silent = 4 };

void set_level(Level level);
Level level();
inline bool enabled(Level l) { return l >= level(); }

// Writes "[mpt-eval] <level>: <message>\n" to stderr (the level word is left out for Info).
void write(Level level, std::string_view message);

}  // namespace mpt::log

#define MPT_LOG(LEVEL, ...)                                                        \
  do {                                                                             \
    if (::mpt::log::enabled(::mpt::log::Level::LEVEL))                             \
      ::mpt::log::write(::mpt::log::Level::LEVEL, ::fmt::format(__VA_ARGS__));     \
  } while (0)
