#include "harness/distributed/distributed_language_model.h"

#include <limits>

#include "common/sha256.h"
#include "harness/distributed/wire.h"
#include "harness/distributed/work_rounds.h"
#include "harness/scoring_plan.h"

namespace mpt::dist {
namespace {

void hash_tokens(Sha256& h, const Tokens& t) {
  uint64_t n = t.size();
  h.update(&n, sizeof n);
  h.update(t.data(), t.size() * sizeof(TokenId));
}

std::string digest(const std::vector<LoglikelihoodRequest>& requests) {
  Sha256 h;
  h.update("loglikelihood");
  for (const LoglikelihoodRequest& r : requests) {
    hash_tokens(h, r.context);
    hash_tokens(h, r.continuation);
  }
  return h.hex_digest();
}

std::string digest(const std::vector<GenerateRequest>& requests) {
  Sha256 h;
  h.update("generate");
  for (const GenerateRequest& r : requests) {
    hash_tokens(h, r.prompt);
    h.update(&r.max_new_tokens, sizeof r.max_new_tokens);
    for (const std::string& s : r.stop) {
      uint64_t n = s.size();
      h.update(&n, sizeof n);
      h.update(s);
    }
    h.update(&r.sampling.temperature, sizeof r.sampling.temperature);
    h.update(&r.sampling.top_k, sizeof r.sampling.top_k);
    h.update(&r.sampling.top_p, sizeof r.sampling.top_p);
    h.update(&r.sampling.seed, sizeof r.sampling.seed);
    uint8_t eos = r.stop_at_eos;
    h.update(&eos, 1);
  }
  return h.hex_digest();
}

std::string from_rank(int rank) { return "responses from rank " + std::to_string(rank); }

}  // namespace

DistributedLanguageModel::DistributedLanguageModel(LanguageModel& local, Communicator& comm,
                                                   DistributedModelOptions options)
    : local_(local), comm_(comm), options_(options) {}

std::vector<LoglikelihoodResponse> DistributedLanguageModel::loglikelihood(
    const std::vector<LoglikelihoodRequest>& requests, const LoglikelihoodCallback& on_response) {
  check_same_everywhere(comm_, digest(requests), "the log-likelihood requests");
  std::vector<LoglikelihoodResponse> out(requests.size());
  for (size_t i = 0; i < requests.size(); ++i)
    if (requests[i].continuation.empty() && on_response) on_response(i, out[i]);

  // Only the grouping matters here (the wrapped model batches its own share), hence no budget.
  const ScoringPlan plan = plan_scoring(requests, std::numeric_limits<int64_t>::max());
  std::vector<int64_t> costs;
  costs.reserve(plan.groups.size());
  for (const ScoringGroup& g : plan.groups) costs.push_back(g.computed_tokens());
  const WorkRounds rounds = plan_work(costs, comm_.size(), options_.round_tokens);

  auto compute = [&](const std::vector<size_t>& groups) {
    std::vector<LoglikelihoodRequest> mine;
    for (size_t gi : groups)
      for (const Tokens& cont : plan.groups[gi].continuations) mine.push_back({plan.groups[gi].context, cont});
    if (mine.empty()) return std::string();
    ByteWriter w;
    for (const LoglikelihoodResponse& r : local_.loglikelihood(mine)) write_response(w, r);
    return w.take();
  };
  auto deliver = [&](int rank, const std::vector<size_t>& groups, const std::string& bytes) {
    ByteReader reader(bytes, from_rank(rank));
    for (size_t gi : groups) {
      const ScoringGroup& g = plan.groups[gi];
      for (size_t c = 0; c < g.continuations.size(); ++c) {
        LoglikelihoodResponse r = read_loglikelihood_response(reader);
        for (size_t req : g.request_indices[c]) {
          out[req] = r;
          if (on_response) on_response(req, out[req]);
        }
      }
    }
    reader.expect_end();
  };
  run_rounds(comm_, rounds, compute, deliver);
  return out;
}

std::vector<GenerateResponse> DistributedLanguageModel::generate(const std::vector<GenerateRequest>& requests,
                                                                 const GenerateCallback& on_response) {
  check_same_everywhere(comm_, digest(requests), "the generation requests");
  std::vector<int64_t> costs;
  costs.reserve(requests.size());
  for (const GenerateRequest& r : requests)
    costs.push_back(static_cast<int64_t>(r.prompt.size()) + std::max<int64_t>(r.max_new_tokens, 0));
  const WorkRounds rounds = plan_work(costs, comm_.size(), options_.round_generation_tokens);

  std::vector<GenerateResponse> out(requests.size());
  auto compute = [&](const std::vector<size_t>& items) {
    std::vector<GenerateRequest> mine;
    mine.reserve(items.size());
    for (size_t i : items) mine.push_back(requests[i]);
    if (mine.empty()) return std::string();
    ByteWriter w;
    for (const GenerateResponse& r : local_.generate(mine)) write_response(w, r);
    return w.take();
  };
  auto deliver = [&](int rank, const std::vector<size_t>& items, const std::string& bytes) {
    ByteReader reader(bytes, from_rank(rank));
    for (size_t i : items) {
      out[i] = read_generate_response(reader);
      if (on_response) on_response(i, out[i]);
    }
    reader.expect_end();
  };
  run_rounds(comm_, rounds, compute, deliver);
  return out;
}

}  // namespace mpt::dist
