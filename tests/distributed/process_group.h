// Starting processes for the multi-process tests: concurrently, with extra environment variables,
// output captured in files (no pipes to fill up), and killable.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace mpt::test {

struct Started {
  pid_t pid = -1;
  std::string out_path, err_path;
};

// Starts argv[0] (searched in PATH) with `env` added to this process's environment.
Started start_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                      const std::string& log_prefix);

struct Finished {
  int exit_code = -1;  // 128 + N when killed by signal N
  std::string out, err;
  double seconds = 0;  // from the call to wait_process to the process's end
};

// Waits for the process (at most `timeout_s`, then SIGKILL and exit_code -1).
Finished wait_process(const Started& p, double timeout_s);

// A TCP port that was free a moment ago.
int free_port();

// A fresh, empty temporary directory.
std::string temp_dir(const std::string& tag);

std::string read_text(const std::string& path);

}  // namespace mpt::test
