// Starting the store_writer driver as a child process, killing it, and collecting its output.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace mpt::test {

struct Child {
  pid_t pid = -1;
  std::string out_path, err_path;  // its stdout and stderr, in files
};

struct ChildResult {
  int exit_code = -1;  // 128 + N when killed by signal N
  std::string out, err;
};

// Runs `argv[0]` with the arguments (no shell), in its own process group.
Child spawn(const std::vector<std::string>& argv);
ChildResult wait_for(const Child& c);
// Waits at most `timeout_s`; then SIGKILLs the child's process group. `timed_out` tells which.
ChildResult wait_for(const Child& c, double timeout_s, bool* timed_out);
// SIGKILL (the child only, as a crash would), then reaps it.
ChildResult kill9(const Child& c);

}  // namespace mpt::test
