// Runs generated programs in the sandbox pool while the model keeps generating, and hands their
// verdicts back on the runner's own thread (the store is written from one thread only).
//
//   CodeExecutor exec(pool);
//   exec.submit(tag, program);                        // from the generation callback, returns at once
//   exec.drain([](uint64_t tag, ExecutionResult r) {...});     // whenever convenient: finished ones
//   exec.wait_all([](uint64_t tag, ExecutionResult r) {...});  // at the end: blocks until all are done
//
// Destroying the executor does not wait for programs still running: their results are dropped.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "sandbox/program.h"
#include "sandbox/verdict.h"

namespace mpt {

namespace sandbox {
class SandboxPool;
}

class CodeExecutor {
 public:
  using Handler = std::function<void(uint64_t tag, sandbox::ExecutionResult result)>;
  // How a program reaches a sandbox: the pool's submit, or (distributed runs) every rank's pools
  // (harness/distributed/remote_execution.h). `done` may be called from any thread.
  using Submit = std::function<void(sandbox::Program program, std::function<void(sandbox::ExecutionResult)> done)>;

  // `pool` must outlive every program submitted. `expected` sizes the progress bar.
  CodeExecutor(sandbox::SandboxPool& pool, int64_t expected);
  CodeExecutor(Submit submit, int64_t expected);
  ~CodeExecutor();

  void submit(uint64_t tag, sandbox::Program program);
  void drain(const Handler& handler);     // handles the programs finished so far
  void wait_all(const Handler& handler);  // handles every submitted program, waiting for them
  int64_t submitted() const { return submitted_; }

 private:
  struct Shared;  // the queue the pool's worker threads fill (kept alive by their callbacks)
  Submit submit_;
  std::shared_ptr<Shared> shared_;
  int64_t submitted_ = 0;
  int64_t handled_ = 0;
};

}  // namespace mpt
