// Which process is writing a run, so that resume never takes over a run another live process is
// still writing (two `mpt-eval run` on the same configuration at once), while a run whose writer
// died (kill -9, OOM, power loss) is picked up.
#pragma once

#include <cstdint>
#include <string>

namespace mpt::results {

struct ProcessOwner {
  std::string host;         // gethostname()
  int64_t pid = 0;
  int64_t start_ticks = 0;  // process start time (/proc/<pid>/stat field 22), guards against pid reuse

  // The calling process.
  static ProcessOwner current();

  // True when this owner is a process on this host that is still running (same pid and the same
  // start time). An owner on another host cannot be checked: see alive_or_unknown().
  bool alive_here() const;
  // Conservative: true unless the owner is provably gone (on this host and not running).
  bool alive_or_unknown() const;
  std::string describe() const;  // "pid 1234 on host node7"
};

}  // namespace mpt::results
