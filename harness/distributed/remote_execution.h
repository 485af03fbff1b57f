// Generated programs executed across the ranks' sandbox pools while the model keeps generating.
//
// Rank 0's runner hands each program over as soon as its completion exists (submit(), the same
// shape as SandboxPool::submit). RemoteExecution deals programs to the rank with the fewest
// outstanding ones (rank 0 included, whose own pool gets them directly); the others' programs ride
// along with the next exchange of DistributedLanguageModel::generate's rounds (it is that call's
// SideChannel), run in the receiving rank's pool while generation goes on, and their verdicts come
// back with a later exchange. generate() returns only when every program submitted during it has
// its verdict, so the runner's "wait for all" finds them done. The other ranks create their sandbox
// pool when their first program arrives (`make_pool`), so runs without code never start one.
//
// Threads: submit() and the verdict callbacks run on rank 0's generating thread (callbacks of
// rank 0's own programs on its pool's worker threads, as SandboxPool's do).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "harness/distributed/work_rounds.h"
#include "sandbox/program.h"
#include "sandbox/verdict.h"

namespace mpt::dist {

class RemoteExecution final : public SideChannel {
 public:
  using Done = std::function<void(sandbox::ExecutionResult)>;
  // Runs one program in this rank's pool and calls `done` (from any thread) with its result.
  using Submit = std::function<void(sandbox::Program, Done)>;
  // Creates this rank's pool (called once, when the first program for this rank arrives, or by
  // rank 0's first submit) and returns how to submit to it.
  using MakePool = std::function<Submit()>;

  RemoteExecution(int rank, int size, MakePool make_pool);

  // Rank 0 only: runs `program` somewhere and calls `done` with its result.
  void submit(sandbox::Program program, Done done);
  // This rank's pool is one that exists already (rank 0: the runner's): make_pool is not called.
  void use_pool(Submit local) { local_ = std::move(local); }

  std::string outgoing() override;
  void incoming(int rank, const std::string& bytes) override;
  bool pending() override;
  void wait_for_progress(std::chrono::milliseconds most) override;

  // Programs each rank ran (rank 0's view: assigned), for logs and tests.
  const std::vector<int64_t>& assigned() const { return assigned_; }

 private:
  void run_locally(uint64_t id, sandbox::Program program, Done done);

  const int rank_, size_;
  MakePool make_pool_;
  Submit local_;                   // this rank's pool, once created

  // Rank 0: what is out there.
  uint64_t next_id_ = 0;
  std::vector<int64_t> outstanding_, assigned_;                  // per rank
  std::vector<std::vector<std::pair<uint64_t, sandbox::Program>>> to_send_;  // per rank
  std::map<uint64_t, std::pair<int, Done>> waiting_;             // remote programs: rank, callback

  // Every rank: verdicts of local programs not yet sent (other ranks) and local work in flight.
  // Shared with the pool's callbacks, which may outlive this object (a failed run).
  struct Local {
    std::mutex mutex;
    std::condition_variable finished_cv;
    std::deque<std::pair<uint64_t, sandbox::ExecutionResult>> finished;
    int64_t running = 0;
  };
  std::shared_ptr<Local> state_ = std::make_shared<Local>();
};

}  // namespace mpt::dist
