// The batched scoring executor (one branched row per context, backend/branched_scoring.h) answers
// every request as the exact executor does: same log-likelihoods up to float32 rounding, same greedy
// flags, same per-token counts; shared contexts, duplicates, one-token continuations and a batch
// budget smaller than a group included.
//
// Tolerance: 1e-4 on sums of up to 6 log-probabilities (float32; the two executors run the same
// operations on differently shaped tensors, the model tests' bound for cached computation).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "backend/mpt_language_model.h"
#include "backend/neox_tokenizer_adapter.h"
#include "models/mpt_model.h"
#include "models/tokenizer/tokenizer.h"

namespace mpt {
namespace {

Tokens toks(int n, int salt) {
  Tokens t;
  for (int i = 0; i < n; ++i) t.push_back((i * 53 + salt * 17 + 5) % 320);
  return t;
}

TEST(BranchedScoring, BatchedModeAnswersEveryRequestAsExactModeDoes) {
  auto model = MptModel::load(std::string(MPTEVAL_TEST_FIXTURES) + "/mpt-tiny");
  const NeoxTokenizerAdapter tokenizer(Tokenizer::bundled());
  std::vector<LoglikelihoodRequest> reqs;
  for (int q = 0; q < 6; ++q) {  // multiple-choice questions: 4 choices of 1..6 tokens each
    Tokens ctx = toks(5 + 7 * q, q);
    for (int c = 0; c < 4; ++c) reqs.push_back({ctx, toks(1 + (q + c) % 6, 100 + 10 * q + c)});
  }
  reqs.push_back(reqs[3]);                 // a duplicate
  reqs.push_back({toks(50, 7), toks(1, 8)});  // long context, one token
  reqs.push_back({toks(2, 9), {}});         // empty continuation
  for (int64_t budget : {int64_t{8192}, int64_t{20}}) {
    SCOPED_TRACE("budget " + std::to_string(budget));
    MptLanguageModel exact(*model, tokenizer, {.mode = MptLanguageModelOptions::Mode::Exact, .batch_tokens = budget});
    MptLanguageModel batched(*model, tokenizer, {.mode = MptLanguageModelOptions::Mode::Batched, .batch_tokens = budget});
    auto want = exact.loglikelihood(reqs);
    size_t calls = 0;
    auto got = batched.loglikelihood(reqs, [&](size_t, const LoglikelihoodResponse&) { ++calls; });
    EXPECT_EQ(calls, reqs.size());
    double worst = 0;
    for (size_t i = 0; i < reqs.size(); ++i) {
      EXPECT_EQ(got[i].num_tokens, want[i].num_tokens) << i;
      EXPECT_EQ(got[i].greedy, want[i].greedy) << i;
      ASSERT_EQ(got[i].token_logprobs.size(), want[i].token_logprobs.size()) << i;
      worst = std::max(worst, std::fabs(got[i].logprob - want[i].logprob));
      EXPECT_LT(want[i].logprob, 1e-9);
    }
    std::printf("batched vs exact, budget %lld: max |logprob diff| = %.3g\n", static_cast<long long>(budget), worst);
    EXPECT_LT(worst, 1e-4);
  }
}

}  // namespace
}  // namespace mpt
