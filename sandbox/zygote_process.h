// One worker sandbox: a zygote process in its own user, pid, net, mount, ipc and uts namespaces,
// with a read-only root, no_new_privs and the zygote seccomp filter (or, without isolation, a plain
// child process). It runs programs one at a time; each program gets fresh nested namespaces from
// the zygote (see sandbox/python/zygote.py).
//
// Lifetime: the sandbox dies with the thread that created it (PR_SET_PDEATHSIG), so create and use
// a ZygoteProcess on one long-lived thread. The destructor ends the zygote and everything under it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "sandbox/program.h"
#include "sandbox/sandbox_setup.h"
#include "sandbox/zygote_protocol.h"

namespace mpt::sandbox {

class ZygoteProcess {
 public:
  // Starts the zygote and waits until it is ready. Throws mpt::Error (Runtime) naming the step
  // that failed (e.g. "cannot start the sandbox (bind-mount /usr on /usr): Permission denied").
  ZygoteProcess(const SandboxSetup& setup, int worker_index);
  ~ZygoteProcess();
  ZygoteProcess(const ZygoteProcess&) = delete;
  ZygoteProcess& operator=(const ZygoteProcess&) = delete;

  // Runs one program to its end. Throws mpt::Error (Runtime) when the zygote fails or stops
  // answering; the object is then dead and must be replaced.
  ZygoteResponse run(const Program& program, int64_t seq);

  pid_t pid() const { return pid_; }

 private:
  void kill_and_reap();
  std::string stderr_tail();

  const SandboxSetup& setup_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int request_fd_ = -1, response_fd_ = -1, stderr_fd_ = -1;
  int alive_fd_ = -1;  // the release pipe's write end, open for the zygote's whole life
  std::string cgroup_;
};

}  // namespace mpt::sandbox
