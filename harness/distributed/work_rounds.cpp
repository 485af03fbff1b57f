#include "harness/distributed/work_rounds.h"

#include <algorithm>

#include "common/error.h"
#include "harness/distributed/wire.h"
#include "backend/scoring_plan.h"

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

namespace {

// One exchange: this rank's work results and side bytes out, every rank's in. Rank 0 adds whether
// exchanges go on after the work (its side channel's pending()).
std::vector<std::string> exchange(Communicator& comm, const std::string& work, SideChannel* side, bool& more) {
  if (!side) {
    more = false;
    return comm.allgather(work);
  }
  ByteWriter w;
  w.put_string(work);
  w.put_string(side->outgoing());
  w.put<uint8_t>(comm.rank() == 0 && side->pending() ? 1 : 0);
  std::vector<std::string> all = comm.allgather(w.take());
  std::vector<std::string> results(all.size());
  for (size_t r = 0; r < all.size(); ++r) {
    ByteReader reader(all[r], "exchange from rank " + std::to_string(r));
    results[r] = reader.get_string();
    side->incoming(static_cast<int>(r), reader.get_string());
    uint8_t flag = reader.get<uint8_t>();
    if (r == 0) more = flag != 0;
    reader.expect_end();
  }
  return results;
}

}  // namespace

void run_rounds(Communicator& comm, const WorkRounds& plan, const ComputeRound& compute, const DeliverRound& deliver,
                SideChannel* side) {
  const size_t me = static_cast<size_t>(comm.rank());
  bool more = false;
  for (const auto& round : plan.rounds) {
    std::vector<std::string> all = exchange(comm, compute(round[me]), side, more);
    for (size_t r = 0; r < round.size(); ++r) deliver(static_cast<int>(r), round[r], all[r]);
  }
  if (!side) return;
  // Always one exchange after the last delivery: delivering a round can give the side channel new
  // traffic (rank 0's runner submits the programs of the completions just delivered), and the
  // `more` flag of the round's own exchange was computed before that delivery. Deciding on that
  // stale flag left such programs unsent and their verdicts awaited forever (a hang seen in CI).
  exchange(comm, std::string(), side, more);
  while (more) {
    side->wait_for_progress(std::chrono::milliseconds(100));
    exchange(comm, std::string(), side, more);
  }
}

}  // namespace mpt::dist
