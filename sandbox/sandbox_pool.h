// A pool of worker sandboxes that runs programs concurrently, as they arrive.
//
//   SandboxPool pool(config);                        // probes isolation; refuses without it
//   std::future<ExecutionResult> f = pool.submit(p); // or submit(p, callback)
//
// submit() is thread-safe and never blocks on execution, so a generator can hand over each
// completion the moment it exists while earlier ones run. Each worker thread owns one zygote (see
// zygote_process.h) and runs one program at a time; the default is one worker per core.
//
// Infrastructure errors (the sandbox failed, not the program) are retried once on a fresh zygote,
// then reported as Verdict::InfrastructureError: never a pass, never a silent failure. stats()
// counts them separately.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/program.h"
#include "sandbox/sandbox_config.h"
#include "sandbox/verdict.h"

namespace mpt::sandbox {

class SandboxSetup;
class ZygoteProcess;

class SandboxPool {
 public:
  using Callback = std::function<void(ExecutionResult)>;

  struct Stats {
    std::map<Verdict, int64_t> verdicts;  // final verdicts of finished programs
    int64_t retried = 0;                  // infrastructure errors that were retried
  };

  // Validates the configuration, probes isolation and starts every worker's zygote. Throws
  // mpt::Error: Input for a bad configuration, Runtime when isolation is missing (without
  // unsafe_no_sandbox) or a sandbox cannot start.
  explicit SandboxPool(Config config);
  // Programs not started yet finish as InfrastructureError ("cancelled"); running ones complete.
  ~SandboxPool();
  SandboxPool(const SandboxPool&) = delete;
  SandboxPool& operator=(const SandboxPool&) = delete;

  std::future<ExecutionResult> submit(Program program);
  // `on_done` runs on a worker thread; it must be thread-safe, quick, and must not throw.
  void submit(Program program, Callback on_done);

  const std::string& isolation() const;
  int workers() const { return static_cast<int>(threads_.size()); }
  Stats stats() const;

 private:
  struct Job {
    Program program;
    Callback done;
  };
  void shutdown();
  void worker_main(int index);
  ExecutionResult run_job(std::unique_ptr<ZygoteProcess>& zygote, int index, const Program& program);

  std::unique_ptr<SandboxSetup> setup_;
  std::vector<std::thread> threads_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, started_cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  int started_ = 0;
  std::string start_error_;
  Stats stats_;
  int64_t next_seq_ = 0;
};

}  // namespace mpt::sandbox
