// Generation and sampling: per-sequence finishing (EOS, stop predicate, length), callbacks, options
// validation, and sampling that depends only on a sequence's own seed.
#include "models/generation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "common/error.h"
#include "models/token_sampler.h"
#include "tests/models/fixture_util.h"

namespace mpt::test {
namespace {

class Generation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { model_ = MptModel::load(fixture("mpt-tiny")).release(); }
  static void TearDownTestSuite() { delete model_; }
  static GenerationJob job(TokenIds prompt, int32_t n, SamplingOptions s = {}) {
    GenerationJob j;
    j.prompt = std::move(prompt);
    j.max_new_tokens = n;
    j.sampling = s;
    return j;
  }
  static MptModel* model_;
};
MptModel* Generation::model_ = nullptr;

TEST_F(Generation, SamplesDependOnlyOnTheSequencesOwnSeed) {
  SamplingOptions s{.temperature = 1.0, .top_k = 40, .top_p = 0.9};
  std::vector<GenerationJob> jobs;
  for (int i = 0; i < 5; ++i) {
    s.seed = 100 + i;
    jobs.push_back(job({static_cast<int32_t>(3 + i), 9, 27, static_cast<int32_t>(40 + 7 * i)}, 12, s));
    jobs.back().prompt.resize(2 + i, 5);  // different prompt lengths: left padding differs per batch
  }
  auto together = generate(*model_, jobs, {.max_batch_rows = 5});
  std::vector<GenerationJob> reversed(jobs.rbegin(), jobs.rend());
  auto other_order = generate(*model_, reversed, {.max_batch_rows = 3});
  for (size_t i = 0; i < jobs.size(); ++i) {
    auto alone = generate(*model_, {jobs[i]});
    EXPECT_EQ(together[i].tokens, alone[0].tokens) << "job " << i;
    EXPECT_EQ(other_order[jobs.size() - 1 - i].tokens, alone[0].tokens) << "job " << i;
    EXPECT_EQ(alone[0].tokens.size(), 12u);
  }
  // Different seeds give different samples (with near-uniform logits over 320 tokens).
  EXPECT_NE(together[0].tokens, generate(*model_, {[&] { auto j = jobs[0]; j.sampling.seed = 7; return j; }()})[0].tokens);
}

TEST_F(Generation, TopKOneAndTinyTopPAreGreedy) {
  auto greedy = generate(*model_, {job({5, 9, 13}, 8)})[0].tokens;
  EXPECT_EQ(generate(*model_, {job({5, 9, 13}, 8, {.temperature = 2.0, .top_k = 1, .seed = 3})})[0].tokens, greedy);
  EXPECT_EQ(generate(*model_, {job({5, 9, 13}, 8, {.temperature = 2.0, .top_p = 1e-6, .seed = 3})})[0].tokens, greedy);
}

TEST_F(Generation, EosFinishesAndIsKept) {
  auto free_run = generate(*model_, {job({1, 2, 3, 4, 5}, 10)})[0].tokens;
  GenerationJob j = job({1, 2, 3, 4, 5}, 10);
  j.eos_id = free_run[2];
  auto r = generate(*model_, {j})[0];
  const auto first = std::find(free_run.begin(), free_run.end(), free_run[2]) - free_run.begin();
  EXPECT_EQ(r.end, GenerationEnd::Eos);
  EXPECT_EQ(r.tokens, TokenIds(free_run.begin(), free_run.begin() + first + 1));
}

TEST_F(Generation, StopPredicateSeesTheGeneratedTokens) {
  GenerationJob j = job({7, 7, 7}, 10);
  std::vector<size_t> seen;
  j.stop = [&](const TokenIds& out) {
    seen.push_back(out.size());
    return out.size() == 4;
  };
  auto r = generate(*model_, {j})[0];
  EXPECT_EQ(r.end, GenerationEnd::Stop);
  EXPECT_EQ(r.tokens.size(), 4u);
  EXPECT_EQ(seen, (std::vector<size_t>{1, 2, 3, 4}));
}

TEST_F(Generation, CallbackFiresOncePerJobAsSoonAsItFinishes) {
  std::vector<GenerationJob> jobs = {job({1, 2}, 1), job({3}, 5), job({4, 5, 6}, 3), job({9}, 0)};
  std::vector<size_t> order;
  auto results = generate(*model_, jobs, {.max_batch_rows = 4}, [&](size_t i, const GenerationResult& r) {
    order.push_back(i);
    EXPECT_EQ(static_cast<int32_t>(r.tokens.size()), jobs[i].max_new_tokens);
  });
  EXPECT_EQ(order, (std::vector<size_t>{3, 0, 2, 1}));
  EXPECT_TRUE(results[3].tokens.empty());
  EXPECT_EQ(results[3].end, GenerationEnd::Length);
}

TEST_F(Generation, ContinuousBatchingRefillsSlotsWithoutChangingAnySequence) {
  // Seven greedy jobs of different prompt lengths and lengths, some ending early on EOS, through two
  // slots: finished slots take the next prompt while the other slot keeps decoding.
  std::vector<GenerationJob> jobs;
  for (int i = 0; i < 7; ++i) {
    TokenIds prompt;
    for (int t = 0; t < 2 + (i * 5) % 9; ++t) prompt.push_back((i * 31 + t * 7 + 3) % 320);
    jobs.push_back(job(prompt, 3 + (i * 4) % 11));
  }
  std::vector<TokenIds> alone;
  for (const auto& j : jobs) alone.push_back(generate(*model_, {j})[0].tokens);
  jobs[2].eos_id = alone[2][1];  // job 2 stops after its second token (or earlier, if it repeats)
  jobs[5].eos_id = alone[5][0];  // job 5 after its first
  std::vector<size_t> finished;
  auto together = generate(*model_, jobs, {.max_batch_rows = 2, .prefill_tokens = 16},
                           [&](size_t i, const GenerationResult&) { finished.push_back(i); });
  for (size_t i = 0; i < jobs.size(); ++i) {
    TokenIds want = alone[i];
    if (jobs[i].eos_id) want.resize(std::find(want.begin(), want.end(), *jobs[i].eos_id) - want.begin() + 1);
    EXPECT_EQ(together[i].tokens, want) << "job " << i;
    EXPECT_EQ(together[i].end, jobs[i].eos_id ? GenerationEnd::Eos : GenerationEnd::Length) << "job " << i;
  }
  EXPECT_EQ(finished.size(), jobs.size());
}

TEST_F(Generation, BadJobsAreInputErrorsNamingTheJob) {
  auto error_of = [&](GenerationJob bad) -> std::string {
    try {
      generate(*model_, {job({1}, 1), bad});
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Input);
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(error_of(job({}, 3)).find("empty prompt (generation job 1)"), std::string::npos);
  EXPECT_NE(error_of(job({320}, 3)).find("prompt token id out of range (generation job 1): expected 0 <= id < 320, found 320"),
            std::string::npos);
  EXPECT_NE(error_of(job({1}, -1)).find("negative max_new_tokens"), std::string::npos);
  EXPECT_NE(error_of(job({1}, 3, {.top_p = 0})).find("bad top-p (generation job 1)"), std::string::npos);
  EXPECT_NE(error_of(job({1}, 3, {.temperature = -1})).find("bad sampling temperature"), std::string::npos);
  EXPECT_NE(error_of(job({1}, 3, {.top_k = -2})).find("bad top-k"), std::string::npos);
}

TEST(TokenSampler, ArgmaxTiesGoToTheLowestIdAndSkipNaN) {
  const float v[] = {0.5f, 2.0f, NAN, 2.0f, 1.0f};
  EXPECT_EQ(argmax_lowest(v, 5), 1);
  const float nan_first[] = {NAN, -1.0f, -1.0f};
  EXPECT_EQ(argmax_lowest(nan_first, 3), 1);
}

// Empirical frequencies over 60,000 draws; the standard error of a frequency p is sqrt(p(1-p)/n)
// <= 0.002, so 0.01 is five standard errors.
std::array<double, 3> frequencies(SamplingOptions s) {
  const float logits[] = {0.0f, std::log(2.0f), std::log(3.0f)};  // probabilities 1/6, 2/6, 3/6
  TokenSampler sampler(s);
  std::array<double, 3> f{};
  const int n = 60000;
  for (int i = 0; i < n; ++i) f[sampler.next(logits, 3)] += 1.0 / n;
  return f;
}

TEST(TokenSampler, DrawsFromTheFilteredSoftmax) {
  auto all = frequencies({.temperature = 1.0, .seed = 1});
  EXPECT_NEAR(all[0], 1.0 / 6, 0.01);
  EXPECT_NEAR(all[1], 2.0 / 6, 0.01);
  EXPECT_NEAR(all[2], 3.0 / 6, 0.01);
  auto top2 = frequencies({.temperature = 1.0, .top_k = 2, .seed = 2});
  EXPECT_EQ(top2[0], 0.0);
  EXPECT_NEAR(top2[1], 0.4, 0.01);
  auto nucleus = frequencies({.temperature = 1.0, .top_p = 0.5, .seed = 3});  // 3/6 alone reaches 0.5
  EXPECT_NEAR(nucleus[2], 1.0, 1e-9);  // every draw (sum of 60,000 increments)
  auto nucleus2 = frequencies({.temperature = 1.0, .top_p = 0.6, .seed = 4});
  EXPECT_EQ(nucleus2[0], 0.0);
  EXPECT_NEAR(nucleus2[2], 0.6, 0.01);
  auto hot = frequencies({.temperature = 1e6, .seed = 5});  // near uniform
  EXPECT_NEAR(hot[0], 1.0 / 3, 0.01);
}

TEST(TokenSampler, SameSeedSameSamples) {
  const float logits[] = {0.1f, 0.2f, 0.3f, 0.4f};
  TokenSampler a({.temperature = 1.0, .seed = 42}), b({.temperature = 1.0, .seed = 42});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(logits, 4), b.next(logits, 4));
}

}  // namespace
}  // namespace mpt::test
