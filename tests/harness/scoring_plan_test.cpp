#include "backend/scoring_plan.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/error.h"

namespace mpt {
namespace {

LoglikelihoodRequest req(Tokens ctx, Tokens cont) { return {std::move(ctx), std::move(cont)}; }

}  // namespace

TEST(ScoringPlan, SharesContextsAndMergesDuplicates) {
  // One multiple-choice question (context 1 2 3, three choices, one asked twice) and an LM request.
  std::vector<LoglikelihoodRequest> reqs = {
      req({1, 2, 3}, {7}), req({1, 2, 3}, {8, 9}), req({5}, {6, 6, 6}), req({1, 2, 3}, {7}), req({1, 2, 3}, {4})};
  ScoringPlan plan = plan_scoring(reqs, 1000);
  ASSERT_EQ(plan.groups.size(), 2u);
  const ScoringGroup& mc = plan.groups[0];
  EXPECT_EQ(mc.context, (Tokens{1, 2, 3}));
  ASSERT_EQ(mc.continuations.size(), 3u);
  EXPECT_EQ(mc.request_indices[0], (std::vector<size_t>{0, 3}));
  EXPECT_EQ(mc.request_indices[1], (std::vector<size_t>{1}));
  EXPECT_EQ(mc.request_indices[2], (std::vector<size_t>{4}));
  // Computed: context 3 + continuations minus last token (0 + 1 + 0) = 4; LM group: 1 + 2 = 3.
  EXPECT_EQ(mc.computed_tokens(), 4);
  EXPECT_EQ(plan.groups[1].computed_tokens(), 3);
  EXPECT_EQ(plan.computed_tokens, 7);
  EXPECT_EQ(plan.requested_tokens, 4 + 5 + 4 + 4 + 4);
}

TEST(ScoringPlan, EmptyContinuationsNeedNoWork) {
  ScoringPlan plan = plan_scoring({req({1, 2}, {}), req({3}, {4})}, 10);
  ASSERT_EQ(plan.groups.size(), 1u);
  EXPECT_EQ(plan.groups[0].request_indices[0], (std::vector<size_t>{1}));
}

TEST(ScoringPlan, BatchesRespectTheBudgetLongestFirst) {
  std::vector<LoglikelihoodRequest> reqs;
  for (int i = 1; i <= 10; ++i) reqs.push_back(req(Tokens(static_cast<size_t>(i), i), {1}));
  ScoringPlan plan = plan_scoring(reqs, 12);
  int64_t total = 0;
  int64_t previous_max = 1 << 30;
  for (const ScoringBatch& b : plan.batches) {
    ASSERT_FALSE(b.groups.empty());
    EXPECT_LE(b.computed_tokens, 12);
    for (size_t g : b.groups) {
      EXPECT_LE(plan.groups[g].max_length(), previous_max);  // longest first
      previous_max = plan.groups[g].max_length();
    }
    total += b.computed_tokens;
  }
  EXPECT_EQ(total, plan.computed_tokens);
  // A group larger than the budget still gets a batch of its own.
  ScoringPlan big = plan_scoring({req(Tokens(50, 1), {2, 3})}, 8);
  ASSERT_EQ(big.batches.size(), 1u);
  EXPECT_EQ(big.batches[0].computed_tokens, 51);
  EXPECT_THROW(plan_scoring(reqs, 0), Error);
}

TEST(ScoringPlan, ShardsBalanceAndCoverEveryGroupOnce) {
  std::vector<LoglikelihoodRequest> reqs;
  for (int i = 1; i <= 30; ++i) reqs.push_back(req(Tokens(static_cast<size_t>(i * 7 % 23 + 1), i), {1, 2}));
  ScoringPlan plan = plan_scoring(reqs, 100);
  for (int world : {1, 2, 3}) {
    auto shards = shard_groups(plan.groups, world);
    ASSERT_EQ(shards.size(), static_cast<size_t>(world));
    std::vector<size_t> all;
    std::vector<int64_t> load;
    for (auto& s : shards) {
      int64_t l = 0;
      for (size_t g : s) l += plan.groups[g].computed_tokens(), all.push_back(g);
      load.push_back(l);
    }
    std::sort(all.begin(), all.end());
    ASSERT_EQ(all.size(), plan.groups.size());
    for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i);
    // LPT keeps the spread within the largest single group.
    int64_t largest = 0;
    for (auto& g : plan.groups) largest = std::max(largest, g.computed_tokens());
    EXPECT_LE(*std::max_element(load.begin(), load.end()) - *std::min_element(load.begin(), load.end()), largest);
  }
}

TEST(ScoringPlan, NaivePaddedCount) {
  // Batches of 2: rows (3,5) pad to 5 -> 10, row (2) -> 2.
  std::vector<LoglikelihoodRequest> reqs = {req({1, 2}, {3}), req({1, 2, 3, 4}, {5}), req({1}, {2})};
  EXPECT_EQ(naive_padded_tokens(reqs, 2), 12);
  EXPECT_EQ(naive_padded_tokens(reqs, 1), 3 + 5 + 2);
}

}  // namespace mpt
