// `mpt-eval launch`: starts N ranks of a command on this machine, like `torchrun --standalone`.
//
// Each rank gets torchrun's variables (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR
// = 127.0.0.1, MASTER_PORT) and, as torchrun's agent does, TORCHELASTIC_USE_AGENT_STORE=True: the
// launcher itself hosts the job's TCPStore, so the store outlives any rank, and the launcher can
// tell the ranks at once when one of them dies. OMP_NUM_THREADS, when unset and N > 1, becomes
// cores / N (at least 1) so that N ranks do not oversubscribe the CPU (torchrun sets 1); one rank
// keeps ATen's own choice.
//
// Ranks are started with Boost.Process (one bp::child and bp::group each) and their output read on
// Boost.Asio's event loop (docs/distributed.md). While the ranks run, the launcher
//   * copies their output line by line, tagged "[rank N] " (stdout to stdout, stderr to stderr);
//   * forwards SIGINT, SIGTERM and SIGHUP to every rank (each rank is its own process group, so
//     the signal reaches the programs a rank started too);
//   * when a rank fails (non-zero exit or a signal), announces it through the store (the other
//     ranks' monitors stop them within a heartbeat, with an error naming it), gives them `grace`
//     to exit on their own, then sends SIGTERM, and SIGKILL `grace` later.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mpt::dist {

struct LocalLaunchOptions {
  int nproc = 1;
  uint16_t master_port = 0;            // 0: a free port
  std::vector<std::string> command;    // program and arguments (argv)
  bool tag_output = true;              // prefix lines with "[rank N] "
  std::chrono::milliseconds grace{30000};
};

struct LocalLaunchResult {
  int exit_code = 0;     // 0 when every rank succeeded; else the first failed rank's exit code (1 for a signal)
  std::string failure;   // "rank 1 (pid 4242) was killed by signal 9 (Killed)"; empty on success
};

// Runs the job to its end. Input error for nproc < 1 or an empty command; Runtime error when the
// store cannot start or a rank cannot be started.
LocalLaunchResult launch_local(const LocalLaunchOptions& options);

// The running executable's path (/proc/self/exe), to start ranks of mpt-eval itself.
std::string self_executable();

}  // namespace mpt::dist
