// The first moments of a worker sandbox: the code that runs between Boost.Process's fork() and its
// execve() of the zygote.
//
// Boost.Process forks a starter from the (multi-threaded) harness. Boost.Process only forks, and the
// zygote must be born inside new user and pid namespaces (pid 1 of its pid namespace, so that its
// end takes every program with it), so the starter clones the zygote with the namespace flags and
// CLONE_PARENT: the zygote is the harness's child, not the starter's, and dies with the harness
// thread (parent-death signal) as a directly cloned one would. The starter, still in the harness's
// namespaces and with its privileges, reports the zygote's pid, writes its uid/gid maps, releases it
// and exits. The zygote builds the read-only system view under a tmpfs, pivots into it, marks its
// file descriptors close-on-exec and loads the zygote seccomp filter under no_new_privs; then it
// returns to Boost.Process, which execs the interpreter (an exec failure comes back through
// Boost.Process's error pipe, and so does a failure of the starter).
//
// The harness prepares everything in a StarterPlan beforehand; both processes then only make
// system calls (no allocation, no locks: async-signal-safe). A failed set-up step of the zygote is
// written as a ChildFailure to error_fd before it exits with status 127; on success error_fd
// closes (O_CLOEXEC) at exec.
#pragma once

#include <linux/filter.h>
#include <sys/resource.h>
#include <sys/types.h>

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
                                    // harness keeps the pipe open afterwards, as a sign of life
  int error_fd = -1;                // O_CLOEXEC pipe for ChildFailure
  const MountStep* steps = nullptr;  // builds the new root under `stage`
  size_t step_count = 0;
  const char* stage = nullptr;      // where the new root is assembled ("/tmp" of the new mount namespace)
  const char* hostname = nullptr;
  int stdio[3] = {-1, -1, -1};      // become fds 0, 1, 2; everything else is closed
  const sock_fprog* filter = nullptr;
};

struct StarterPlan {
  pid_t harness = -1;               // the starter dies with the harness (checked after arming it)
  unsigned long clone_flags = 0;    // the zygote's namespaces (CLONE_NEW*), 0 without isolation
  const char* id_map = nullptr;     // written to the zygote's uid_map and gid_map; null: none
  size_t id_map_size = 0;
  int pid_fd = -1;                  // the zygote's pid (a pid_t, as the harness sees it) goes here
  int release_w = -1;               // the release pipe's write end (child.release_fd is its read end)
  ChildPlan child;                  // the zygote's set-up
};

// What the starter or the zygote reports before exiting (the zygote with status 127). `step` indexes ChildPlan::steps, or is one of
// the negative phase codes below.
struct ChildFailure {
  int32_t step;
  int32_t error;  // errno
};

enum ChildPhase : int32_t {
  kPhaseRelease = -1, kPhaseParentDeath = -2, kPhaseSession = -3, kPhaseHostname = -4,
  kPhasePrivate = -5, kPhaseStage = -6, kPhasePivot = -7, kPhaseRootReadOnly = -8, kPhaseFds = -9,
  kPhaseLimits = -10, kPhaseNoNewPrivs = -11, kPhaseSeccomp = -12, kPhaseIds = -14,
  kPhaseClone = -15, kPhaseReport = -16, kPhaseIdMaps = -17,
};

// A short description of a failed step for error messages ("bind-mount /usr", "load seccomp filter").
const char* child_phase_name(int32_t phase);

// Runs in the process Boost.Process forked. Returns 0 only in the zygote, set up and ready for exec.
// In the starter it returns -1 (errno set, a ChildFailure written) when the zygote could not be
// started, for the caller to fail Boost.Process's start and exit; otherwise the starter exits 0.
int start_zygote(const StarterPlan& plan);

}  // namespace mpt::sandbox
