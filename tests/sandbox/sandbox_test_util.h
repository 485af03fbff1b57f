// Helpers shared by the sandbox tests.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sandbox/program.h"
#include "sandbox/sandbox_config.h"
#include "sandbox/sandbox_pool.h"
#include "sandbox/verdict.h"

namespace mpt::test {

// A strict configuration for tests: short timeout, small limits, and host ids unique to this test
// process (so that the leftover-process check cannot see another test binary's sandboxes).
sandbox::Config test_config(double timeout_seconds = 2.0);

// A program whose test requires f(1) == 2; `solution` supplies (or fails to supply) f.
sandbox::Program program(const std::string& solution);

// Submits every program at once and waits for all results (in order).
std::vector<sandbox::ExecutionResult> run_all(sandbox::SandboxPool& pool, const std::vector<sandbox::Program>& programs);

// A TCP listener on the host's loopback that no sandboxed program may reach.
struct HostListener {
  int fd = -1;
  int port = 0;
  HostListener();  // throws std::runtime_error when it cannot listen
  ~HostListener();
  bool anyone_connected() const;
};

// Processes on the host whose real uid is `uid` (scans /proc).
std::vector<pid_t> processes_of_uid(uid_t uid);

}  // namespace mpt::test
