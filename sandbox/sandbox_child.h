// The first moments of a worker sandbox: the code that runs in the freshly cloned child, between
// clone() and execve() of the zygote.
//
// The parent (a multi-threaded harness) prepares everything in a ChildPlan beforehand; the child
// then only makes system calls (no allocation, no locks: it is async-signal-safe). It builds the
// read-only system view under a tmpfs, pivots into it, isolates its file descriptors, loads the
// zygote seccomp filter under no_new_privs and execs the interpreter. On failure it writes a
// ChildFailure to error_fd and exits with status 127; on success error_fd closes (O_CLOEXEC) at exec.
#pragma once

#include <linux/filter.h>
#include <sys/resource.h>

#include <cstddef>
#include <cstdint>

namespace mpt::sandbox {

struct MountStep {
  enum Kind : int32_t {
    MakeDir,   // mkdir(target) (an existing directory is fine)
    Touch,     // create an empty file at target (a bind-mount point for a file)
    Symlink,   // symlink(source, target)
    Bind,      // bind-mount source on target, recursively
    ReadOnly,  // make the mount at target (and below) read-only, nosuid, nodev
    Tmpfs,     // mount a tmpfs on target with options `data`
    Proc,      // mount a proc for the sandbox's pid namespace on target
  } kind;
  const char* source;
  const char* target;
  const char* data;
};

struct ChildPlan {
  bool isolate = true;              // false: --unsafe-no-sandbox (no mounts, no filter)
  int release_fd = -1;              // the child waits for one byte (uid/gid maps are written); the
                                    // parent keeps the pipe open afterwards, as a sign of life
  int error_fd = -1;                // O_CLOEXEC pipe for ChildFailure
  const MountStep* steps = nullptr;  // builds the new root under `stage`
  size_t step_count = 0;
  const char* stage = nullptr;      // where the new root is assembled ("/tmp" of the new mount namespace)
  const char* hostname = nullptr;
  int stdio[3] = {-1, -1, -1};      // become fds 0, 1, 2; everything else is closed
  const sock_fprog* filter = nullptr;
  const char* path = nullptr;       // the interpreter
  char* const* argv = nullptr;
  char* const* envp = nullptr;
};

// What the child reports before exiting with status 127. `step` indexes ChildPlan::steps, or is one of
// the negative phase codes below.
struct ChildFailure {
  int32_t step;
  int32_t error;  // errno
};

enum ChildPhase : int32_t {
  kPhaseRelease = -1, kPhaseParentDeath = -2, kPhaseSession = -3, kPhaseHostname = -4,
  kPhasePrivate = -5, kPhaseStage = -6, kPhasePivot = -7, kPhaseRootReadOnly = -8, kPhaseFds = -9,
  kPhaseLimits = -10, kPhaseNoNewPrivs = -11, kPhaseSeccomp = -12, kPhaseExec = -13, kPhaseIds = -14,
};

// A short description of a failed step for error messages ("bind-mount /usr", "load seccomp filter").
const char* child_phase_name(int32_t phase);

[[noreturn]] void run_sandbox_child(const ChildPlan& plan);

}  // namespace mpt::sandbox
