#include "harness/distributed/work_rounds.h"

#include <algorithm>

#include "common/error.h"
#include "harness/scoring_plan.h"

namespace mpt::dist {

WorkRounds plan_work(const std::vector<int64_t>& costs, int world_size, int64_t round_cost) {
  if (round_cost <= 0) throw input_error("invalid round size", "", "a positive cost per round", std::to_string(round_cost));
  WorkRounds plan;
  if (costs.empty()) return plan;
  std::vector<std::vector<size_t>> shares = partition_by_cost(costs, world_size);
  std::vector<int64_t> load(shares.size(), 0);
  int64_t rounds = 1;
  for (size_t r = 0; r < shares.size(); ++r) {
    for (size_t i : shares[r]) load[r] += std::max<int64_t>(costs[i], 0);
    rounds = std::max(rounds, (load[r] + round_cost - 1) / round_cost);
  }
  plan.rounds.assign(static_cast<size_t>(rounds), std::vector<std::vector<size_t>>(shares.size()));
  for (size_t r = 0; r < shares.size(); ++r) {
    std::vector<size_t>& share = shares[r];
    // Costliest first: memory trouble shows in the first round, and later rounds balance the rest.
    std::stable_sort(share.begin(), share.end(), [&](size_t a, size_t b) { return costs[a] > costs[b]; });
    // Round k holds the items whose cost, accumulated before them, lies in [k, k+1) * load / rounds.
    int64_t before = 0;
    for (size_t i : share) {
      int64_t k = load[r] > 0 ? before * rounds / load[r] : 0;
      plan.rounds[static_cast<size_t>(std::min(k, rounds - 1))][r].push_back(i);
      before += std::max<int64_t>(costs[i], 0);
    }
  }
  return plan;
}

void run_rounds(Communicator& comm, const WorkRounds& plan, const ComputeRound& compute, const DeliverRound& deliver) {
  const size_t me = static_cast<size_t>(comm.rank());
  for (const auto& round : plan.rounds) {
    std::string mine = compute(round[me]);
    std::vector<std::string> all = comm.allgather(mine);
    for (size_t r = 0; r < round.size(); ++r) deliver(static_cast<int>(r), round[r], all[r]);
  }
}

}  // namespace mpt::dist
