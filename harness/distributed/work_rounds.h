// Spreading work items over the ranks by cost, in rounds that end with an exchange of results.
//
// Every rank computes the same WorkRounds from the same costs (plan_work is deterministic), so no
// assignment is ever sent: a rank knows which items every other rank computes in every round and
// decodes their results without indices. Items are partitioned by cost (partition_by_cost:
// longest-processing-time first), so ranks finish together; each rank's share is then cut into the
// same number of rounds of about `round_cost` each, costliest items first. After each round every
// rank has every rank's results of that round (allgather), so rank 0 can store them as it goes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dist/communicator.h"

namespace mpt::dist {

struct WorkRounds {
  // rounds[k][rank]: the item indices `rank` computes in round k (in the order it computes them).
  std::vector<std::vector<std::vector<size_t>>> rounds;
};

// `round_cost` > 0: the cost one rank computes per round (the number of rounds is the largest
// share divided by it, rounded up). No items: no rounds.
WorkRounds plan_work(const std::vector<int64_t>& costs, int world_size, int64_t round_cost);

// Computes this rank's items of a round; returns their results encoded in one byte string.
using ComputeRound = std::function<std::string(const std::vector<size_t>& items)>;
// Receives one rank's results of a round (this rank's own too), in rank order, on every rank.
using DeliverRound = std::function<void(int rank, const std::vector<size_t>& items, const std::string& bytes)>;

// Other traffic that rides along with the rounds' exchanges (remote_execution.h: programs out,
// verdicts back). Rank 0 decides whether exchanges go on after the last round of work.
class SideChannel {
 public:
  virtual ~SideChannel() = default;
  virtual std::string outgoing() = 0;                                // this rank's bytes for the next exchange
  virtual void incoming(int rank, const std::string& bytes) = 0;     // every rank's, on every rank
  virtual bool pending() = 0;                                        // rank 0: more exchanges needed
  virtual void wait_for_progress(std::chrono::milliseconds most) = 0;  // between exchanges without work
};

// Runs every round: compute, allgather, deliver; then, with a side channel, one exchange without
// work after the last delivery and more while rank 0's side channel is pending. A collective: every rank calls it with the same plan.
void run_rounds(Communicator& comm, const WorkRounds& plan, const ComputeRound& compute, const DeliverRound& deliver,
                SideChannel* side = nullptr);

}  // namespace mpt::dist
