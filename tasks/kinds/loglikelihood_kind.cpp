#include "tasks/kinds/loglikelihood_kind.h"

#include <algorithm>

#include "tasks/example_scoring.h"
#include "tasks/kinds/context_tokens.h"
#include "tasks/python_str.h"

namespace mpt {

void LoglikelihoodKind::make_requests(PreparedEval& eval, PreparedExample& ex, const Tokens& preamble,
                                      const TokenizerInterface& tok, const std::string& where) const {
  const PromptPieces& pc = ex.prompt.pieces;
  ex.first_request = eval.loglikelihood_requests.size();
  std::vector<Tokens> contexts, continuations;
  for (const std::string& c : pc.contexts) contexts.push_back(concat(preamble, tok.encode(c)));
  for (const std::string& c : pc.continuations) continuations.push_back(tok.encode(c));
  const size_t n = std::max(contexts.size(), continuations.size());
  for (size_t i = 0; i < n; ++i) {
    const Tokens& cont = continuations[std::min(i, continuations.size() - 1)];
    Tokens ctx = trim_context(contexts[std::min(i, contexts.size() - 1)], cont.size(), eval.max_seq_len, where);
    eval.loglikelihood_requests.push_back({std::move(ctx), cont});
  }
  ex.num_requests = n;
}

ExampleResult LoglikelihoodKind::score_choices(const PreparedExample& ex, const EvalResponses& responses) {
  const PromptPieces& pieces = ex.prompt.pieces;
  std::vector<double> logprobs, normalized;
  std::vector<int32_t> tokens;
  std::vector<bool> greedy;
  for (size_t i = 0; i < ex.num_requests; ++i) {
    const LoglikelihoodResponse& resp = responses.loglikelihood[ex.first_request + i];
    logprobs.push_back(resp.logprob);
    tokens.push_back(resp.num_tokens);
    greedy.push_back(resp.greedy);
    // Schema options share one continuation, so acc_norm equals acc there.
    const std::string& scored = pieces.continuations[pieces.continuations.size() == 1 ? 0 : i];
    normalized.push_back(resp.logprob / static_cast<double>(std::max<size_t>(py::len(scored), 1)));
  }
  const int64_t pick = lowest_mean_nll(logprobs, tokens);
  const int64_t pick_acc = first_argmax(logprobs);
  const int64_t pick_norm = first_argmax(normalized);
  ExampleResult r;
  r.metrics = {{"accuracy", pick == pieces.gold ? 1.0 : 0.0},
               {"acc", pick_acc == pieces.gold ? 1.0 : 0.0},
               {"acc_norm", pick_norm == pieces.gold ? 1.0 : 0.0}};
  r.details = {{"gold", pieces.gold},         {"predicted", pick},           {"predicted_acc", pick_acc},
               {"predicted_acc_norm", pick_norm}, {"logprobs", logprobs}, {"num_tokens", tokens},
               {"greedy", greedy}};
  return r;
}

}  // namespace mpt
