// A LanguageModel that spreads its requests over the ranks of a job (data parallel).
//
//   MptLanguageModel local(model, tokenizer);          // this rank's model, on its device
//   DistributedLanguageModel lm(local, world.communicator());
//   auto responses = lm.loglikelihood(requests, on_response);    // on every rank (rank 0's requests count)
//
// Contract (on top of LanguageModel's):
//   * every rank calls the methods equally often and in the same order; the requests computed are
//     RANK 0's: they are broadcast, and the other ranks' arguments are ignored (the evaluation
//     runner's non-writing ranks pass every selected example's requests, while rank 0 leaves out
//     what the store or the response cache already has). Indices, results and callbacks on every
//     rank refer to rank 0's list;
//   * log-likelihood requests are planned as one scoring plan (scoring_plan.h: duplicates merged,
//     continuations grouped by context), the context groups are partitioned over the ranks by
//     computed tokens and computed in rounds of about `round_tokens` per rank (work_rounds.h);
//     generation requests likewise by prompt + max_new_tokens tokens;
//   * each rank computes its share through the wrapped model and, after every round, every rank
//     has every response of that round: each method returns the full response vector on every
//     rank, and on_response fires on EVERY rank for EVERY request, round by round (rank 0 stores
//     them as they come; the others may ignore them). Requests with an empty continuation are
//     answered at once, without computation;
//   * numbers are the wrapped model's: with a model whose answers are a pure function of each
//     request (MptLanguageModel in exact mode, float32 CPU) they are bit-identical for any number
//     of ranks;
//   * a failed rank makes the methods throw mpt::Error (Runtime) naming it (communicator.h).
#pragma once

#include <cstdint>

#include "dist/communicator.h"
#include "harness/distributed/work_rounds.h"
#include "tasks/requests.h"

namespace mpt::dist {

struct DistributedModelOptions {
  int64_t round_tokens = 65536;            // log-likelihood tokens computed per rank between exchanges
  int64_t round_generation_tokens = 16384; // prompt + new tokens generated per rank between exchanges
};

class DistributedLanguageModel : public LanguageModel {
 public:
  // `local` and `comm` must outlive this object.
  DistributedLanguageModel(LanguageModel& local, Communicator& comm, DistributedModelOptions options = {});

  std::vector<LoglikelihoodResponse> loglikelihood(const std::vector<LoglikelihoodRequest>& requests,
                                                   const LoglikelihoodCallback& on_response = {}) override;
  std::vector<GenerateResponse> generate(const std::vector<GenerateRequest>& requests,
                                         const GenerateCallback& on_response = {}) override;
  int32_t max_sequence_length() const override { return local_.max_sequence_length(); }

  // Traffic to carry along with generate()'s exchanges (remote_execution.h); null for none. Every
  // rank sets one, or none does. generate() returns once it has no more traffic pending.
  void set_generation_side_channel(SideChannel* side) { side_ = side; }

 private:
  LanguageModel& local_;
  Communicator& comm_;
  DistributedModelOptions options_;
  SideChannel* side_ = nullptr;
};

}  // namespace mpt::dist
