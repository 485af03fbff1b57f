#include "sandbox/sandbox_config.h"

#include <unistd.h>

#include <cmath>

#include "common/error.h"

namespace mpt::sandbox {
namespace {

void require_positive(uint64_t value, const char* name) {
  if (value == 0) throw input_error("invalid sandbox limit", name, "a positive value", "0");
}

}  // namespace

void validate(const Config& c) {
  const Limits& l = c.limits;
  if (!(l.timeout_seconds > 0) || !std::isfinite(l.timeout_seconds) || l.timeout_seconds > 24 * 3600)
    throw input_error("invalid sandbox timeout", "timeout", "seconds in (0, 86400]", std::to_string(l.timeout_seconds));
  require_positive(l.memory_bytes, "memory");
  require_positive(l.file_size_bytes, "file size");
  require_positive(l.tmpfs_bytes, "tmpfs size");
  require_positive(l.tmpfs_inodes, "tmpfs inodes");
  require_positive(l.open_files, "open files");
  require_positive(l.processes, "processes");
  require_positive(l.output_bytes, "output");
  if (!(l.compile_timeout_seconds > 0) || !std::isfinite(l.compile_timeout_seconds) || l.compile_timeout_seconds > 24 * 3600)
    throw input_error("invalid compile timeout", "compile timeout", "seconds in (0, 86400]",
                      std::to_string(l.compile_timeout_seconds));
  require_positive(l.compile_memory_bytes, "compile memory");
  require_positive(l.compile_output_bytes, "compile output");
  if (l.open_files < 8)
    throw input_error("invalid sandbox limit", "open files", "at least 8 (the interpreter needs a few)",
                      std::to_string(l.open_files));
  if (c.interpreter.empty() || c.interpreter[0] != '/')
    throw input_error("invalid interpreter", "interpreter", "an absolute path", c.interpreter);
  if (c.workers < 0) throw input_error("invalid worker count", "workers", "0 (= cores) or more", std::to_string(c.workers));
  if (c.retries < 0) throw input_error("invalid retry count", "retries", "0 or more", std::to_string(c.retries));
}

int resolved_workers(const Config& c, Checking checking) {
  if (c.workers > 0) return c.workers;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int n = cores > 0 ? static_cast<int>(cores) : 1;
  return checking == Checking::SplitProcess ? 2 * n : n;
}

}  // namespace mpt::sandbox
