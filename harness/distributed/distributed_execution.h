// Running generated programs over the ranks' sandbox pools (HumanEval's code execution, spread
// like the model's work).
//
//   auto results = execute_distributed(world.communicator(), run_in_pool(pool), programs, on_result);
//
// A collective: every rank calls it at the same point. Rank 0's programs are the ones run (they
// are broadcast; the other ranks' `programs` are ignored, as with DistributedLanguageModel). They
// are dealt out evenly and executed in rounds of `round_programs` per rank, each rank running its
// share through `execute` (its own sandbox pool, all of a round's programs at once); after every
// round every rank has every verdict: the result vector is complete on every rank, and on_result
// fires on every rank for every program, in rounds, so rank 0 can store verdicts as they come.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "harness/distributed/communicator.h"
#include "sandbox/program.h"
#include "sandbox/verdict.h"

namespace mpt::sandbox {
class SandboxPool;
}

namespace mpt::dist {

// Runs programs on this rank, returning one result per program in order.
using ExecuteLocally = std::function<std::vector<sandbox::ExecutionResult>(const std::vector<sandbox::Program>&)>;

// All programs submitted to `pool` at once (it runs them on its workers), results in order.
ExecuteLocally run_in_pool(sandbox::SandboxPool& pool);

std::vector<sandbox::ExecutionResult> execute_distributed(
    Communicator& comm, const ExecuteLocally& execute, const std::vector<sandbox::Program>& programs,
    const std::function<void(size_t index, const sandbox::ExecutionResult&)>& on_result = {},
    int64_t round_programs = 64);

}  // namespace mpt::dist
