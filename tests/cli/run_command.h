// Runs the built mpt-eval binary as a child process and captures its exit code and output.
#pragma once

#include <string>
#include <vector>

namespace mpt::test {

struct CommandResult {
  int exit_code = -1;   // the process's exit status; 128+N when killed by signal N
  std::string out;      // stdout
  std::string err;      // stderr
};

// Runs MPTEVAL_BINARY with `args` (no shell), optionally feeding `stdin_data`.
CommandResult run_mpt_eval(const std::vector<std::string>& args, const std::string& stdin_data = "");

// Runs `binary` (an absolute path) with `args` the same way.
CommandResult run_program(const std::string& binary, const std::vector<std::string>& args,
                          const std::string& stdin_data = "");

}  // namespace mpt::test
