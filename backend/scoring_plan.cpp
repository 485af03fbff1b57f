#include "backend/scoring_plan.h"

#include <algorithm>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "common/error.h"

namespace mpt {
namespace {

// Token sequences as map keys: hash and compare their bytes.
std::string_view bytes_of(const Tokens& t) {
  return {reinterpret_cast<const char*>(t.data()), t.size() * sizeof(TokenId)};
}

}  // namespace

int64_t ScoringGroup::computed_tokens() const {
  int64_t n = static_cast<int64_t>(context.size());
  for (const Tokens& c : continuations) n += static_cast<int64_t>(c.size()) - 1;
  return n;
}

int64_t ScoringGroup::max_length() const {
  size_t longest = 0;
  for (const Tokens& c : continuations) longest = std::max(longest, c.size());
  return static_cast<int64_t>(context.size() + longest);
}

ScoringPlan plan_scoring(const std::vector<LoglikelihoodRequest>& requests, int64_t token_budget) {
  if (token_budget <= 0)
    throw input_error("invalid token budget", "--batch-tokens", "a positive number of tokens",
                      std::to_string(token_budget));
  ScoringPlan plan;
  // Views into `requests`, which outlives the maps.
  std::unordered_map<std::string_view, size_t> group_of_context;
  std::vector<std::unordered_map<std::string_view, size_t>> cont_index;  // per group
  for (size_t i = 0; i < requests.size(); ++i) {
    const LoglikelihoodRequest& r = requests[i];
    plan.requested_tokens += static_cast<int64_t>(r.context.size() + r.continuation.size());
    if (r.continuation.empty()) continue;
    auto [it, fresh] = group_of_context.try_emplace(bytes_of(r.context), plan.groups.size());
    if (fresh) {
      plan.groups.push_back(ScoringGroup{r.context, {}, {}});
      cont_index.emplace_back();
    }
    ScoringGroup& g = plan.groups[it->second];
    auto [cit, cfresh] = cont_index[it->second].try_emplace(bytes_of(r.continuation), g.continuations.size());
    if (cfresh) {
      g.continuations.push_back(r.continuation);
      g.request_indices.emplace_back();
    }
    g.request_indices[cit->second].push_back(i);
  }

  std::vector<size_t> order(plan.groups.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return plan.groups[a].max_length() > plan.groups[b].max_length();
  });
  ScoringBatch current;
  for (size_t gi : order) {
    int64_t cost = plan.groups[gi].computed_tokens();
    plan.computed_tokens += cost;
    if (!current.groups.empty() && current.computed_tokens + cost > token_budget) {
      plan.batches.push_back(std::move(current));
      current = ScoringBatch{};
    }
    current.groups.push_back(gi);
    current.computed_tokens += cost;
  }
  if (!current.groups.empty()) plan.batches.push_back(std::move(current));
  return plan;
}

std::vector<std::vector<size_t>> shard_groups(const std::vector<ScoringGroup>& groups, int world_size) {
  std::vector<int64_t> costs;
  costs.reserve(groups.size());
  for (const ScoringGroup& g : groups) costs.push_back(g.computed_tokens());
  return partition_by_cost(costs, world_size);
}

std::vector<std::vector<size_t>> partition_by_cost(const std::vector<int64_t>& costs, int parts) {
  if (parts <= 0) throw input_error("invalid world size", "", "at least 1 rank", std::to_string(parts));
  std::vector<size_t> order(costs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return costs[a] > costs[b]; });
  std::vector<std::vector<size_t>> shards(static_cast<size_t>(parts));
  std::vector<int64_t> load(static_cast<size_t>(parts), 0);
  for (size_t i : order) {
    size_t r = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    shards[r].push_back(i);
    load[r] += costs[i];
  }
  for (auto& s : shards) std::sort(s.begin(), s.end());
  return shards;
}

int64_t naive_padded_tokens(const std::vector<LoglikelihoodRequest>& requests, int batch_size) {
  if (batch_size <= 0) throw input_error("invalid batch size", "", "at least 1", std::to_string(batch_size));
  int64_t total = 0;
  for (size_t s = 0; s < requests.size(); s += static_cast<size_t>(batch_size)) {
    size_t e = std::min(requests.size(), s + static_cast<size_t>(batch_size));
    size_t longest = 0;
    for (size_t i = s; i < e; ++i)
      longest = std::max(longest, requests[i].context.size() + requests[i].continuation.size());
    total += static_cast<int64_t>(longest * (e - s));
  }
  return total;
}

}  // namespace mpt
