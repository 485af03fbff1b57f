#include "harness/distributed/work_rounds.h"

#include <gtest/gtest.h>

#include <memory>
#include <numeric>
#include <thread>

#include "tests/distributed/test_support.h"

namespace mpt::dist {
namespace {

TEST(PlanWork, EveryItemOnceAndSharesBalanced) {
  std::vector<int64_t> costs;
  for (int i = 0; i < 200; ++i) costs.push_back(10 + (i * 37) % 90);
  for (int ranks : {1, 2, 3, 8}) {
    WorkRounds plan = plan_work(costs, ranks, 500);
    std::vector<int> seen(costs.size(), 0);
    std::vector<int64_t> load(static_cast<size_t>(ranks), 0);
    for (const auto& round : plan.rounds) {
      ASSERT_EQ(round.size(), static_cast<size_t>(ranks));
      for (size_t r = 0; r < round.size(); ++r)
        for (size_t i : round[r]) ++seen[i], load[r] += costs[i];
    }
    for (int s : seen) EXPECT_EQ(s, 1);
    int64_t total = std::accumulate(costs.begin(), costs.end(), int64_t{0});
    int64_t most = *std::max_element(load.begin(), load.end());
    // LPT: the busiest rank carries at most its fair share plus one item (at most 99 here).
    EXPECT_LE(most, total / ranks + 99) << ranks;
    // Rounds of about 500 per rank: the busiest share divided by 500, rounded up.
    EXPECT_EQ(plan.rounds.size(), static_cast<size_t>((most + 499) / 500)) << ranks;
  }
}

TEST(PlanWork, DeterministicAndEmptyWithoutItems) {
  std::vector<int64_t> costs = {5, 1, 9, 9, 3, 7};
  EXPECT_EQ(plan_work(costs, 3, 4).rounds, plan_work(costs, 3, 4).rounds);
  EXPECT_TRUE(plan_work({}, 3, 4).rounds.empty());
  // More ranks than items: the idle ranks get empty shares.
  WorkRounds plan = plan_work({4, 2}, 4, 100);
  ASSERT_EQ(plan.rounds.size(), 1u);
  EXPECT_EQ(plan.rounds[0][0], std::vector<size_t>{0});
  EXPECT_EQ(plan.rounds[0][1], std::vector<size_t>{1});
  EXPECT_TRUE(plan.rounds[0][2].empty());
}

TEST(RunRounds, EveryRankReceivesEveryResultInRankOrder) {
  std::vector<int64_t> costs = {3, 8, 1, 5, 5, 2, 9};
  const int n = 3;
  test::LocalHub hub(n);
  WorkRounds plan = plan_work(costs, n, 6);
  std::vector<std::vector<std::string>> got(n, std::vector<std::string>(costs.size()));
  std::vector<std::thread> threads;
  for (int r = 0; r < n; ++r)
    threads.emplace_back([&, r] {
      test::LocalCommunicator comm(hub, r);
      run_rounds(
          comm, plan,
          [&](const std::vector<size_t>& items) {
            std::string s;
            for (size_t i : items) s += static_cast<char>('a' + i);
            return s;
          },
          [&](int from, const std::vector<size_t>& items, const std::string& bytes) {
            ASSERT_EQ(bytes.size(), items.size());
            for (size_t k = 0; k < items.size(); ++k) {
              std::string& slot = got[static_cast<size_t>(r)][items[k]];
              slot.assign(1, bytes[k]);
              slot += std::to_string(from);
            }
          });
    });
  for (auto& t : threads) t.join();
  for (int r = 1; r < n; ++r) EXPECT_EQ(got[static_cast<size_t>(r)], got[0]);
  for (size_t i = 0; i < costs.size(); ++i) EXPECT_EQ(got[0][i][0], static_cast<char>('a' + i));
}

// Rank 0 sends a message over the side channel and waits for rank 1's acknowledgement. Rank 0
// creates the message while the LAST round is delivered (as the runner submits the program of a
// completion just delivered): run_rounds must still carry it to rank 1 and the reply back.
class AckChannel final : public SideChannel {
 public:
  explicit AckChannel(int rank) : rank_(rank) {}
  void post(const std::string& m) { unsent_ += m; }
  std::string outgoing() override {
    std::string out = rank_ == 0 ? unsent_ : to_ack_;
    (rank_ == 0 ? sent_ : acked_) += out;
    unsent_.clear(), to_ack_.clear();
    return out;
  }
  void incoming(int from, const std::string& bytes) override {
    if (rank_ != 0 && from == 0) received_ += bytes, to_ack_ += bytes;
    if (rank_ == 0 && from == 1) acks_ += bytes;
  }
  bool pending() override { return !unsent_.empty() || acks_.size() < sent_.size(); }
  void wait_for_progress(std::chrono::milliseconds) override {}
  std::string received_, acks_;

 private:
  int rank_;
  std::string unsent_, sent_, to_ack_, acked_;
};

TEST(RunRounds, SideTrafficCreatedWhileTheLastRoundIsDeliveredStillFlows) {
  const int n = 2;
  test::LocalHub hub(n);
  WorkRounds plan = plan_work({4, 4, 4, 4}, n, 4);  // two rounds of one item per rank
  ASSERT_EQ(plan.rounds.size(), 2u);
  std::vector<std::unique_ptr<AckChannel>> side;
  for (int r = 0; r < n; ++r) side.push_back(std::make_unique<AckChannel>(r));
  std::vector<std::thread> threads;
  for (int r = 0; r < n; ++r)
    threads.emplace_back([&, r] {
      test::LocalCommunicator comm(hub, r);
      size_t delivered = 0;
      run_rounds(
          comm, plan, [](const std::vector<size_t>&) { return std::string("x"); },
          [&](int from, const std::vector<size_t>&, const std::string&) {
            // Rank 0, on the last delivery of the last round: new side traffic.
            if (r == 0 && ++delivered == plan.rounds.size() * n) side[0]->post("late");
          },
          side[static_cast<size_t>(r)].get());
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(side[1]->received_, "late");
  EXPECT_EQ(side[0]->acks_, "late");
}

}  // namespace
}  // namespace mpt::dist
