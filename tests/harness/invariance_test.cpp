// Invariance of results: per-example results do not depend on the token budget (batches of 1, 7 and
// 64 sequences) or on the order of the requests. Bit for bit in exact mode (float32, CPU); batched
// mode agrees to float32 rounding.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "common/paths.h"
#include "backend/mpt_language_model.h"
#include "backend/scoring_plan.h"
#include "tasks/evaluate.h"
#include "tasks/task_suite.h"
#include "tests/harness/harness_test_support.h"

namespace mpt {
namespace {

using Mode = MptLanguageModelOptions::Mode;

// Real requests: a few examples of four task types of the bundled default set.
std::vector<PreparedEval> prepared_tasks() {
  TaskSuite suite = load_task_suite(source_dir() + "/configs/default_tasks.yaml", bundled_path("icl"),
                                    {{"lambada_openai", "piqa", "hellaswag/0-shot", "arc_easy", "winograd"}});
  std::vector<PreparedEval> out;
  for (const EvalSpec& e : suite.evaluations) out.push_back(prepare_eval(e, test::neox_tokenizer(), {.limit = 12}));
  return out;
}

std::vector<LoglikelihoodRequest> all_requests(const std::vector<PreparedEval>& evals) {
  std::vector<LoglikelihoodRequest> out;
  for (const PreparedEval& e : evals) out.insert(out.end(), e.loglikelihood_requests.begin(), e.loglikelihood_requests.end());
  return out;
}

// The largest number of sequences in one batch of the plan. A sequence is a context with its
// continuations (a scoring group: one row of the batch's context pass); the continuations of a
// multiple-choice question share it.
size_t largest_batch(const std::vector<LoglikelihoodRequest>& reqs, int64_t budget) {
  ScoringPlan plan = plan_scoring(reqs, budget);
  size_t best = 0;
  for (const ScoringBatch& b : plan.batches) best = std::max(best, b.groups.size());
  return best;
}

// The smallest budget whose plan's largest batch has exactly `sequences` sequences.
int64_t budget_for(const std::vector<LoglikelihoodRequest>& reqs, size_t sequences) {
  for (int64_t budget = 1; budget < (1 << 22); budget += std::max<int64_t>(1, budget / 1000))
    if (largest_batch(reqs, budget) == sequences) return budget;
  ADD_FAILURE() << "no budget gives a batch of " << sequences << " sequences";
  return 1;
}

// Per-example results of every evaluation, answering its requests from `responses` (in the
// order of all_requests).
std::vector<EvalResult> score(const std::vector<PreparedEval>& evals, const std::vector<LoglikelihoodResponse>& responses) {
  std::vector<EvalResult> out;
  size_t at = 0;
  for (const PreparedEval& e : evals) {
    EvalResponses r;
    r.loglikelihood.assign(responses.begin() + static_cast<long>(at),
                           responses.begin() + static_cast<long>(at + e.loglikelihood_requests.size()));
    at += e.loglikelihood_requests.size();
    out.push_back(make_eval_result(e, r));
  }
  return out;
}

std::vector<LoglikelihoodResponse> run(const MptModel& model, Mode mode, int64_t budget,
                                       const std::vector<LoglikelihoodRequest>& reqs, const std::vector<size_t>& order) {
  MptLanguageModel lm(model, test::neox_tokenizer(), {.mode = mode, .batch_tokens = budget});
  std::vector<LoglikelihoodRequest> shuffled;
  for (size_t i : order) shuffled.push_back(reqs[i]);
  std::vector<LoglikelihoodResponse> got = lm.loglikelihood(shuffled), out(reqs.size());
  for (size_t k = 0; k < order.size(); ++k) out[order[k]] = got[k];
  return out;
}

TEST(Invariance, PerExampleResultsDoNotDependOnBatchesOrOrder) {
  auto model = test::load_tiny_model();
  std::vector<PreparedEval> evals = prepared_tasks();
  std::vector<LoglikelihoodRequest> reqs = all_requests(evals);
  ASSERT_GT(reqs.size(), 100u);
  std::vector<size_t> identity(reqs.size());
  std::iota(identity.begin(), identity.end(), 0);
  std::vector<size_t> shuffled = identity;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(20240601));

  const int64_t b1 = budget_for(reqs, 1), b7 = budget_for(reqs, 7), b64 = budget_for(reqs, 64);
  std::printf("budgets: 1 sequence %lld tokens, 7 sequences %lld, 64 sequences %lld (%zu requests)\n",
              static_cast<long long>(b1), static_cast<long long>(b7), static_cast<long long>(b64), reqs.size());

  std::vector<LoglikelihoodResponse> reference = run(*model, Mode::Exact, b1, reqs, identity);
  std::vector<EvalResult> expected = score(evals, reference);
  struct Variant {
    int64_t budget;
    const std::vector<size_t>* order;
    const char* name;
  };
  for (const Variant& v : {Variant{b7, &identity, "7 sequences"}, Variant{b64, &identity, "64 sequences"},
                           Variant{b1, &shuffled, "1 sequence, shuffled"}, Variant{b64, &shuffled, "64 sequences, shuffled"}}) {
    std::vector<LoglikelihoodResponse> got = run(*model, Mode::Exact, v.budget, reqs, *v.order);
    for (size_t i = 0; i < reqs.size(); ++i) {
      // Bit for bit: the same doubles and floats, not merely close ones.
      ASSERT_EQ(got[i].logprob, reference[i].logprob) << v.name << ", request " << i;
      ASSERT_EQ(got[i].token_logprobs, reference[i].token_logprobs) << v.name << ", request " << i;
      ASSERT_EQ(got[i].greedy, reference[i].greedy) << v.name << ", request " << i;
    }
    std::vector<EvalResult> results = score(evals, got);
    for (size_t t = 0; t < evals.size(); ++t)
      for (size_t e = 0; e < results[t].examples.size(); ++e) {
        EXPECT_EQ(results[t].examples[e].details, expected[t].examples[e].details) << v.name;
        for (size_t m = 0; m < results[t].examples[e].metrics.size(); ++m)
          EXPECT_EQ(results[t].examples[e].metrics[m].value, expected[t].examples[e].metrics[m].value) << v.name;
      }
  }
  // Batched mode packs the same budgets into padded batches: float32 rounding only (see
  // language_model_test.cpp for the 1e-5 bound).
  for (int64_t budget : {b1, b7, b64}) {
    std::vector<LoglikelihoodResponse> got = run(*model, Mode::Batched, budget, reqs, shuffled);
    for (size_t i = 0; i < reqs.size(); ++i)
      for (size_t j = 0; j < got[i].token_logprobs.size(); ++j)
        ASSERT_NEAR(got[i].token_logprobs[j], reference[i].token_logprobs[j], 1e-5) << "budget " << budget;
  }
}

}  // namespace
}  // namespace mpt
