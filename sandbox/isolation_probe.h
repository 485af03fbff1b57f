// Probes what isolation this machine offers, before any untrusted program runs.
//
// Each check really performs the operation in a throw-away child: clone() with each namespace flag
// (user, pid, net, mount, ipc, uts), loading a seccomp filter under no_new_privs, and finding a
// delegated cgroup v2. The resulting level string is recorded with every result, e.g.
//   "isolated: user+pid+net+mount+ipc+uts namespaces per program, seccomp, no_new_privs, uid 1000,
//    read-only root, tmpfs cwd, rlimits, audit hook; cgroup v2: no"
// or, with --unsafe-no-sandbox, "UNSAFE (no isolation): rlimits, audit hook".
#pragma once

#include <string>
#include <vector>

#include "sandbox/sandbox_config.h"

namespace mpt::sandbox {

struct IsolationReport {
  bool isolated = false;              // every required layer works
  std::vector<std::string> missing;   // what does not, with the reason ("user namespaces: clone(...): EPERM")
  bool cgroup = false;                // cgroup v2 memory/pids limits are used (optional layer)
  std::string cgroup_note;            // why not, when not
  std::string level;                  // the string recorded with every result
};

// Runs the checks (a few milliseconds). Never throws for a missing layer: it reports it.
IsolationReport probe_isolation(const Config& config);

}  // namespace mpt::sandbox
