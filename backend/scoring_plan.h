// Planning log-likelihood work: which tokens the model computes, in which batches, on which rank.
//
// Given the requests of one or many tasks, plan_scoring
//   1. merges identical (context, continuation) requests: each is computed once, answered many times;
//   2. groups requests by identical context: the context is run once and every continuation of the
//      group attends to its keys and values (a multiple-choice question's choices share everything
//      before the answer);
//   3. feeds each continuation without its last token (no later position needs that token, and the
//      first continuation token is scored from the context's last position);
//   4. orders groups longest first (memory trouble shows at once; the ETA is conservative) and packs
//      them into batches whose computed tokens stay under a budget (a group larger than the budget
//      is a batch of its own).
// The plan never changes results: the executor's per-request answers do not depend on batching.
#pragma once

#include <cstdint>
#include <vector>

#include "tasks/requests.h"

namespace mpt {

struct ScoringGroup {
  Tokens context;                                   // shared by every continuation below
  std::vector<Tokens> continuations;                // distinct continuations, in first-seen order
  std::vector<std::vector<size_t>> request_indices; // per continuation: the requests it answers

  // Tokens the model runs for this group: the context plus each continuation minus its last token.
  int64_t computed_tokens() const;
  // Longest context + continuation length in the group (what attention sees at most).
  int64_t max_length() const;
};

struct ScoringBatch {
  std::vector<size_t> groups;  // indices into ScoringPlan::groups
  int64_t computed_tokens = 0;
};

struct ScoringPlan {
  std::vector<ScoringGroup> groups;
  std::vector<ScoringBatch> batches;
  int64_t requested_tokens = 0;  // sum over all requests of context + continuation (the naive count)
  int64_t computed_tokens = 0;   // sum over groups of computed_tokens()
};

// `token_budget` > 0: the most computed tokens in one batch. Requests with an empty continuation
// are answered without computation (they appear in no group). Deterministic for a given input.
ScoringPlan plan_scoring(const std::vector<LoglikelihoodRequest>& requests, int64_t token_budget);

// Splits groups over `world_size` ranks so that their computed tokens are as even as possible
// (longest-processing-time-first), deterministically. Returns, per rank, the group indices.
std::vector<std::vector<size_t>> shard_groups(const std::vector<ScoringGroup>& groups, int world_size);

// The same partition for any work items: `costs[i]` is item i's cost; returns, per part, the item
// indices (ascending). Each item goes to the least loaded part, costliest items first, ties to the
// lower part and the lower index, so that every rank computes the same partition.
std::vector<std::vector<size_t>> partition_by_cost(const std::vector<int64_t>& costs, int parts);

// Naive token count the prefix sharing and padding-free batching are measured against: every
// request its own row, rows padded to the longest in fixed batches of `batch_size` taken in the
// given order (what a plain `model(ids, attention_mask)` loop computes).
int64_t naive_padded_tokens(const std::vector<LoglikelihoodRequest>& requests, int batch_size);

}  // namespace mpt
