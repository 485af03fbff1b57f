#include "harness/distributed/distributed_language_model.h"

#include <limits>

#include "harness/distributed/wire.h"
#include "harness/distributed/work_rounds.h"
#include "backend/scoring_plan.h"

namespace mpt::dist {
namespace {

std::string from_rank(int rank) { return "responses from rank " + std::to_string(rank); }

// Rank 0's requests on every rank: rank 0 keeps its own (`mine`), the others decode the broadcast
// into `received` (and the result refers to it).
template <class Request, class Read>
const std::vector<Request>& root_requests(Communicator& comm, const std::vector<Request>& mine,
                                          std::vector<Request>& received, Read read) {
  if (comm.size() == 1) return mine;
  std::string bytes;
  if (comm.rank() == 0) {
    ByteWriter w;
    w.put<uint64_t>(mine.size());
    for (const Request& r : mine) write_request(w, r);
    bytes = w.take();
  }
  bytes = comm.broadcast(bytes, 0);
  if (comm.rank() == 0) return mine;
  ByteReader reader(bytes, "requests from rank 0");
  uint64_t n = reader.get<uint64_t>();
  received.clear();
  for (uint64_t i = 0; i < n; ++i) received.push_back(read(reader));
  reader.expect_end();
  return received;
}

}  // namespace

DistributedLanguageModel::DistributedLanguageModel(LanguageModel& local, Communicator& comm,
                                                   DistributedModelOptions options)
    : local_(local), comm_(comm), options_(options) {}

std::vector<LoglikelihoodResponse> DistributedLanguageModel::loglikelihood(
    const std::vector<LoglikelihoodRequest>& my_requests, const LoglikelihoodCallback& on_response) {
  std::vector<LoglikelihoodRequest> received;
  const auto& requests = root_requests(comm_, my_requests, received, read_loglikelihood_request);
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

std::vector<GenerateResponse> DistributedLanguageModel::generate(const std::vector<GenerateRequest>& my_requests,
                                                                 const GenerateCallback& on_response) {
  std::vector<GenerateRequest> received;
  const auto& requests = root_requests(comm_, my_requests, received, read_generate_request);
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
  run_rounds(comm_, rounds, compute, deliver, side_);
  return out;
}

}  // namespace mpt::dist
