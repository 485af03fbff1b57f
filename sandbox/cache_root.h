// Where the sandbox's host-side caches live: the C++ precompiled header and HumanEval+'s expected
// outputs. The sandbox's own uid must be able to reach the directory (the header is bind-mounted
// into every worker sandbox), so a path under a 0700 home is skipped.
#pragma once

#include <string>

#include "sandbox/sandbox_config.h"

namespace mpt::sandbox {

// config.cache_dir, else the first of $MPT_EVAL_CACHE, $XDG_CACHE_HOME/mpt-eval, ~/.cache/mpt-eval
// that the sandbox's uid can reach (every directory above it searchable by others), else
// /var/tmp/mpt-eval-<uid>. Creates nothing.
std::string cache_root(const Config& config);

// Every directory above `dir` is searchable by others, so the sandbox's uid can reach `dir`.
bool reachable_by_others(const std::string& dir);

}  // namespace mpt::sandbox
